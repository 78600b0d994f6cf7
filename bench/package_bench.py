"""Benchmark of the data package: generate a synthetic package of N rows, import it into an
empty database, import it again (nothing changes), export it; print rows per second.

    .venv/bin/python bench/package_bench.py --rows 100000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ceis_bench .venv/bin/python bench/...

Without DATABASE_URL, a scratch SQLite file in a temporary folder is used. The database must be
empty (or absent): the tables are created by `migrate`.
"""

import argparse
import csv
import datetime
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _write(folder: Path, name: str, header: list[str], rows) -> int:
    count = 0
    with open(folder / f"{name}.csv", "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\r\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow(row)
            count += 1
    return count


def generate(folder: Path, rows: int) -> int:
    """A consistent package of about `rows` rows spread like a real CCAS's data."""
    from unisvers.calendar import meeting_dates

    folder.mkdir(parents=True, exist_ok=True)
    total = _write(folder, "manifest", ["key", "value"], [["format", "ceis.package/1"]])
    total += _write(folder, "sites", ["code", "name"], [["CEIS", "CEIS"], ["NORD", "Nord"]])
    total += _write(
        folder,
        "neighbourhoods",
        ["code", "name", "centre_ville", "qpv_code"],
        [
            [f"q{n}", f"Quartier {n}", n % 3 == 0, f"QN034{n:02d}M" if n % 4 == 0 else ""]
            for n in range(12)
        ],
    )
    people = max(30, rows * 15 // 100)
    total += _write(
        folder,
        "people",
        [
            "ref",
            "last_name",
            "first_name",
            "birth_date",
            "sex",
            "postal_code",
            "neighbourhood",
            "education_level",
            "status",
            "phone",
        ],
        (
            [
                f"P{i}",
                f"Nom{i}",
                f"Prénom{i % 97}",
                (datetime.date(1950, 1, 1) + datetime.timedelta(days=i % 20000)).isoformat(),
                "FMX"[i % 3],
                "34000",
                f"q{i % 12}",
                "cap_bep",
                "sans_emploi",
                f"06{i:08d}",
            ]
            for i in range(people)
        ),
    )
    cohorts = max(1, people // 2 // 15)
    cohort_rows, enrollment_rows, attendance_rows = [], [], []
    attendance_target = rows * 35 // 100
    per_enrollment = max(1, min(18, attendance_target // (cohorts * 15)))
    for c in range(cohorts):
        start = datetime.date(2024, 1, 1) + datetime.timedelta(weeks=(c % 150))
        # Monday of that week, six weeks long.
        start -= datetime.timedelta(days=start.weekday())
        end = start + datetime.timedelta(days=41)
        site = "CEIS" if c % 2 == 0 else "NORD"
        cohort_rows.append([f"C{c}", site, f"Promotion {c}", start, end, "mon|tue|thu", 15])
        days = meeting_dates(start, end, ["mon", "tue", "thu"])[:per_enrollment]
        for k in range(15):
            person = f"P{c * 15 + k}"
            exit_date, outcome, reason = "", "", ""
            if k % 5 == 0:
                exit_date, outcome, reason = end, "abandon", "sante"
            elif k % 5 == 1:
                exit_date, outcome = end, "emploi_durable"
            enrollment_rows.append(
                [
                    f"C{c}",
                    person,
                    "france_travail",
                    start,
                    "rsa",
                    "seul",
                    "logement|mobilite",
                    exit_date,
                    outcome,
                    reason,
                ]
            )
            attendance_rows.extend(
                [f"C{c}", person, day, "present" if (k + n) % 4 else "absent_excuse"]
                for n, day in enumerate(days)
            )
    total += _write(
        folder,
        "cohorts",
        ["ref", "site", "name", "start_date", "end_date", "weekdays", "capacity"],
        cohort_rows,
    )
    total += _write(
        folder,
        "enrollments",
        [
            "cohort",
            "person",
            "referral_source",
            "entry_date",
            "minimum_income",
            "household",
            "barriers",
            "exit_date",
            "exit_outcome",
            "dropout_reason",
        ],
        enrollment_rows,
    )
    total += _write(folder, "attendance", ["cohort", "person", "date", "status"], attendance_rows)
    total += _write(
        folder,
        "workshops",
        ["ref", "title", "theme", "format", "level"],
        [[f"W{n}", f"Atelier {n}", "email", "atelier_ludique", "debutant"] for n in range(10)],
    )
    sessions = max(1, rows // 1000)
    total += _write(
        folder,
        "sessions",
        ["ref", "workshop", "site", "start", "duration_min", "capacity"],
        (
            [
                f"S{n}",
                f"W{n % 10}",
                "CEIS",
                f"{datetime.date(2024, 1, 2) + datetime.timedelta(days=n % 900)}T14:00",
                120,
                12,
            ]
            for n in range(sessions)
        ),
    )
    registrations = rows * 5 // 100
    total += _write(
        folder,
        "registrations",
        ["session", "person", "status", "attendance"],
        (
            [f"S{i % sessions}", f"P{i // sessions}", "inscrit", "present" if i % 3 else "absent"]
            for i in range(registrations)
        ),
    )
    total += _write(
        folder,
        "helps",
        [
            "ref",
            "person",
            "site",
            "date",
            "duration_min",
            "themes",
            "procedures",
            "urgent",
            "autonomy",
        ],
        (
            [
                f"H{i}",
                f"P{i % people}",
                "CEIS",
                datetime.date(2024, 1, 1) + datetime.timedelta(days=i % 900),
                30,
                "email|navigation_sur_internet",
                "famille_scolarite",
                i % 7 == 0,
                "autonome",
            ]
            for i in range(rows * 15 // 100)
        ),
    )
    total += _write(
        folder,
        "assessments",
        [
            "ref",
            "person",
            "date",
            "internet_use_3m",
            "information",
            "communication",
            "contenus",
            "securite",
            "resolution_problemes",
        ],
        (
            [
                f"A{i}",
                f"P{i % people}",
                datetime.date(2024, 1, 1) + datetime.timedelta(days=i % 900),
                1,
                i % 3,
                (i + 1) % 3,
                1,
                2,
                i % 2,
            ]
            for i in range(rows * 5 // 100)
        ),
    )
    # Free-access visits fill the package up to the requested size.
    total += _write(
        folder,
        "visits",
        ["ref", "site", "date", "person", "volunteer_help"],
        (
            [
                f"V{i}",
                "NORD",
                datetime.date(2024, 1, 1) + datetime.timedelta(days=i % 900),
                f"P{i % people}" if i % 2 else "",
                i % 2,
            ]
            for i in range(max(0, rows - total + 1))
        ),
    )
    return total - 1  # the manifest's row is not data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10000)
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="ceis-bench-"))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{scratch / 'bench.sqlite3'}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ceis.settings.local")
    import django

    django.setup()
    from django.core.management import call_command

    from ceis.package.exporter import export_package
    from ceis.package.importer import import_package

    call_command("migrate", verbosity=0)
    folder = scratch / "package"
    count = generate(folder, args.rows)
    print(f"Paquet synthétique : {count} lignes de données ({folder})")

    def timed(label, function):
        started = time.perf_counter()
        result = function()
        elapsed = time.perf_counter() - started
        print(f"{label:<34} {elapsed:8.2f} s  {count / elapsed:10.0f} lignes/s")
        return result

    job = timed("import (base vide)", lambda: import_package(folder))
    if job.errors:
        sys.exit("\n".join(str(e) for e in job.errors[:20]))
    again = timed("réimport (rien ne change)", lambda: import_package(folder))
    assert not any(created or updated for _, created, updated, _ in again.summary())
    timed("validation seule (--dry-run)", lambda: import_package(folder, dry_run=True))
    timed("export (dossier)", lambda: export_package(scratch / "export"))
    timed("export (zip)", lambda: export_package(scratch / "export.zip"))


if __name__ == "__main__":
    main()
