"""Load test: Locust (headless) against gunicorn with the production settings on PostgreSQL.

    make bench-load                                  # installs requirements-bench.txt, then this
    .venv/bin/python bench/load_test.py --users 50 --spawn-rate 10 --duration 60s --scale 100
    .venv/bin/python bench/load_test.py --database-url postgres://postgres@127.0.0.1:5432/NAME

What it does, in one command:
1. the database: `bench.datasets.ensure_dataset(scale, "postgresql")` (the generated bench
   year), or the database of --database-url as it is;
2. `collectstatic` into a temporary folder (whitenoise serves it), then gunicorn with
   `gunicorn.conf.py` and the production settings (`bench/load_settings.py`: production plus that
   static folder) on a free port of 127.0.0.1, with throwaway SECRET_KEY and
   CEIS_FIELD_ENCRYPTION_KEYS, plain HTTP (`SECURE_SSL_REDIRECT=False`, non-Secure cookies) and
   `CEIS_REQUIRE_2FA=False`: the only departures from a real installation;
3. the production stack beside gunicorn, as in the Procfile: a Celery worker of the default
   queue and beat (the dashboard is computed by tasks, never in a request), with the cache in
   Redis (`CACHE_URL`, default redis://127.0.0.1:6379/14); a cold start: the cache emptied and
   the dashboard's stored results deleted before the run (`--warm` keeps them, `--no-worker`
   runs gunicorn alone);
4. the objects the journeys visit, read from that database (`bench/locustfile.py`);
5. Locust headless, `--users` simulated users (the five demo accounts' journeys, mostly the
   social worker and the mediator), for `--duration`;
6. prints requests per second, median, p95, p99 and errors per endpoint (exact percentiles from
   every request) for the steady state, from the end of the last login to the end of the run,
   then the logins and the totals of the whole run; goals: 0 errors, p95 ≤ 300 ms for every
   page kind in the steady state, p95 ≤ 1 s for the logins. Also printed: the gunicorn workers
   and threads, the CPU count, the CPU used by gunicorn, the Celery worker and beat, Locust, the
   stack's PostgreSQL backends and everything else on the machine (another
   process's load slows the figures down: it is shown, not subtracted), and the SQL queries
   still running when gunicorn has stopped (a worker killed by gunicorn's timeout leaves its
   query running in PostgreSQL; they are ended).

`--roles travailleur,mediateur` simulates only these demo accounts. The exit status is 0 when
the goals are met, 1 otherwise.

Traffic goes only to 127.0.0.1, and the run stops by itself after --duration. gunicorn's access
log, Locust's log, the visited objects and every request's time stay in the temporary folder
when --keep is given.
"""

import argparse
import datetime
import importlib.util
import json
import math
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent
P95_GOAL_MS = 300
LOGIN_P95_GOAL_MS = 1000
# Demo account → Locust user class of bench/locustfile.py.
ROLES = {
    "travailleur": "SocialWorker",
    "mediateur": "Mediator",
    "volontaire": "Volunteer",
    "manager": "Manager",
    "admin": "Admin",
}
INSTALL_HINT = (
    "Locust n'est pas installé dans cet environnement. Installez-le avec\n"
    "  .venv/bin/pip install -r requirements-bench.txt\n"
    "ou lancez « make bench-load » (qui l'installe puis lance ce test)."
)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50, help="utilisateurs simulés (50)")
    parser.add_argument("--spawn-rate", type=float, default=10, help="arrivées par seconde (10)")
    parser.add_argument("--duration", default="60s", help="durée du test, ex. 60s, 5m (60s)")
    parser.add_argument("--scale", type=float, default=100, help="échelle du jeu de données (100)")
    parser.add_argument(
        "--database-url", help="base à utiliser telle quelle au lieu du jeu de données --scale"
    )
    parser.add_argument("--year", type=int, help="année des données (défaut : lue dans la base)")
    parser.add_argument("--workers", type=int, help="GUNICORN_WORKERS (défaut : gunicorn.conf.py)")
    parser.add_argument("--threads", type=int, help="GUNICORN_THREADS (défaut : gunicorn.conf.py)")
    parser.add_argument(
        "--think", type=float, default=1.0, help="multiplie les temps de réflexion (1 = 2 à 15 s)"
    )
    parser.add_argument(
        "--roles",
        default=",".join(ROLES),
        help="rôles simulés, séparés par des virgules (défaut : les cinq)",
    )
    parser.add_argument(
        "--no-worker", action="store_true", help="sans worker Celery ni beat (gunicorn seul)"
    )
    parser.add_argument(
        "--warm", action="store_true", help="garde le cache et les résultats du tableau de bord"
    )
    parser.add_argument("--keep", action="store_true", help="garde le dossier temporaire")
    parser.add_argument("--pools", help=argparse.SUPPRESS)  # internal: write the pools and exit
    parser.add_argument("--cold", action="store_true", help=argparse.SUPPRESS)  # with --pools
    return parser.parse_args(argv)


