"""EXPLAIN (ANALYZE, BUFFERS) of every query of the bilan: the ORM reference definition
(`compute_reference_bilan`) and the hand-written statements that `compute_bilan` runs
(`reporting/indicators/statements.py`, through `bench/bilan_sql.py`), for all sites or one site,
on one database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ceis_bench_10 \\
        .venv/bin/python bench/bilan_explain.py --site CEIS [--plans] [--repeat 3]

Both computations run once (warm-up) with their queries captured as sent (SQL and
parameters); each captured query is then run again under `EXPLAIN (ANALYZE, BUFFERS)`
`--repeat` times, alternating ORM and baseline, and the table gives, per query, the median
time as the client sees it (the query alone, sent and fetched, no Django), and the median
execution and planning times PostgreSQL reports under EXPLAIN ANALYZE (which adds the cost of
timing every row: read the plans' shapes there, the client column for time). `--plans`
prints each query's last plan as well. The load average is printed before and after: the
times are those of the database under that load.
"""

import argparse
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def _capture(connection, run):
    captured = []

    def keep(execute, sql, params, many, context):
        captured.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep):
        run()
    return captured


def _explain(connection, sql, params) -> tuple[float, float, str]:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    execution = float(re.search(r"Execution Time: ([\d.]+) ms", plan).group(1))
    planning = float(re.search(r"Planning Time: ([\d.]+) ms", plan).group(1))
    return execution, planning, plan


def _run(connection, sql, params) -> float:
    """The query's time as the client sees it (sent, executed, every row fetched), in ms."""
    with connection.cursor() as cursor:
        began = time.perf_counter()
        cursor.execute(sql, params)
        cursor.fetchall()
        return (time.perf_counter() - began) * 1000


def _label(sql: str) -> str:
    """A short name for a query: the tables it reads."""
    tables = sorted(set(re.findall(r'(?:FROM|JOIN) "?([a-z_]+)"?', sql)) - {"contacts", "reached"})
    return ", ".join(table.split("_", 1)[-1] for table in tables)[:70] or sql[:70]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", help="code du site (défaut : tous les sites)")
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--repeat", type=int, default=5, help="mesures de chaque requête")
    parser.add_argument("--plans", action="store_true", help="imprimer chaque plan")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ceis.settings.local")
    import datetime

    import django

    django.setup()
    from django.db import connection

    from bench.bilan_sql import bilan_sql
    from reporting.indicators.reference import compute_reference_bilan

    if connection.vendor != "postgresql":
        raise SystemExit("EXPLAIN (ANALYZE, BUFFERS) : PostgreSQL seulement")
    start, end = datetime.date(args.year, 1, 1), datetime.date(args.year, 12, 31)
    sides = {
        "ORM": _capture(
            connection,
            lambda: compute_reference_bilan(date_from=start, date_to=end, site=args.site),
        ),
        "SQL": _capture(connection, lambda: bilan_sql(connection, start, end, args.site)),
    }
    print(f"Commande : .venv/bin/python bench/bilan_explain.py {' '.join(sys.argv[1:])}")
    print(f"Base : {connection.settings_dict['NAME']}, périmètre : {args.site or 'tous les sites'}")
    print(f"Charge au départ : {_load_average()}")
    times = {side: [([], [], "") for _ in queries] for side, queries in sides.items()}
    client = {side: [[] for _ in queries] for side, queries in sides.items()}
    for _ in range(args.repeat):
        for side, queries in sides.items():
            for index, (sql, params) in enumerate(queries):
                client[side][index].append(_run(connection, sql, params))
                execution, planning, plan = _explain(connection, sql, params)
                executions, plannings, _ = times[side][index]
                executions.append(execution)
                plannings.append(planning)
                times[side][index] = (executions, plannings, plan)
    print("| côté | # | tables | client ms | exécution ms | planification ms |")
    print("|---|---:|---|---:|---:|---:|")
    for side, queries in sides.items():
        totals = [0.0, 0.0, 0.0]
        for index, (sql, _params) in enumerate(queries):
            executions, plannings, _ = times[side][index]
            row = [
                statistics.median(client[side][index]),
                statistics.median(executions),
                statistics.median(plannings),
            ]
            totals = [total + value for total, value in zip(totals, row, strict=True)]
            figures = " | ".join(f"{value:.1f}" for value in row)
            print(f"| {side} | {index + 1} | {_label(sql)} | {figures} |")
        figures = " | ".join(f"{value:.1f}" for value in totals)
        print(f"| {side} | total | {len(queries)} requêtes | {figures} |")
    print(f"Charge à la fin : {_load_average()}")
    if args.plans:
        for side, queries in sides.items():
            for index, (sql, params) in enumerate(queries):
                print(f"\n===== {side} {index + 1} =====")
                print(connection.ops.compose_sql(sql, params) if params else sql)
                print(times[side][index][2])
    return 0


if __name__ == "__main__":
    sys.exit(main())
