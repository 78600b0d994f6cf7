"""EXPLAIN evidence for the performance indexes: each index, the queries whose plan uses it,
their execution time without and with it, on a PostgreSQL dataset.

    .venv/bin/python bench/index_explain.py                    # the 100× PostgreSQL dataset
    .venv/bin/python bench/index_explain.py --scale 10
    .venv/bin/python bench/index_explain.py --url postgres://postgres@127.0.0.1:5432/ceis_dev

Dropping an index, even in a transaction rolled back, locks its table until the rollback: when
others use the dataset, explain on a copy (`createdb copy; pg_dump dataset | psql copy;
VACUUM ANALYZE`) with `--url`.

The queries are the real ones: a subprocess (settings `bench.list_settings`) captures the SQL
of every list page of `bench/list_bench.py` (first, deep and filtered pages, as each role) and
of `compute_bilan` for the bench year and for its second quarter (all sites, and the site
`CEIS`). Then, for each index of `INDEXES`, inside a transaction that is rolled back (the
dataset is left as it was): the index is dropped if present, every captured query on its
table is run with `EXPLAIN (ANALYZE, FORMAT JSON)`, the index is created, and the queries are
explained again. An index is kept in the models only if some plan uses it; the report shows,
for those queries, the scan on the table and the execution time (best of two runs) before →
after.
"""

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# (app label, model, index name) of the indexes added for performance (migrations perf_indexes
# and list_indexes).
INDEXES = [
    ("ceis", "person", "ceis_person_list_idx"),
    ("ceis", "person", "ceis_person_name_trgm"),
    ("unisvers", "followup", "uv_followup_person_date_idx"),
    ("villages", "session", "vil_session_site_start_idx"),
    ("villages", "session", "vil_session_list_idx"),
    ("villages", "individualhelp", "vil_help_site_date_idx"),
    ("villages", "individualhelp", "vil_help_list_idx"),
    ("villages", "individualhelp", "vil_help_themes_gin"),
    ("villages", "individualhelp", "vil_help_procedures_gin"),
    ("villages", "visit", "vil_visit_site_date_idx"),
    ("villages", "assessment", "vil_assessment_latest_idx"),
]


def _postgresql_only_indexes() -> dict:
    """The indexes that only PostgreSQL has, kept out of the models' Meta (villages migration
    0004 and ceis migration 0009 create them on PostgreSQL only): the same definitions."""
    from django.contrib.postgres.indexes import GinIndex

    return {
        **{
            name: GinIndex(fields=[field], opclasses=["jsonb_path_ops"], name=name)
            for name, field in (
                ("vil_help_themes_gin", "themes"),
                ("vil_help_procedures_gin", "procedures"),
            )
        },
        "ceis_person_name_trgm": GinIndex(
            fields=["name_key"], opclasses=["gin_trgm_ops"], name="ceis_person_name_trgm"
        ),
    }


def _capture() -> list[tuple[str, str]]:
    """(label, SQL) of the list pages' and the bilan's queries, without duplicates."""
    import datetime

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from bench.datasets import BENCH_YEAR
    from bench.list_bench import DEEP, _data_facts, _pages
    from ceis.models import User
    from reporting.indicators import compute_bilan

    users = {u.username: u for u in User.objects.filter(is_active=True)}
    facts = _data_facts(users)
    captured, seen = [], set()

    def keep(label, queries):
        for query in queries:
            sql = query["sql"]
            if " FOR SELECT " in sql and sql.startswith("DECLARE"):
                sql = sql[sql.index(" FOR SELECT ") + len(" FOR ") :]
            if not sql.startswith("SELECT") or "django_session" in sql or sql in seen:
                continue
            seen.add(sql)
            captured.append((label, sql))

    for label, username, url_name, kwargs, params in _pages(facts["year"]):
        if isinstance(kwargs, str):
            kwargs = facts[kwargs]
        variant = params if isinstance(params, str) else None
        if variant:
            params = facts[variant]
        else:
            variant = "deep" if params == DEEP else ("filtered" if params else "first")
        client = Client()
        client.force_login(users[username])
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse(url_name, kwargs=kwargs or None), params)
        keep(f"{label} / {username} / {variant}", list(queries.captured_queries))
    year = BENCH_YEAR
    periods = {
        f"bilan {year}": (datetime.date(year, 1, 1), datetime.date(year, 12, 31)),
        f"bilan Q2 {year}": (datetime.date(year, 4, 1), datetime.date(year, 6, 30)),
    }
    for name, (start, end) in periods.items():
        for site in (None, "CEIS"):
            with CaptureQueriesContext(connection) as queries:
                compute_bilan(date_from=start, date_to=end, site=site)
            keep(f"{name} / {site or 'all sites'}", list(queries.captured_queries))
    return captured