# The objects visited ------------------------------------------------------------------------


def write_pools(path: str, year: int | None, cold: bool = False) -> None:
    """Runs in a child process with the load test's environment: which URLs each demo account
    may visit, in the bench year (a sample of each kind of object). `cold`: the cache emptied
    and the dashboard's stored results deleted first."""
    import django

    django.setup()
    if cold:
        from django.core.cache import cache

        from reporting.models import DashboardResult

        cache.clear()
        DashboardResult.objects.all().delete()
    from django.db.models import Count
    from django.db.models.functions import ExtractYear

    from ceis.demo import DEMO_PASSWORD
    from ceis.models import Person, Site, User
    from unisvers.models import Cohort, Enrollment, FollowUp, MeetingDay
    from villages.models import Session

    if year is None:
        by_year = (
            Session.objects.annotate(y=ExtractYear("start"))
            .values("y")
            .annotate(n=Count("id"))
            .order_by("-n")
        )
        year = by_year[0]["y"] if by_year else datetime.date.today().year
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    users = {
        u.username: u
        for u in User.objects.filter(username__in=list(ROLES)).prefetch_related("sites")
    }
    missing = sorted(set(ROLES) - set(users))
    if missing:
        sys.exit(f"Comptes de démonstration absents de la base : {', '.join(missing)}.")

    def site_ids(username):
        return [site.pk for site in users[username].sites.all()]

    sw = users["travailleur"]
    cohorts = Cohort.objects.filter(
        site_id__in=site_ids("travailleur"), start_date__lte=last, end_date__gte=first
    )
    if cohorts.filter(referents=sw).exists():
        cohorts = cohorts.filter(referents=sw)
    cohort_ids = list(cohorts.order_by("start_date").values_list("pk", flat=True)[:40])
    days = MeetingDay.objects.filter(cohort_id__in=cohort_ids, date__range=(first, last))
    participants = list(
        Enrollment.objects.filter(cohort_id__in=cohort_ids)
        .order_by("?")
        .values_list("person__public_id", flat=True)[:400]
    )
    followups = FollowUp.objects.filter(person__public_id__in=participants)

    def sessions_of(username):
        qs = Session.objects.filter(
            site_id__in=site_ids(username), start__date__range=(first, last)
        )
        return [str(p) for p in qs.order_by("?").values_list("public_id", flat=True)[:300]]

    def weeks_of(username):
        qs = Session.objects.filter(
            site_id__in=site_ids(username), start__date__range=(first, last)
        ).dates("start", "week")
        return [d.isoformat() for d in qs] or [first.isoformat()]

    persons = Person.objects.exclude(last_name="").order_by("?")
    pools = {
        "year": year,
        "password": DEMO_PASSWORD,
        "roles": {
            "travailleur": {
                "cohorts": [
                    str(p)
                    for p in Cohort.objects.filter(pk__in=cohort_ids).values_list(
                        "public_id", flat=True
                    )
                ],
                "register_days": [
                    [str(c), d.isoformat()]
                    for c, d in days.order_by("?").values_list("cohort__public_id", "date")[:400]
                ],
                "participants": [str(p) for p in participants],
                "followups": [
                    str(p)
                    for p in followups.order_by("?").values_list("public_id", flat=True)[:400]
                ],
            },
            "mediateur": {"sessions": sessions_of("mediateur"), "weeks": weeks_of("mediateur")},
            "volontaire": {"sessions": sessions_of("volontaire"), "weeks": weeks_of("volontaire")},
            "manager": {"sites": site_ids("manager")[:50]},
            "admin": {"names": list(persons.values_list("last_name", flat=True)[:200])},
        },
    }
    pools["counts"] = {
        "sites": Site.objects.count(),
        "persons": Person.objects.count(),
        "sessions": Session.objects.count(),
        "cohorts": Cohort.objects.count(),
    }
    Path(path).write_text(json.dumps(pools), encoding="utf-8")


