"""Benchmark of the bilan: `compute_bilan` (what the application runs: the hand-written
statements of `reporting/indicators/statements.py`, through Django) beside the bare statements
(`bench/bilan_sql.py`, the best hand-written SQL we have) and the ORM reference definition
(`compute_reference_bilan`), on the same database, in the same run, at several scales and on both
engines.

    .venv/bin/python bench/bilan_bench.py                      # 1×, 10×, 100× on both engines
    .venv/bin/python bench/bilan_bench.py --scales 1,10 --engines postgresql --runs 5
    .venv/bin/python bench/bilan_bench.py --database-url postgres://…/mydb --year 2026
    .venv/bin/python bench/bilan_bench.py --scales 10,100 --engines postgresql --scopes site

Datasets come from `bench/datasets.py` (`ensure_dataset(scale, engine) -> DATABASE_URL`, the
generator's year is 2025); `--database-url` measures one existing database instead. Each
dataset is measured in its own Python process (DATABASE_URL is read when Django starts).

For each dataset and for "all sites" and "one site" (the site with the most persons, or
`--site`): one warm-up run of each, then `--runs` timed runs of each, alternating application,
SQL and reference in a rotated order (A, B, C, then B, C, A, then C, A, B…); the table prints
the median and the p95 (nearest rank: with 5 runs, the slowest) in milliseconds, the ratio of
the medians application / SQL (goal ≤ 1.3, issue #17), the median time the application's queries
spent in the database (the rest is Python) and the median CPU time of this Python process during
`compute_bilan` (which a loaded machine inflates less than wall time), the reference's median
and its ratio to the SQL, the number of queries of each and whether all three gave the same
figures (`generated_at` aside).
The command and the load average (`/proc/loadavg`) before and after each dataset are printed:
on a shared machine the figures mean little without them. `--pgoptions "-c jit=on"` replaces
the server options of the settings (which turn the JIT off) to measure another setting.
"""

import argparse
import json
import math
import os
import shlex
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL_RATIO = 1.3
BENCH_YEAR = 2025
APP_NAME = f"bilan_bench_{os.getpid()}"


def _load_average() -> str:
    """The 1, 5 and 15-minute load averages, as /proc/loadavg gives them (Linux)."""
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "inconnue"


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


# ---- child: one dataset, inside Django ------------------------------------------------------


def _measure(year: int, runs: int, site_code: str | None, scopes=("all", "site")) -> dict:
    import datetime

    import django

    django.setup()
    from django.db import connection
    from django.db.models import Count
    from django.test.utils import CaptureQueriesContext

    from bench.bilan_sql import SECTIONS, bilan_sql
    from ceis.models import Site
    from reporting.indicators import compute_bilan
    from reporting.indicators.reference import compute_reference_bilan

    pgoptions = os.environ.get("BILAN_BENCH_PGOPTIONS")
    if pgoptions and connection.vendor == "postgresql":
        # Replaces the settings' server options (jit=off) for this measure only.
        connection.settings_dict.setdefault("OPTIONS", {})["options"] = pgoptions
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    if site_code is None:
        busiest = (
            Site.objects.annotate(n=Count("persons")).order_by("-n", "code").values("code").first()
        )
        site_code = busiest["code"] if busiest else None

    in_database = []

    def timed_execute(execute, sql, params, many, context):
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            in_database[-1] += time.perf_counter() - began

    python_cpu = []

    def app(scope):
        in_database.append(0.0)
        began = time.process_time()
        with connection.execute_wrapper(timed_execute):
            bilan = compute_bilan(date_from=start, date_to=end, site=scope)
        python_cpu.append(time.process_time() - began)
        return {section: bilan[section] for section in SECTIONS}

    def sql(scope):
        return bilan_sql(connection, start, end, scope)

    def ref(scope):
        bilan = compute_reference_bilan(date_from=start, date_to=end, site=scope)
        return {section: bilan[section] for section in SECTIONS}

    computations = (("app", app), ("sql", sql), ("ref", ref))
    results = {"vendor": connection.vendor, "site": site_code, "scopes": {}}
    measured = {"all": ("tous les sites", None), "site": (f"site {site_code}", site_code)}
    for label, scope in (measured[name] for name in scopes):
        row = {}
        for name, run in computations:
            with CaptureQueriesContext(connection) as queries:
                row[f"{name}_result"] = run(scope)  # the warm-up, counted
            row[f"{name}_queries"] = len(queries)
            row[f"{name}_times"] = []
        in_database.clear()
        python_cpu.clear()
        for index in range(runs):
            # Rotated each run (app, SQL, reference; SQL, reference, app; …): none of the three
            # always follows the same one, whose reads may have left the caches to its favour.
            turn = index % len(computations)
            for name, run in computations[turn:] + computations[:turn]:
                began = time.perf_counter()
                run(scope)
                row[f"{name}_times"].append(time.perf_counter() - began)
        row["app_database_times"] = list(in_database)
        row["app_cpu_times"] = list(python_cpu)
        reference = row.pop("ref_result")
        row["same"] = row.pop("app_result") == reference == row.pop("sql_result")
        results["scopes"][label] = row
    return results


def _child(args) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ceis.settings.local")
    print(json.dumps(_measure(args.year, args.runs, args.site, args.scopes.split(","))))


# ---- parent: datasets, processes, table ---------------------------------------------------


