"""Benchmark datasets: one database per (scale, engine), generated once by `seed_demo --scale`.

API (import from any benchmark; no Django setup needed in the calling process)::

    from bench.datasets import ensure_dataset, BENCH_YEAR
    url = ensure_dataset(100, "postgresql")   # postgres://postgres@127.0.0.1:5432/ceis_bench_100
    url = ensure_dataset(0.1, "sqlite")       # sqlite:////…/var/bench/scale-0_1.sqlite3

`ensure_dataset(scale, engine)` returns a `DATABASE_URL` for a database holding exactly
`seed_demo --scale <scale> --year BENCH_YEAR --seed BENCH_SEED` on a freshly migrated schema.
It builds it only when it is missing, or when its marker (table `bench_dataset_marker`, written
last, after a successful generation) names another generator version, scale, year or seed.
The build happens under another name (`ceis_bench_<label>_build`, `scale-<label>.sqlite3.build`)
and is renamed at the end, so a reader never sees a half-built dataset; a file lock in
`var/bench/` keeps two processes from building the same dataset at the same time.

- Engines: `"postgresql"` → database `ceis_bench_<label>` on `BENCH_PG_SERVER`
  (default `postgres://postgres@127.0.0.1:5432`, override with the environment variable of the
  same name); `"sqlite"` → file `var/bench/scale-<label>.sqlite3`. The label writes the scale
  with `_` for the decimal point: 100 → `100`, 0.1 → `0_1`.
- The data is dated in `BENCH_YEAR` (2025): benchmark the bilan with
  `--from 2025-01-01 --to 2025-12-31`. Sites are `CEIS`, `MPT-RICOME`, then `SITE-003`…
  (`max(2, round(scale))` sites sharing the data equally). Demo accounts (`travailleur`,
  `mediateur`, `volontaire`, `manager`, `admin`, password `demo-ceis-2026`) exist, and one
  `travailleur-NNN`, `mediateur-NNN`, `volontaire-NNN` per other site.
- Notes are encrypted with the local settings' default key: processes reading the dataset must
  run with `dataset_env(url)` (settings `ceis.settings.local`, no `CEIS_FIELD_ENCRYPTION_KEYS`
  override), or pass `BENCH_ENCRYPTION_KEY` as `CEIS_FIELD_ENCRYPTION_KEYS`.
- `dataset_counts(url)` returns `{table: rows}` for the generated tables; `dataset_marker(url)`
  returns the marker (`version`, `scale`, `year`, `seed`, `seconds` the generation took, `built_at`)
  or `None`.
- An up-to-date dataset whose schema misses a project migration added since its build (an index,
  say) gets `migrate` before its URL is returned.
- Never drop or rebuild someone else's dataset by hand: `ensure_dataset(..., rebuild=True)`
  forces a rebuild.

CLI::

    .venv/bin/python bench/datasets.py --scale 100 --engine postgresql [--rebuild]

prints the URL, the rows per table and the time the generation took.
"""

import argparse
import datetime
import fcntl
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "bench"
BENCH_YEAR = 2025
BENCH_SEED = 2019
BENCH_PG_SERVER = os.environ.get("BENCH_PG_SERVER", "postgres://postgres@127.0.0.1:5432")
# The default of ceis/settings/local.py (a public, local-only key).
BENCH_ENCRYPTION_KEY = "bG9jYWwtZGV2ZWxvcG1lbnQta2V5LW5vdC1zZWNyZXQ="
ENGINES = ("postgresql", "sqlite")
MARKER_TABLE = "bench_dataset_marker"
COUNTED_TABLES = [
    "ceis_site",
    "ceis_user",
    "ceis_person",
    "unisvers_cohort",
    "unisvers_meetingday",
    "unisvers_enrollment",
    "unisvers_attendance",
    "unisvers_collectiveactivity",
    "unisvers_collectiveactivity_participants",
    "unisvers_followup",
    "unisvers_event",
    "unisvers_event_attendees",
    "unisvers_testimonial",
    "unisvers_target",
    "villages_workshop",
    "villages_session",
    "villages_registration",
    "villages_individualhelp",
    "villages_visit",
    "villages_assessment",
    "appointments_appointment",
]

__all__ = [
    "BENCH_ENCRYPTION_KEY",
    "BENCH_YEAR",
    "dataset_counts",
    "dataset_env",
    "dataset_marker",
    "ensure_dataset",
    "generator_version",
    "scale_label",
]


def generator_version() -> int:
    """`GENERATOR_VERSION` of ceis/demo_scale.py (read from the source: no Django import)."""
    source = (ROOT / "ceis" / "demo_scale.py").read_text(encoding="utf-8")
    return int(re.search(r"^GENERATOR_VERSION = (\d+)", source, re.MULTILINE).group(1))