# Processes and CPU --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url(args) -> str:
    """--database-url as it is, or the generated dataset at --scale (built once, by
    bench/datasets.py); in the latter case the year defaults to the bench year."""
    if args.database_url:
        return args.database_url
    from bench.datasets import BENCH_YEAR, ensure_dataset

    if args.year is None:
        args.year = BENCH_YEAR
    print(f"Jeu de données à l'échelle {args.scale:g} (bench/datasets.py)…", flush=True)
    return ensure_dataset(args.scale, "postgresql")


class Database:
    """The database under test, seen from PostgreSQL's side: gunicorn connects with
    `application_name=<tag>`, so its backends (and their queries) can be told from others'."""

    def __init__(self, url: str, tag: str):
        import environ

        self.config = environ.Env.db_url_config(url)
        self.name = self.config["NAME"]
        self.tag = tag
        separator = "&" if "?" in url else "?"
        self.app_url = f"{url}{separator}application_name={tag}"
        self._conn = None

    def _cursor(self):
        if self._conn is None:
            import psycopg2

            c = self.config
            self._conn = psycopg2.connect(
                dbname="postgres",
                host=c.get("HOST") or None,
                port=c.get("PORT") or None,
                user=c.get("USER") or None,
                password=c.get("PASSWORD") or None,
            )
            self._conn.autocommit = True
        return self._conn.cursor()

    def backend_pids(self) -> list[int]:
        with self._cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity WHERE application_name = %s", [self.tag]
            )
            return [row[0] for row in cursor.fetchall()]

    def others_active(self) -> int:
        """Queries running on this database that are not the load test's."""
        with self._cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND state = 'active' "
                "AND application_name <> %s AND pid <> pg_backend_pid()",
                [self.name, self.tag],
            )
            return cursor.fetchone()[0]

    def end_leftovers(self) -> list[tuple[float, str]]:
        """Queries of gunicorn's connections still running once gunicorn is stopped (a worker
        killed by its timeout leaves its query running): ended; returned as (seconds, query)."""
        with self._cursor() as cursor:
            cursor.execute(
                "SELECT extract(epoch FROM now() - query_start), left(query, 120), "
                "pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE application_name = %s AND state = 'active'",
                [self.tag],
            )
            leftovers = [(float(row[0]), row[1]) for row in cursor.fetchall()]
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE application_name = %s",
                [self.tag],
            )
        return leftovers

    def close(self):
        if self._conn is not None:
            self._conn.close()


