"""Benchmark of the bilan PDF: time and peak memory of one generation, the Celery task's path.

    .venv/bin/python bench/pdf_bench.py                       # 1× and 100×, PostgreSQL
    .venv/bin/python bench/pdf_bench.py --scales 1 10 --engine sqlite --runs 2
    .venv/bin/python bench/pdf_bench.py --scales 100 --scopes site --runs 5   # one site only

For each dataset (`bench/datasets.py`, built once if missing) and each scope (all sites, the
site `CEIS`), a subprocess (settings `bench.list_settings`: DEBUG off) creates a bilan of the
bench year and a version, then runs `generate_bilan_pdf` eagerly — `bilan_version_generate`:
compute_bilan, WeasyPrint rendering, the file saved and the version marked ready — inside a
transaction rolled back at the end (the shared dataset keeps no row; the PDF goes to a
temporary MEDIA_ROOT).

The charts are drawn once per set of figures and kept in the cache (`reporting.charts`): by
default the cache is emptied before each generation, so that every run draws them as for new
figures; `--charts-cached` keeps the warm-up's drawing, as for a new version of the same figures.

Printed per case: the median of `--runs` timed generations (after one untimed warm-up that loads
WeasyPrint and the fonts), the CPU this process used for it (what an idle machine would take
when others load this one; the database's own time is not in it), the compute and render parts
of that time, the peak of Python
allocations during one generation (tracemalloc) and the process's peak resident memory
(ru_maxrss), the PDF's size and page count.
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SETTINGS = "bench.list_settings"
SITE_CODE = "CEIS"


class _Rollback(Exception):
    pass


def _generate_once(site_code: str | None, year: int, *, trace: bool, charts_cached: bool) -> dict:
    import datetime

    from django.core.cache import cache
    from django.db import transaction
    from pypdf import PdfReader

    from ceis.models import Site, User
    from reporting.indicators import compute_bilan
    from reporting.models import BilanDocument, BilanVersion
    from reporting.pdf import render_bilan_pdf
    from reporting.tasks import generate_bilan_pdf

    result = {}
    try:
        with transaction.atomic():
            manager = User.objects.get(username="manager")
            site = Site.objects.get(code=site_code) if site_code else None
            document = BilanDocument.objects.create(
                site=site,
                date_from=datetime.date(year, 1, 1),
                date_to=datetime.date(year, 12, 31),
                publication_date=datetime.date(year + 1, 1, 15),
                created_by=manager,
            )
            version = BilanVersion.objects.create(document=document, number=1, requested_by=manager)
            if not charts_cached:
                cache.clear()  # the charts are drawn again, as for new figures
            if trace:
                tracemalloc.start()
            started, cpu_started = time.perf_counter(), time.process_time()
            generate_bilan_pdf.apply(args=[version.pk], throw=True)
            result["seconds"] = time.perf_counter() - started
            # This process's CPU (the rendering): on a loaded machine, what an idle one would take.
            result["cpu_s"] = time.process_time() - cpu_started
            if trace:
                result["traced_peak_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
                tracemalloc.stop()
            version.refresh_from_db()
            result["status"] = version.status
            result["pdf_kb"] = version.pdf_size / 1024
            with version.pdf.open("rb") as pdf:
                result["pages"] = len(PdfReader(pdf).pages)
            # The two parts of the same path, timed apart.
            started = time.perf_counter()
            bilan = compute_bilan(date_from=document.date_from, date_to=document.date_to, site=site)
            result["compute_s"] = time.perf_counter() - started
            if not charts_cached:
                cache.clear()
            started = time.perf_counter()
            render_bilan_pdf(bilan, document=document, testimonials=())
            result["render_s"] = time.perf_counter() - started
            raise _Rollback
    except _Rollback:
        pass
    return result


def worker(site_code: str | None, year: int, runs: int, charts_cached: bool) -> None:
    import django

    django.setup()
    options = {"charts_cached": charts_cached}
    _generate_once(site_code, year, trace=False, **options)  # warm-up: WeasyPrint, fonts, caches
    traced = _generate_once(site_code, year, trace=True, **options)
    timed = [_generate_once(site_code, year, trace=False, **options) for _ in range(runs)]
    print(
        json.dumps(
            {
                "status": timed[-1]["status"],
                "seconds": statistics.median(r["seconds"] for r in timed),
                "cpu_s": statistics.median(r["cpu_s"] for r in timed),
                "compute_s": statistics.median(r["compute_s"] for r in timed),
                "render_s": statistics.median(r["render_s"] for r in timed),
                "traced_peak_mb": traced["traced_peak_mb"],
                # Linux reports ru_maxrss in KiB.
                "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "pdf_kb": timed[-1]["pdf_kb"],
                "pages": timed[-1]["pages"],
            }
        ),
        flush=True,
    )


def run_case(url: str, site_code: str | None, year: int, runs: int, charts_cached: bool) -> dict:
    from bench.datasets import dataset_env

    env = dataset_env(url)
    env["DJANGO_SETTINGS_MODULE"] = SETTINGS
    # A cache of this process alone: emptying it (the charts) touches nobody else's.
    env["CACHE_URL"] = "locmemcache://"
    with tempfile.TemporaryDirectory(prefix="ceis-pdf-bench-") as media:
        env["CEIS_MEDIA_ROOT"] = media
        command = [sys.executable, __file__, "--worker", "--year", str(year), "--runs", str(runs)]
        if site_code:
            command += ["--site", site_code]
        if charts_cached:
            command.append("--charts-cached")
        result = subprocess.run(  # noqa: S603 (this very script, with fixed arguments)
            command, env=env, cwd=ROOT, capture_output=True, text=True
        )
    if result.returncode:
        sys.stderr.write(result.stderr)
        raise SystemExit(f"the worker failed on {url}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", type=float, nargs="+", default=[1, 100])
    parser.add_argument("--engine", default="postgresql", choices=["postgresql", "sqlite"])
    parser.add_argument("--runs", type=int, default=3, help="timed generations per case")
    parser.add_argument("--url", help="measure this DATABASE_URL instead of a bench dataset")
    parser.add_argument("--year", type=int, help="the bilan's year (default: the bench year)")
    parser.add_argument(
        "--scopes",
        nargs="+",
        choices=["all", "site"],
        default=["all", "site"],
        help=f"all sites, the site {SITE_CODE}, or both (default)",
    )
    parser.add_argument(
        "--charts-cached",
        action="store_true",
        help="keep the charts drawn by the warm-up (a new version of the same figures); "
        "by default the cache is emptied before each generation (new figures)",
    )
    parser.add_argument("--site", help=argparse.SUPPRESS)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    from bench.datasets import BENCH_YEAR, ensure_dataset

    year = args.year or BENCH_YEAR
    if args.worker:
        worker(args.site, year, args.runs, args.charts_cached)
        return 0
    if args.url:
        targets = [(args.url, args.url)]
    else:
        targets = [
            (f"{scale:g}× {args.engine}", ensure_dataset(scale, args.engine))
            for scale in args.scales
        ]
    charts_state = (
        "charts kept from the warm-up" if args.charts_cached else "charts drawn each time"
    )
    print(
        f"# Bilan PDF of {year}: median of {args.runs} generations after a warm-up, {charts_state}"
    )
    print(f"command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}\n")
    print(
        f"| {'dataset':<16} | {'scope':<10} | {'total s':>7} | {'CPU s':>5} | {'compute s':>9} | "
        f"{'render s':>8} | {'tracemalloc MB':>14} | {'max RSS MB':>10} | {'PDF KB':>6} | "
        f"{'pages':>5} |"
    )
    print(
        f"|{'-' * 18}|{'-' * 12}|{'-' * 8}:|{'-' * 6}:|{'-' * 10}:|{'-' * 9}:|{'-' * 15}:|"
        f"{'-' * 11}:|{'-' * 7}:|{'-' * 6}:|"
    )
    for title, url in targets:
        scopes = {"all": None, "site": SITE_CODE}
        for site_code in [scopes[scope] for scope in args.scopes]:
            row = run_case(url, site_code, year, args.runs, args.charts_cached)
            scope = site_code or "all sites"
            print(
                f"| {title:<16} | {scope:<10} | {row['seconds']:>7.2f} | {row['cpu_s']:>5.2f} "
                f"| {row['compute_s']:>9.2f} "
                f"| {row['render_s']:>8.2f} | {row['traced_peak_mb']:>14.1f} | "
                f"{row['maxrss_mb']:>10.0f} | {row['pdf_kb']:>6.0f} | {row['pages']:>5} |",
                flush=True,
            )
    print(f"\nload average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    sys.exit(main())
