"""Memory and time of the large uploads (security.md row 21): a France Travail list of N rows
checked by its background job, and a data package of about N rows imported (the command line's
path), each measured alone in a fresh process: peak of Python allocations (tracemalloc) and peak
resident memory of the process (ru_maxrss). Prints figures; not a test.

    .venv/bin/python bench/upload_bench.py --rows 100000
    .venv/bin/python bench/upload_bench.py --rows 200000 --only package [--trace]

Without DATABASE_URL, a scratch SQLite file in a temporary folder is used.
"""

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
MB = 1024 * 1024


def _setup(scratch: Path):
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{scratch / 'bench.sqlite3'}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ceis.settings.local")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def referrals(scratch: Path, rows: int) -> None:
    import datetime

    from django.conf import settings

    from ceis.choices import ImportKind, ImportStep
    from ceis.imports import import_job_run, import_job_start
    from ceis.models import ImportJob, Site, User
    from unisvers.models import Cohort

    settings.MEDIA_ROOT = scratch / "media"
    folder = scratch / "media" / "uploads" / "referrals"
    folder.mkdir(parents=True)
    with open(folder / "liste", "w", encoding="cp1252") as out:
        out.write("Nom;Prénom;Date de naissance;Conseiller;Date d'orientation\n")
        for number in range(rows):
            out.write(f"Nom{number};Prénom{number};01/01/1980;M. Roux;02/02/2026\n")
    site = Site.objects.create(code="B", name="Bench")
    user = User.objects.create_superuser("bench", password=None)
    user.sites.add(site)
    cohort = Cohort.objects.create(
        site=site,
        name="Bench",
        start_date=datetime.date(2026, 3, 2),
        end_date=datetime.date(2026, 6, 30),
    )
    job = import_job_start(
        kind=ImportKind.REFERRALS,
        step=ImportStep.CHECK,
        user=user,
        upload="referrals/liste",
        file_name="liste.csv",
        total=rows,
        params={"cohort": str(cohort.public_id)},
    )
    started = time.perf_counter()
    peak = _traced(lambda: import_job_run(job_id=job.pk))
    job = ImportJob.objects.get(pk=job.pk)
    _report(f"liste France Travail, {rows} lignes", started, peak, job.status, job.result)


def package(scratch: Path, rows: int) -> None:
    from bench.package_bench import generate
    from ceis.package.importer import import_package

    folder = scratch / "package"
    count = generate(folder, rows)
    started = time.perf_counter()
    found = []
    peak = _traced(lambda: found.append(import_package(folder)))
    job = found[0]
    status = "importé" if not job.errors else f"{len(job.errors)} erreurs: {job.errors[0]}"
    _report(f"paquet, {count} lignes", started, peak, status, "")


TRACE = False


def _traced(function) -> int | None:
    """Run `function`; the peak of Python allocations with --trace (tracemalloc's own records
    then inflate the process's memory: the resident peak is read from a run without it)."""
    if not TRACE:
        function()
        return None
    tracemalloc.start()
    try:
        function()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _report(label, started, peak, status, result) -> None:
    elapsed = time.perf_counter() - started
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    traced = f"pic Python {peak / MB:6.0f} Mo" if peak is not None else "mémoire résidente"
    print(f"{label:<36} {elapsed:7.1f} s  {traced}  pic du processus {rss / MB:6.0f} Mo  {status}")
    if result:
        print(f"  résultat : {str(result)[:200]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--only", choices=("referrals", "package"))
    parser.add_argument("--trace", action="store_true", help="mesure aussi avec tracemalloc")
    args = parser.parse_args()
    global TRACE
    TRACE = args.trace
    if args.only:
        scratch = Path(tempfile.mkdtemp(prefix="ceis-bench-"))
        _setup(scratch)
        {"referrals": referrals, "package": package}[args.only](scratch, args.rows)
        return
    for kind in ("referrals", "package"):  # each in its own process: its own peak
        command = [sys.executable, __file__, "--rows", str(args.rows), "--only", kind]
        subprocess.run(command + ["--trace"] * args.trace, check=True)  # noqa: S603 (this script)


if __name__ == "__main__":
    main()