class CpuMeter(threading.Thread):
    """Samples the CPU time of process groups every second (processes that end between two
    samples lose at most one second): gunicorn (master and workers), Locust, the PostgreSQL
    backends of gunicorn's connections (tagged with an application_name), the whole machine.
    `usage(t0, t1)` gives the cores each group used between two instants (time.time())."""

    GROUPS = ("gunicorn", "celery", "locust", "postgres")

    def __init__(self, gunicorn_pid: int, db: "Database", celery_pids=()):
        super().__init__(daemon=True)
        import psutil

        self.psutil = psutil
        self.gunicorn_pid = gunicorn_pid
        self.celery_pids = list(celery_pids)
        self.db = db
        self.locust_pid = None
        self.seen: dict[str, dict[int, float]] = {group: {} for group in self.GROUPS}
        self.baseline: dict[str, dict[int, float]] = {}
        self.machine_start = 0.0
        # (time, {group: CPU seconds since begin(), "machine": busy seconds since begin()})
        self.timeline: list[tuple[float, dict]] = []
        self.stopped = threading.Event()

    @staticmethod
    def _busy(times) -> float:
        return sum(
            getattr(times, name, 0.0)
            for name in ("user", "system", "nice", "irq", "softirq", "steal")
        )

    def _tree(self, pid):
        try:
            proc = self.psutil.Process(pid)
            return [proc, *proc.children(recursive=True)]
        except self.psutil.NoSuchProcess:
            return []

    def _record(self, group, procs):
        for proc in procs:
            try:
                t = proc.cpu_times()
                self.seen[group][proc.pid] = t.user + t.system
            except self.psutil.Error:
                continue

    def sample(self):
        self._record("gunicorn", self._tree(self.gunicorn_pid))
        self._record("celery", [p for pid in self.celery_pids for p in self._tree(pid)])
        if self.locust_pid:
            self._record("locust", self._tree(self.locust_pid))
        backends = []
        for pid in self.db.backend_pids():
            try:
                backends.append(self.psutil.Process(pid))
            except self.psutil.Error:
                continue
        self._record("postgres", backends)
        if self.baseline:
            totals = {
                group: sum(
                    total - self.baseline[group].get(pid, 0.0)
                    for pid, total in self.seen[group].items()
                )
                for group in self.GROUPS
            }
            totals["machine"] = self._busy(self.psutil.cpu_times()) - self.machine_start
            self.timeline.append((time.time(), totals))

    def begin(self, locust_pid):
        self.locust_pid = locust_pid
        self.sample()
        self.baseline = {group: dict(pids) for group, pids in self.seen.items()}
        self.machine_start = self._busy(self.psutil.cpu_times())
        self.sample()
        self.start()

    def run(self):
        while not self.stopped.wait(1.0):
            self.sample()

    def finish(self) -> None:
        self.stopped.set()
        self.join()
        self.sample()

    def usage(self, t0: float | None = None, t1: float | None = None) -> dict:
        """Cores used on average by each group between t0 and t1 (default: the whole run)."""
        first = next((p for p in self.timeline if t0 is None or p[0] >= t0), self.timeline[-1])
        last = [p for p in self.timeline if t1 is None or p[0] <= t1][-1]
        wall = max(last[0] - first[0], 1e-9)
        used = {key: (last[1][key] - first[1][key]) / wall for key in last[1]}
        used["other"] = max(0.0, used["machine"] - sum(used[g] for g in self.GROUPS))
        used["wall"] = wall
        used["cpu_seconds"] = {g: last[1][g] - first[1][g] for g in self.GROUPS}
        return used


def wait_for_health(url: str, proc: subprocess.Popen, seconds: int = 60) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn s'est arrêté (code {proc.returncode})")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (127.0.0.1)
                return json.loads(response.read())
        except urllib.error.HTTPError as error:
            return json.loads(error.read() or b"{}")
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)
    raise RuntimeError(f"gunicorn ne répond pas sur {url}")