def scale_label(scale: float) -> str:
    """100 → "100", 0.1 → "0_1", 2.5 → "2_5"."""
    text = f"{float(scale):g}"
    if "e" in text:
        raise ValueError(f"scale {scale!r}: write it without an exponent")
    return text.replace(".", "_")


def _pg_url(database: str) -> str:
    return f"{BENCH_PG_SERVER.rstrip('/')}/{database}"


def _sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def _names(scale: float, engine: str) -> tuple[str, str]:
    """(final name, build name): database names or file paths."""
    label = scale_label(scale)
    if engine == "postgresql":
        return f"ceis_bench_{label}", f"ceis_bench_{label}_build"
    if engine == "sqlite":
        path = VAR / f"scale-{label}.sqlite3"
        return str(path), f"{path}.build"
    raise ValueError(f"engine must be one of {ENGINES}, not {engine!r}")


def _url(engine: str, name: str) -> str:
    return _pg_url(name) if engine == "postgresql" else _sqlite_url(Path(name))


def dataset_env(url: str) -> dict:
    """The environment for a subprocess (manage.py, gunicorn…) working on the dataset `url`."""
    env = dict(os.environ)
    env.pop("CEIS_FIELD_ENCRYPTION_KEYS", None)
    env["DATABASE_URL"] = url
    env["DJANGO_SETTINGS_MODULE"] = "ceis.settings.local"
    return env


@contextmanager
def _connect(url: str):
    """A DB-API connection to `url` (psycopg2 for PostgreSQL, sqlite3 for SQLite); a missing
    SQLite file raises instead of being created empty."""
    if url.startswith("sqlite:///"):
        path = url[len("sqlite:///") :]
        connection = sqlite3.connect(f"file:{path}?mode=rw", uri=True)
    else:
        import psycopg2

        connection = psycopg2.connect(url)
    try:
        yield connection
    finally:
        connection.close()


def _pg_admin(statements: list[str]) -> None:
    import psycopg2

    connection = psycopg2.connect(_pg_url("postgres"))
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
    finally:
        connection.close()


def _pg_exists(database: str) -> bool:
    import psycopg2

    connection = psycopg2.connect(_pg_url("postgres"))
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database])
            return cursor.fetchone() is not None
    finally:
        connection.close()


def _exists(engine: str, name: str) -> bool:
    return _pg_exists(name) if engine == "postgresql" else Path(name).exists()


def dataset_marker(url: str) -> dict | None:
    """The marker of a dataset, or None (no database, no marker table, no row)."""
    try:
        with _connect(url) as connection:
            cursor = connection.cursor()
            cursor.execute(
                f"SELECT version, scale, year, seed, seconds, built_at FROM {MARKER_TABLE}"  # noqa: S608
            )
            row = cursor.fetchone()
    except Exception:  # a missing database or table: no marker
        return None
    if row is None:
        return None
    keys = ("version", "scale", "year", "seed", "seconds", "built_at")
    return dict(zip(keys, row, strict=True))


def _write_marker(url: str, scale: float, seconds: float) -> None:
    with _connect(url) as connection:
        cursor = connection.cursor()
        cursor.execute(
            f"CREATE TABLE {MARKER_TABLE} (version integer, scale double precision, "
            "year integer, seed integer, seconds double precision, built_at varchar(40))"
        )
        placeholder = "?" if isinstance(connection, sqlite3.Connection) else "%s"
        cursor.execute(
            f"INSERT INTO {MARKER_TABLE} VALUES ({', '.join([placeholder] * 6)})",  # noqa: S608
            [
                generator_version(),
                float(scale),
                BENCH_YEAR,
                BENCH_SEED,
                round(seconds, 1),
                datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            ],
        )
        connection.commit()


def _marker_matches(marker: dict | None, scale: float) -> bool:
    return bool(
        marker
        and marker["version"] == generator_version()
        and float(marker["scale"]) == float(scale)
        and marker["year"] == BENCH_YEAR
        and marker["seed"] == BENCH_SEED
    )


def dataset_counts(url: str) -> dict[str, int]:
    counts = {}
    with _connect(url) as connection:
        cursor = connection.cursor()
        for table in COUNTED_TABLES:
            cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 (fixed names)
            counts[table] = cursor.fetchone()[0]
    return counts


def _manage(url: str, *args: str, quiet: bool) -> str:
    """Run manage.py on the dataset; echo its output unless `quiet`; return that output."""
    command = [sys.executable, str(ROOT / "manage.py"), *args]
    lines = []
    with subprocess.Popen(  # noqa: S603 (our own manage.py)
        command, cwd=ROOT, env=dataset_env(url), stdout=subprocess.PIPE, text=True
    ) as process:
        for line in process.stdout:
            lines.append(line)
            if not quiet:
                print(line, end="", flush=True)
    if process.returncode:
        raise subprocess.CalledProcessError(process.returncode, command, "".join(lines))
    return "".join(lines)


