"""The bilan's ORM before and after a change, alternated in one process on the same database.

    .venv/bin/python bench/bilan_before_after.py --before e022d60 --scale 10 --runs 5
    .venv/bin/python bench/bilan_before_after.py --before e022d60 --scale 100 --site CEIS

`reporting/indicators/unisvers.py` and `villages.py` are loaded as they were at the commit
`--before` (read with `git show`, beside today's modules, sharing today's `common.py` and
`codes.py`), and both versions compute the sections `unisvers` and `villages` of the year 2025
on the PostgreSQL dataset of `--scale` (`bench/datasets.py`), every site or one site: one
warm-up run of each, then `--runs` timed runs alternating before and after (A, B, A, B…). It
prints the medians and the p95 (nearest rank) in milliseconds, the number of queries of each,
the load average, and whether both give the same figures (keys added since `--before` aside).
"""

import argparse
import datetime
import importlib.util
import math
import os
import shlex
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_YEAR = 2025


def _load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "inconnue"


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def _module_at(commit: str, name: str):
    """`reporting.indicators.<name>` as it was at `commit`, as the module
    `reporting.indicators.<name>_before` (its relative imports read today's package)."""
    source = subprocess.run(  # noqa: S603 (git, our own arguments)
        ["git", "show", f"{commit}:reporting/indicators/{name}.py"],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    qualified = f"reporting.indicators.{name}_before"
    spec = importlib.util.spec_from_loader(qualified, loader=None)
    module = importlib.util.module_from_spec(spec)
    module.__package__ = "reporting.indicators"
    exec(compile(source, f"{commit}:reporting/indicators/{name}.py", "exec"), module.__dict__)  # noqa: S102
    sys.modules[qualified] = module
    return module


def _common_keys(before: dict, after: dict) -> tuple[dict, dict]:
    keys = before.keys() & after.keys()
    return {key: before[key] for key in keys}, {key: after[key] for key in keys}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", required=True, help="commit de référence (git)")
    parser.add_argument("--scale", type=float, default=10, help="échelle du jeu de données")
    parser.add_argument("--runs", type=int, default=5, help="mesures après l'échauffement")
    parser.add_argument("--site", help="code d'un site (défaut : tous les sites)")
    args = parser.parse_args(argv)

    sys.path.insert(0, str(ROOT))
    from bench.datasets import ensure_dataset

    url = ensure_dataset(args.scale, "postgresql", quiet=True)
    os.environ.pop("CEIS_FIELD_ENCRYPTION_KEYS", None)  # the datasets' notes use the local key
    os.environ.update(
        DATABASE_URL=url, DJANGO_SETTINGS_MODULE="ceis.settings.local", DJANGO_DEBUG="0"
    )
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ceis.models import Site
    from reporting.indicators import unisvers, villages
    from reporting.indicators.common import Period

    old_unisvers = _module_at(args.before, "unisvers")
    old_villages = _module_at(args.before, "villages")
    period = Period(datetime.date(BENCH_YEAR, 1, 1), datetime.date(BENCH_YEAR, 12, 31))
    site = Site.objects.get(code=args.site) if args.site else None

    def before():
        return old_unisvers.compute(period, site), old_villages.compute(period, site)

    def after():
        return unisvers.compute(period, site), villages.compute(period, site)

    print(
        "Sections unisvers et villages de l'année 2025 : ORM au commit "
        f"{args.before} (avant) contre l'arbre de travail (après), {args.runs} mesures "
        "alternées après un échauffement"
    )
    print(
        "Commande :",
        shlex.join([".venv/bin/python", "bench/bilan_before_after.py", *(argv or sys.argv[1:])]),
    )
    print(f"Charge (/proc/loadavg) au départ : {_load_average()}")
    results, queries, times = {}, {}, {"avant": [], "après": []}
    for label, run in (("avant", before), ("après", after)):
        with CaptureQueriesContext(connection) as captured:
            results[label] = run()
        queries[label] = len(captured)
    for _ in range(args.runs):
        for label, run in (("avant", before), ("après", after)):
            began = time.perf_counter()
            run()
            times[label].append(time.perf_counter() - began)
    same = all(
        _common_keys(old, new)[0] == _common_keys(old, new)[1]
        for old, new in zip(results["avant"], results["après"], strict=True)
    )
    scope = f"site {args.site}" if args.site else "tous les sites"
    print("| échelle | périmètre | version | médiane | p95 | requêtes |")
    print("|---|---|---|---|---|---|")
    for label, values in times.items():
        print(
            f"| {args.scale:g}× | {scope} | {label} | {statistics.median(values) * 1000:.0f} ms "
            f"| {_p95(values) * 1000:.0f} ms | {queries[label]} |"
        )
    ratio = statistics.median(times["avant"]) / statistics.median(times["après"])
    print(f"avant / après : {ratio:.2f} ; mêmes chiffres : {'oui' if same else 'NON'}")
    print(f"Charge à la fin : {_load_average()}")
    if not same:
        raise SystemExit("Les deux versions ne donnent pas les mêmes chiffres.")


if __name__ == "__main__":
    main()