def wait_for_warm_workers(log: Path, workers: int, proc: subprocess.Popen, seconds: int = 60):
    """Until every gunicorn worker has logged its warm-up (gunicorn.conf.py, post_worker_init),
    so that the users do not arrive while some workers still compile their templates (each
    one's start-up, once; a restart in production is followed by the same)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn s'est arrêté (code {proc.returncode})")
        text = log.read_text(encoding="utf-8", errors="replace")
        if text.count("Worker warmed up") + text.count("Worker warm-up failed") >= workers:
            return
        time.sleep(0.5)
    print(f"Attention : les {workers} workers ne se sont pas tous annoncés prêts.", flush=True)


# Results ------------------------------------------------------------------------------------

LOGIN_NAMES = ("/connexion/ (formulaire)", "/connexion/ (POST, puis accueil)")


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Nearest-rank percentile (the smallest value with at least `fraction` of them below)."""
    if not sorted_values:
        return 0.0
    rank = max(1, math.ceil(fraction * len(sorted_values)))
    return sorted_values[rank - 1]


def summarise(samples: list, seconds: float) -> dict:
    times = sorted(sample[2] for sample in samples)
    errors = [sample[3] for sample in samples if sample[3]]
    return {
        "count": len(times),
        "rps": len(times) / seconds if seconds else 0.0,
        "median": percentile(times, 0.5),
        "p95": percentile(times, 0.95),
        "p99": percentile(times, 0.99),
        "max": times[-1] if times else 0.0,
        "errors": len(errors),
        "messages": sorted(set(errors)),
    }


def _row(name: str, stats: dict) -> str:
    return (
        f"| {name} | {stats['count']} | {stats['rps']:.1f} | {stats['median']:.0f} | "
        f"{stats['p95']:.0f} | {stats['p99']:.0f} | {stats['max']:.0f} | {stats['errors']} |"
    )


HEADER = (
    "| endpoint | requêtes | req/s | médiane ms | p95 ms | p99 ms | max ms | erreurs |\n"
    "|---|---:|---:|---:|---:|---:|---:|---:|"
)