def _drop(engine: str, name: str) -> None:
    if engine == "postgresql":
        _pg_admin([f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'])
    else:
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(name + suffix).unlink(missing_ok=True)


def build_dataset(
    scale: float, engine: str, name: str, *, quiet: bool = False, seed: int = BENCH_SEED
) -> dict:
    """Create database `name` from scratch (drop, create, migrate, seed_demo --scale, marker).

    Returns `{"url", "migrate_seconds", "seed_seconds"}`. Used by `ensure_dataset` and by
    bench/generate_bench.py (which builds into scratch databases)."""
    _drop(engine, name)
    if engine == "postgresql":
        _pg_admin([f'CREATE DATABASE "{name}"'])
    else:
        Path(name).parent.mkdir(parents=True, exist_ok=True)
    url = _url(engine, name)
    started = time.perf_counter()
    _manage(url, "migrate", "--noinput", "-v", "0", quiet=quiet)
    migrated = time.perf_counter()
    output = _manage(
        url,
        "seed_demo",
        "--scale",
        f"{float(scale):g}",
        "--year",
        str(BENCH_YEAR),
        "--seed",
        str(seed),
        quiet=quiet,
    )
    seeded = time.perf_counter()
    # The generator's own time ("N lignes en X s"), without Django's start-up.
    found = (
        re.search(r"([\d.]+) s \(", output.split("lignes en")[-1])
        if "lignes en" in output
        else None
    )
    if engine == "postgresql":
        # Fresh statistics for the planner, as a production database would have.
        with _connect(url) as connection:
            connection.autocommit = True
            connection.cursor().execute("VACUUM ANALYZE")
    else:
        with _connect(url) as connection:
            connection.execute("ANALYZE")
            connection.commit()
    analysed = time.perf_counter()
    _write_marker(url, scale, seeded - migrated)
    return {
        "url": url,
        "migrate_seconds": migrated - started,
        "seed_seconds": seeded - migrated,
        "generation_seconds": float(found.group(1)) if found else None,
        "analyse_seconds": analysed - seeded,
    }


PROJECT_APPS = ("ceis", "unisvers", "villages", "reporting")


def _pending_migrations(url: str) -> list[tuple[str, str]]:
    """The project's migration files not recorded in the dataset's `django_migrations`."""
    with _connect(url) as connection:
        cursor = connection.cursor()
        cursor.execute("SELECT app, name FROM django_migrations")
        applied = set(cursor.fetchall())
    files = [
        (app, path.stem)
        for app in PROJECT_APPS
        for path in sorted((ROOT / app / "migrations").glob("[0-9]*.py"))
    ]
    return [key for key in files if key not in applied]


@contextmanager
def _lock(engine: str, scale: float):
    VAR.mkdir(parents=True, exist_ok=True)
    with open(VAR / f".lock-{engine}-{scale_label(scale)}", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def ensure_dataset(
    scale: float, engine: str = "postgresql", *, rebuild: bool = False, quiet: bool = False
) -> str:
    """The `DATABASE_URL` of the dataset at `scale` on `engine`, built first if needed.

    `scale` may be a fraction (0.1). `engine` is "postgresql" or "sqlite". Building prints the
    generator's progress on standard output unless `quiet`. Raises
    `subprocess.CalledProcessError` when migrate or seed_demo fails (nothing is left under the
    final name then)."""
    final, build = _names(scale, engine)
    url = _url(engine, final)
    with _lock(engine, scale):
        if not rebuild and _marker_matches(dataset_marker(url), scale):
            if _pending_migrations(url):
                # New migrations (indexes…) since the build: the schema is brought up to date.
                _manage(url, "migrate", "--noinput", "-v", "0", quiet=quiet)
            return url
        build_dataset(scale, engine, build, quiet=quiet)
        _drop(engine, final)
        if engine == "postgresql":
            _pg_admin([f'ALTER DATABASE "{build}" RENAME TO "{final}"'])
        else:
            shutil.move(build, final)
    return url


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, required=True)
    parser.add_argument("--engine", choices=ENGINES, default="postgresql")
    parser.add_argument("--rebuild", action="store_true", help="rebuild even if up to date")
    parser.add_argument("--quiet", action="store_true", help="hide the generator's output")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    url = ensure_dataset(args.scale, args.engine, rebuild=args.rebuild, quiet=args.quiet)
    elapsed = time.perf_counter() - started
    marker = dataset_marker(url)
    counts = dataset_counts(url)
    print(url)
    for table, rows in counts.items():
        print(f"  {table:<42} {rows:>10,}")
    total = sum(counts.values())
    print(f"  {'total':<42} {total:>10,}")
    print(
        f"generator v{marker['version']}, year {marker['year']}, seed {marker['seed']}; "
        f"generation took {marker['seconds']:.1f} s when built ({marker['built_at']}); "
        f"this call took {elapsed:.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