def _walk(node, table=None):
    """(node, relation) for every node of a plan; a bitmap index scan, which names no relation,
    belongs to the relation of the bitmap heap scan above it."""
    relation = node.get("Relation Name") or table
    yield node, relation
    for child in node.get("Plans", []):
        yield from _walk(child, relation)


def _explain(cursor, sql: str, table: str) -> dict:
    """Best execution time of two EXPLAIN ANALYZE, and how `table` is read."""
    best, scans = None, set()
    for _ in range(2):
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
        raw = cursor.fetchone()[0]
        plan = (json.loads(raw) if isinstance(raw, str) else raw)[0]
        elapsed = plan["Execution Time"]
        best = elapsed if best is None else min(best, elapsed)
        scans = {
            f"{node['Node Type']}{' ' + node['Index Name'] if node.get('Index Name') else ''}"
            for node, relation in _walk(plan["Plan"])
            if relation == table and (node.get("Relation Name") or node.get("Index Name"))
        }
    return {"ms": best, "scans": sorted(scans)}


class _Rollback(Exception):
    pass


def worker(only: list[str]) -> None:
    import django

    django.setup()
    from django.apps import apps
    from django.db import connection, transaction

    captured = _capture()
    print(f"{len(captured)} distinct queries captured", flush=True)
    for app_label, model_name, index_name in INDEXES:
        if only and index_name not in only:
            continue
        model = apps.get_model(app_label, model_name)
        table = model._meta.db_table
        index = next(
            (i for i in model._meta.indexes if i.name == index_name), None
        ) or _postgresql_only_indexes().get(index_name)
        with connection.schema_editor(atomic=False, collect_sql=True) as editor:
            create_sql = str(index.create_sql(model, editor))
        queries = [(label, sql) for label, sql in captured if f'"{table}"' in sql]
        rows = []
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '20s'")
                cursor.execute(f'DROP INDEX IF EXISTS "{index_name}"')
                before = [_explain(cursor, sql, table) for _, sql in queries]
                cursor.execute(create_sql)
                after = [_explain(cursor, sql, table) for _, sql in queries]
                for (label, sql), old, new in zip(queries, before, after, strict=True):
                    used = any(index_name in scan for scan in new["scans"])
                    rows.append(
                        {"label": label, "used": used, "before": old, "after": new, "sql": sql}
                    )
                raise _Rollback
        except _Rollback:
            pass
        print(
            json.dumps({"index": index_name, "table": table, "sql": create_sql, "rows": rows}),
            flush=True,
        )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=100)
    parser.add_argument("--url", help="explain on this PostgreSQL DATABASE_URL")
    parser.add_argument("--sql", action="store_true", help="print each query's SQL too")
    parser.add_argument("--only", nargs="+", default=[], help="these index names only")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(args.only)
        return 0
    from bench.datasets import dataset_env, ensure_dataset

    url = args.url or ensure_dataset(args.scale, "postgresql")
    env = dataset_env(url)
    env["DJANGO_SETTINGS_MODULE"] = "bench.list_settings"
    result = subprocess.run(  # noqa: S603 (this very script, with fixed arguments)
        [sys.executable, __file__, "--worker", *(["--only", *args.only] if args.only else [])],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if result.returncode:
        sys.stderr.write(result.stderr)
        raise SystemExit(f"the worker failed on {url}")
    print(f"# Indexes on {url}")
    for line in result.stdout.splitlines():
        if not line.startswith("{"):
            print(line)
            continue
        report = json.loads(line)
        used = [row for row in report["rows"] if row["used"]]
        print(f"\n## {report['index']} — {report['sql']}")
        print(f"used by {len(used)} of {len(report['rows'])} captured queries on {report['table']}")
        for row in used:
            old, new = row["before"], row["after"]
            print(
                f"- {row['label']}: {old['ms']:.1f} ms ({', '.join(old['scans'])}) → "
                f"{new['ms']:.1f} ms ({', '.join(new['scans'])})"
            )
            if args.sql:
                print(f"  {row['sql'][:400]}")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    sys.exit(main())