def print_report(samples, started, ended, config, meter, pools, leftovers) -> bool:
    """Per-endpoint figures of the steady state (from the end of the last login to the end of
    the run), then the logins and the totals of the whole run; True when the goals are met."""
    logins = [s for s in samples if s[1] == LOGIN_NAMES[1]]
    steady_from = max((s[0] + s[2] / 1000 for s in logins), default=started)
    steady = [s for s in samples if s[0] >= steady_from and s[1] not in LOGIN_NAMES]
    steady_seconds = max(ended - steady_from, 1e-9)
    whole_seconds = max(ended - started, 1e-9)
    by_name = {}
    for sample in steady:
        by_name.setdefault(sample[1], []).append(sample)
    endpoints = sorted(
        ((name, summarise(rows, steady_seconds)) for name, rows in by_name.items()),
        key=lambda item: -item[1]["p95"],
    )
    steady_total = summarise(steady, steady_seconds)
    whole_total = summarise(samples, whole_seconds)
    print()
    print(
        f"Régime établi : de la fin de la dernière connexion ({steady_from - started:.0f} s après "
        f"le départ) à la fin du test, {steady_seconds:.0f} s ; par p95 décroissant."
    )
    print(HEADER)
    for name, stats in endpoints:
        print(_row(f"`{name}`", stats))
    print(_row("**total (régime établi)**", steady_total))
    print()
    print(
        f"Connexions et toute la durée du test ({whole_seconds:.0f} s, montée en charge comprise) :"
    )
    print(HEADER)
    for name in LOGIN_NAMES:
        rows = [s for s in samples if s[1] == name]
        print(_row(f"`{name}`", summarise(rows, whole_seconds)))
    print(_row("**total (toute la durée)**", whole_total))
    failed = [(name, stats) for name, stats in endpoints if stats["errors"]]
    login_errors = [s for s in samples if s[1] in LOGIN_NAMES and s[3]]
    if failed or whole_total["errors"]:
        print("\nErreurs (toute la durée) :")
        errors: dict[tuple[str, str], int] = {}
        for sample in samples:
            if sample[3]:
                errors[(sample[1], sample[3])] = errors.get((sample[1], sample[3]), 0) + 1
        for (name, message), count in sorted(errors.items()):
            print(f"  {count} × {name} : {message}")
    if leftovers:
        longest = max(seconds for seconds, _ in leftovers)
        print(
            f"\n{len(leftovers)} requête(s) SQL de gunicorn ou de Celery tournaient encore après "
            f"leur arrêt (la plus ancienne depuis {longest:.0f} s : un calcul du tableau de bord "
            "interrompu, ou un worker tué par le timeout de gunicorn) ; arrêtées "
            "(pg_terminate_backend) :"
        )
        for seconds, query in sorted(leftovers, reverse=True)[:5]:
            print(f"  {seconds:.0f} s : {query}…")
    print()
    login_stats = summarise([s for s in samples if s[1] == LOGIN_NAMES[1]], whole_seconds)
    slow = [name for name, stats in endpoints if stats["p95"] > P95_GOAL_MS]
    ok = whole_total["errors"] == 0 and not slow and login_stats["p95"] <= LOGIN_P95_GOAL_MS
    print(
        f"Objectifs (0 erreur ; p95 ≤ {P95_GOAL_MS} ms pour chaque page en régime établi ; "
        f"p95 ≤ {LOGIN_P95_GOAL_MS} ms pour les connexions) : "
        + ("atteints." if ok else "NON atteints.")
        + f" {whole_total['errors']} erreur(s)"
        + (f" dont {len(login_errors)} à la connexion" if login_errors else "")
        + f" ; {len(slow)} page(s) au-delà de {P95_GOAL_MS} ms"
        + f" ; p95 des connexions {login_stats['p95']:.0f} ms."
    )
    counts = pools["counts"]
    print(
        f"Configuration : {config['users']} utilisateurs simulés (arrivée "
        f"{config['spawn_rate']:g}/s) pendant {config['duration']}, rôles "
        f"{', '.join(config['roles'])}, temps de réflexion "
        f"×{config['think']:g} ; gunicorn {config['workers']} worker(s) × {config['threads']} "
        f"thread(s) ; {config['cpus']} CPU ; PostgreSQL {config['db_name']} ({counts['sites']} "
        f"sites, {counts['persons']} personnes, {counts['cohorts']} promotions, "
        f"{counts['sessions']} séances), année {pools['year']}."
    )
    for label, cpu, count in (
        ("toute la durée", meter.usage(), whole_total["count"]),
        ("régime établi", meter.usage(steady_from, ended), steady_total["count"]),
    ):
        seconds = cpu["cpu_seconds"]
        print(
            f"CPU, {label} (cœurs occupés en moyenne sur {cpu['wall']:.0f} s) : gunicorn "
            f"{cpu['gunicorn']:.2f}, Celery (worker et beat) {cpu['celery']:.2f}, Locust "
            f"{cpu['locust']:.2f}, PostgreSQL (connexions de gunicorn et de Celery) "
            f"{cpu['postgres']:.2f}, autres processus de la machine "
            f"{cpu['other']:.2f} ; total {cpu['machine']:.2f} sur {config['cpus']} ; par requête "
            f"gunicorn {1000 * seconds['gunicorn'] / max(count, 1):.0f} ms + PostgreSQL "
            f"{1000 * seconds['postgres'] / max(count, 1):.0f} ms."
        )
    return ok


