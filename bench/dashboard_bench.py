"""Benchmark of the dashboard: what a page costs now that it never computes, and what the task does.

    .venv/bin/python bench/dashboard_bench.py                     # 10× PostgreSQL
    .venv/bin/python bench/dashboard_bench.py --scales 100 --engine sqlite --runs 5

For each dataset (`bench/datasets.py`, built once if missing) and each scope (all sites, the site
`CEIS`), a subprocess (settings `bench.list_settings`: DEBUG off) logged in as `admin`, inside a
transaction rolled back at the end, times:

- the page with no result yet: it sends the computation (real `send_quickly`, kombu's filesystem
  broker in a temporary folder that nobody consumes) and answers « Calcul en cours… »;
- the page of a computed result (the median of `--runs`), and its htmx fragment;
- the task's computation, `dashboard_result_compute` (compute_bilan and the charts), once.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SETTINGS = "bench.list_settings"
SITE_CODE = "CEIS"


class _Rollback(Exception):
    pass


def _timed(call) -> tuple[float, object]:
    started = time.perf_counter()
    value = call()
    return (time.perf_counter() - started) * 1000, value


def worker(site_code: str | None, year: int, runs: int) -> None:
    import django

    django.setup()
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from ceis.models import Site, User
    from reporting.dashboard import dashboard_result_compute
    from reporting.models import DashboardResult

    client = Client()
    # An admin: the all-sites dashboard is for admins and users of every site.
    client.force_login(User.objects.get(username="admin"))
    query = {"preset": "custom", "date_from": f"{year}-01-01", "date_to": f"{year}-12-31"}
    if site_code:
        query["site"] = Site.objects.get(code=site_code).pk
    result = {}
    try:
        with transaction.atomic():
            DashboardResult.objects.all().delete()
            client.get("/bilans/", {"preset": "this_year"})  # warm-up: templates, session
            ms, response = _timed(lambda: client.get("/bilans/", query))
            page = response.content.decode()
            result["first_ms"] = ms
            result["first_says_computing"] = "Calcul en cours…" in page
            row = DashboardResult.objects.get(date_from=f"{year}-01-01", site__code=site_code)
            result["sent"] = row.requested_at is not None
            DashboardResult.objects.filter(pk=row.pk).update(requested_at=None)
            result["compute_ms"], _ = _timed(lambda: dashboard_result_compute(result_id=row.pk))
            pages = []
            for _ in range(runs):
                ms, response = _timed(lambda: client.get("/bilans/", query))
                pages.append(ms)
            result["page_ms"] = statistics.median(pages)
            result["shows_figures"] = "participants" in response.content.decode()
            with CaptureQueriesContext(connection) as queries:
                fragments = [
                    _timed(lambda: client.get("/bilans/", query, HTTP_HX_REQUEST="true"))[0]
                    for _ in range(runs)
                ]
            result["fragment_ms"] = statistics.median(fragments)
            result["queries"] = len(queries) // runs
            raise _Rollback
    except _Rollback:
        pass
    print(json.dumps(result), flush=True)


def run_case(url: str, site_code: str | None, year: int, runs: int) -> dict:
    from bench.datasets import dataset_env

    env = dataset_env(url)
    env["DJANGO_SETTINGS_MODULE"] = SETTINGS
    env["CELERY_BROKER_URL"] = "filesystem://localhost//"
    with tempfile.TemporaryDirectory(prefix="ceis-dashboard-bench-") as broker:
        env["CEIS_CELERY_DATA_DIR"] = broker
        env["CEIS_DASHBOARD_MAX_AGE"] = "3600"
        command = [sys.executable, __file__, "--worker", "--year", str(year), "--runs", str(runs)]
        if site_code:
            command += ["--site", site_code]
        result = subprocess.run(  # noqa: S603 (this very script, with fixed arguments)
            command, env=env, cwd=ROOT, capture_output=True, text=True
        )
    if result.returncode:
        sys.stderr.write(result.stderr)
        raise SystemExit(f"the worker failed on {url}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", type=float, nargs="+", default=[10])
    parser.add_argument("--engine", default="postgresql", choices=["postgresql", "sqlite"])
    parser.add_argument("--runs", type=int, default=5, help="timed pages per case")
    parser.add_argument("--url", help="measure this DATABASE_URL instead of a bench dataset")
    parser.add_argument("--year", type=int, help="the dashboard's year (default: the bench year)")
    parser.add_argument("--site", help=argparse.SUPPRESS)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    from bench.datasets import BENCH_YEAR, ensure_dataset

    year = args.year or BENCH_YEAR
    if args.worker:
        worker(args.site, year, args.runs)
        return 0
    if args.url:
        targets = [(args.url, args.url)]
    else:
        targets = [
            (f"{scale:g}× {args.engine}", ensure_dataset(scale, args.engine))
            for scale in args.scales
        ]
    print(f"# Dashboard of {year}: the page never computes (median of {args.runs} pages)\n")
    print(
        "| dataset | scope | first visit ms (sends) | page ms | htmx fragment ms | queries "
        "| task ms |"
    )
    print("|---|---|---:|---:|---:|---:|---:|")
    for title, url in targets:
        for site_code in (None, SITE_CODE):
            row = run_case(url, site_code, year, args.runs)
            if not (row["first_says_computing"] and row["sent"] and row["shows_figures"]):
                raise SystemExit(f"unexpected page: {row}")
            print(
                f"| {title} | {site_code or 'all sites'} | {row['first_ms']:.0f} | "
                f"{row['page_ms']:.0f} | {row['fragment_ms']:.0f} | {row['queries']} | "
                f"{row['compute_ms']:.0f} |",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    sys.exit(main())