def _run_child(url: str, args) -> dict | None:
    """The child's measures, or None when it ran longer than `--timeout`."""
    env = dict(os.environ)
    env.pop("CEIS_FIELD_ENCRYPTION_KEYS", None)  # the datasets' notes use the local key
    env.update(DATABASE_URL=url, DJANGO_SETTINGS_MODULE="ceis.settings.local", DJANGO_DEBUG="0")
    env["PGAPPNAME"] = APP_NAME  # so that a timeout cancels our queries, nobody else's
    if args.pgoptions:
        env["BILAN_BENCH_PGOPTIONS"] = args.pgoptions
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--child",
        "--year",
        str(args.year),
        "--runs",
        str(args.runs),
    ]
    if args.site:
        command += ["--site", args.site]
    command += ["--scopes", args.scopes]
    try:
        done = subprocess.run(  # noqa: S603 (our own interpreter and script)
            command,
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
            timeout=args.timeout,
        )
    except subprocess.TimeoutExpired:
        # PostgreSQL goes on with a query whose client is gone: cancel what is left.
        _cancel_queries(url)
        return None
    if done.returncode != 0:
        raise SystemExit(f"échec de la mesure sur {url} :\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _cancel_queries(url: str) -> None:
    if not url.startswith("postgres"):
        return
    import psycopg2

    name = url.rsplit("/", 1)[-1]
    with psycopg2.connect(url) as connection, connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_cancel_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND application_name = %s",
            [name, APP_NAME],
        )


def _datasets(args):
    """(scale label, engine, DATABASE_URL) for each dataset to measure."""
    if args.database_url:
        engine = "postgresql" if args.database_url.startswith("postgres") else "sqlite"
        return [("-", engine, args.database_url)]
    sys.path.insert(0, str(ROOT))
    from bench.datasets import ensure_dataset

    return [
        (f"{scale}×", engine, ensure_dataset(scale, engine, quiet=True))
        for scale in args.scales
        for engine in args.engines
    ]


HEADER = (
    "| échelle | moteur | périmètre | appli médiane | appli p95 | dont base | CPU Python "
    "| SQL médiane | SQL p95 | appli/SQL | référence ORM médiane | référence/SQL "
    "| requêtes appli | requêtes SQL | requêtes référence | mêmes chiffres |"
)


def _lines(scale: str, engine: str, measured: dict) -> list[str]:
    lines = []
    for label, row in measured["scopes"].items():
        app_median = statistics.median(row["app_times"]) * 1000
        sql_median = statistics.median(row["sql_times"]) * 1000
        ref_median = statistics.median(row["ref_times"]) * 1000
        ratio = app_median / sql_median if sql_median else float("nan")
        ref_ratio = ref_median / sql_median if sql_median else float("nan")
        flag = "" if ratio <= GOAL_RATIO else " ✗"
        in_database = statistics.median(row["app_database_times"]) * 1000
        lines.append(
            f"| {scale} | {engine} | {label} | {app_median:.0f} ms "
            f"| {_p95(row['app_times']) * 1000:.0f} ms | {in_database:.0f} ms "
            f"| {statistics.median(row['app_cpu_times']) * 1000:.0f} ms "
            f"| {sql_median:.0f} ms "
            f"| {_p95(row['sql_times']) * 1000:.0f} ms | {ratio:.2f}{flag} "
            f"| {ref_median:.0f} ms | {ref_ratio:.2f} "
            f"| {row['app_queries']} | {row['sql_queries']} | {row['ref_queries']} "
            f"| {'oui' if row['same'] else 'NON'} |"
        )
    return lines


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="1,10,100", help="échelles, ex. 1,10,100")
    parser.add_argument("--engines", default="sqlite,postgresql", help="sqlite,postgresql")
    parser.add_argument("--runs", type=int, default=5, help="mesures après l'échauffement")
    parser.add_argument("--year", type=int, default=BENCH_YEAR, help="année du bilan")
    parser.add_argument("--site", help="code du site mesuré seul (défaut : le plus peuplé)")
    parser.add_argument(
        "--scopes", default="all,site", help="all (tous les sites), site (un site), ou les deux"
    )
    parser.add_argument("--database-url", help="mesurer cette base au lieu des jeux générés")
    parser.add_argument("--pgoptions", help='options du serveur, ex. "-c jit=on"')
    parser.add_argument(
        "--timeout", type=int, help="arrêter la mesure d'un jeu de données après N secondes"
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return _child(args)
    args.scales = [int(scale) for scale in args.scales.split(",") if scale]
    args.engines = [engine for engine in args.engines.split(",") if engine]
    for engine in args.engines:
        if engine not in ("sqlite", "postgresql"):
            parser.error(f"moteur inconnu : {engine}")

    print(
        f"Bilan de l'année {args.year} : compute_bilan (appli) contre bench/bilan_sql.py (SQL) "
        "et compute_reference_bilan (référence ORM), "
        f"{args.runs} mesures alternées après un échauffement"
        + (f", options du serveur {args.pgoptions!r}" if args.pgoptions else "")
    )
    print("Commande :", shlex.join([".venv/bin/python", "bench/bilan_bench.py", *sys.argv[1:]]))
    print(f"Charge (/proc/loadavg) au départ : {_load_average()}")
    print(HEADER)
    print("|---" * (HEADER.count("|") - 1) + "|")
    failed = False
    for scale, engine, url in _datasets(args):
        measured = _run_child(url, args)
        if measured is None:
            print(
                f"| {scale} | {engine} | tous les sites | > {args.timeout} s (arrêté) |" + " |" * 12
            )
            continue
        for line in _lines(scale, engine, measured):
            print(line, flush=True)
        print(f"Charge après {scale} {engine} : {_load_average()}", flush=True)
        failed |= not all(row["same"] for row in measured["scopes"].values())
    if failed:
        raise SystemExit("Les trois calculs ne donnent pas les mêmes chiffres (colonne NON).")


if __name__ == "__main__":
    main()