# Main ---------------------------------------------------------------------------------------


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.pools:
        write_pools(args.pools, args.year, cold=args.cold)
        return 0
    # Only looked up: importing locust here would monkey-patch this process with gevent.
    if not (importlib.util.find_spec("locust") and (BIN / "locust").exists()):
        print(INSTALL_HINT, file=sys.stderr)
        return 2

    roles = [role.strip() for role in args.roles.split(",") if role.strip()]
    unknown = sorted(set(roles) - set(ROLES))
    if unknown or not roles:
        print(f"Rôles inconnus : {', '.join(unknown)} (connus : {', '.join(ROLES)}).")
        return 2
    classes = [ROLES[role] for role in roles]
    url = database_url(args)
    tmp = Path(tempfile.mkdtemp(prefix="ceis-load-"))
    port = free_port()
    db = Database(url, f"ceis-load-test-{port}")
    db_name = db.name
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.load_settings",
        "CEIS_BENCH_STATIC_ROOT": str(tmp / "static"),
        "DATABASE_URL": db.app_url,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "CEIS_FIELD_ENCRYPTION_KEYS": encryption_keys(),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "CELERY_BROKER_URL": os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/15"),
        "CACHE_URL": os.environ.get("CACHE_URL", "redis://127.0.0.1:6379/14"),
        "CEIS_REQUIRE_2FA": "False",
        "SECURE_SSL_REDIRECT": "False",
        "SECURE_HSTS_SECONDS": "0",
        "SESSION_COOKIE_SECURE": "False",
        "CSRF_COOKIE_SECURE": "False",
        "CEIS_MEDIA_ROOT": str(tmp / "media"),
        "CELERY_BEAT_SCHEDULE_FILENAME": str(tmp / "celerybeat-schedule"),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "PYTHONPATH": str(ROOT),
    }
    if args.workers:
        env["GUNICORN_WORKERS"] = str(args.workers)
    if args.threads:
        env["GUNICORN_THREADS"] = str(args.threads)
    python = str(BIN / "python")
    print(f"Commande : {' '.join([Path(sys.executable).name, *sys.argv])}")
    print(f"Charge de la machine au départ (load average) : {_load()}")
    print(f"Base : {db_name} ; dossier temporaire : {tmp}", flush=True)
    subprocess.run(  # noqa: S603 (our own interpreter and arguments)
        [python, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    pools_path = tmp / "pools.json"
    pools_cmd = [python, __file__, "--pools", str(pools_path)]
    if args.year:
        pools_cmd += ["--year", str(args.year)]
    if not args.warm:
        pools_cmd.append("--cold")
    subprocess.run(pools_cmd, cwd=ROOT, env=env, check=True)  # noqa: S603
    pools = json.loads(pools_path.read_text(encoding="utf-8"))
    config = gunicorn_config(env)
    config.update(
        users=args.users,
        spawn_rate=args.spawn_rate,
        duration=args.duration,
        think=args.think,
        roles=roles,
        db_name=db_name,
        cpus=os.cpu_count(),
    )
    host = f"http://127.0.0.1:{port}"
    with open(tmp / "gunicorn.log", "wb") as log:
        gunicorn = subprocess.Popen(  # noqa: S603
            [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    celery = [] if args.no_worker else start_celery(env, tmp, port)
    try:
        health = wait_for_health(f"{host}/healthz", gunicorn)
        wait_for_warm_workers(tmp / "gunicorn.log", config["workers"], gunicorn)
        print(
            f"gunicorn prêt sur {host} ({config['workers']} workers × {config['threads']} "
            f"threads), /healthz : {health} ; année {pools['year']} ; Locust : {args.users} "
            f"utilisateurs pendant {args.duration}…",
            flush=True,
        )
        busy = db.others_active()
        if busy:
            print(
                f"Attention : {busy} requête(s) SQL d'autres processus en cours sur {db_name}.",
                flush=True,
            )
        meter = CpuMeter(gunicorn.pid, db, [proc.pid for proc in celery])
        samples_path = tmp / "samples.json"
        locust_env = {
            **env,
            "CEIS_LOAD_POOLS": str(pools_path),
            "CEIS_LOAD_THINK": str(args.think),
            "CEIS_LOAD_SAMPLES": str(samples_path),
        }
        with open(tmp / "locust.log", "wb") as log:
            started = time.time()
            runner = subprocess.Popen(  # noqa: S603
                [
                    str(BIN / "locust"),
                    "-f",
                    str(ROOT / "bench" / "locustfile.py"),
                    "--headless",
                    "--host",
                    host,
                    "--users",
                    str(args.users),
                    "--spawn-rate",
                    str(args.spawn_rate),
                    "--run-time",
                    args.duration,
                    "--stop-timeout",
                    "10",
                    "--only-summary",
                    "--loglevel",
                    "WARNING",
                    *classes,
                ],
                cwd=ROOT,
                env=locust_env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            meter.begin(runner.pid)
            runner.wait()
            ended = time.time()
        meter.finish()
        if not samples_path.exists():
            print((tmp / "locust.log").read_text(errors="replace")[-3000:], file=sys.stderr)
            return 1
        samples = json.loads(samples_path.read_text(encoding="utf-8"))
        stop(gunicorn)
        for proc in celery:
            stop(proc, signal.SIGQUIT)
        leftovers = db.end_leftovers()
        ok = print_report(samples, started, ended, config, meter, pools, leftovers)
        print(f"Charge de la machine à la fin (load average) : {_load()}")
    finally:
        stop(gunicorn)
        for proc in celery:
            stop(proc, signal.SIGQUIT)
        db.end_leftovers()
        db.close()
    if args.keep:
        print(f"Journaux et CSV : {tmp}")
    else:
        _remove(tmp)
    return 0 if ok else 1


def stop(process: subprocess.Popen, signum=signal.SIGTERM) -> None:
    """Ends a process started in its own session: gunicorn by SIGTERM to its group; Celery by
    SIGQUIT to its main process (a cold shutdown that ends its pool itself: the dashboard
    computations in progress are dropped, the next run starts cold anyway)."""
    if process.poll() is not None:
        return
    if signum == signal.SIGTERM:
        os.killpg(process.pid, signum)
    else:
        process.send_signal(signum)
    try:
        process.wait(timeout=40)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def start_celery(env: dict, tmp: Path, port: int) -> list[subprocess.Popen]:
    """The Procfile's worker of the default queue (with its lower CPU priority) and beat, on
    the load test's broker: the tasks left in that queue by an earlier run are purged first."""
    celery = str(BIN / "celery")
    subprocess.run(  # noqa: S603 (our own tools and arguments)
        [celery, "-A", "ceis", "purge", "-f", "-Q", "celery"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        check=False,
    )
    concurrency = env.get("CELERY_WORKER_CONCURRENCY", "2")
    nice = ["nice", "-n", env.get("CEIS_WORKER_NICE", "10")]  # as the Procfile's worker
    commands = {
        "worker": [
            *nice, celery, "-A", "ceis", "worker", "-Q", "celery", "--concurrency", concurrency,
            "--loglevel", "WARNING", "--hostname", f"load-{port}@%h",
        ],
        "beat": [celery, "-A", "ceis", "beat", "--loglevel", "WARNING"],
    }  # fmt: skip
    processes = []
    for name, command in commands.items():
        with open(tmp / f"celery-{name}.log", "wb") as log:
            processes.append(
                subprocess.Popen(  # noqa: S603
                    command,
                    cwd=ROOT,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )
    return processes


def gunicorn_config(env) -> dict:
    """The workers and threads gunicorn.conf.py computes from this environment."""
    out = subprocess.run(  # noqa: S603
        [
            str(BIN / "python"),
            "-c",
            "import runpy; c = runpy.run_path('gunicorn.conf.py'); "
            "print(c['workers'], c['threads'])",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    workers, threads = out.stdout.split()
    return {"workers": int(workers), "threads": int(threads)}


def encryption_keys() -> str:
    """A throwaway key encrypts (first); the generated data's notes were encrypted with the
    public development key of the local settings (seed_demo, bench/datasets.py), which therefore
    comes second, for decryption only, as after a key rotation."""
    from cryptography.fernet import Fernet

    from bench.datasets import BENCH_ENCRYPTION_KEY

    if os.environ.get("CEIS_FIELD_ENCRYPTION_KEYS"):
        return os.environ["CEIS_FIELD_ENCRYPTION_KEYS"]
    return f"{Fernet.generate_key().decode()},{BENCH_ENCRYPTION_KEY}"


def _load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def _remove(folder: Path) -> None:
    import shutil

    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
