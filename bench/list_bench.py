"""Benchmark of every list page: query count, median and p95 time through Django's test client.

    .venv/bin/python bench/list_bench.py                      # 100× on PostgreSQL and SQLite
    .venv/bin/python bench/list_bench.py --scale 1 --engines sqlite --requests 10
    .venv/bin/python bench/list_bench.py --url postgres://postgres@127.0.0.1:5432/ceis_dev

Each dataset comes from `bench/datasets.py` (built once if missing) and is measured in its own
subprocess (DATABASE_URL set before `django.setup()`, settings `bench.list_settings`: DEBUG off).
For each page, logged in as the demo user of the role that uses it (`travailleur`, `mediateur`,
`volontaire`, `manager`, `admin`): the first page, the last page (`?page=` past the end: Django
answers the last page), for the longest lists of an admin a middle page (the deepest OFFSET,
since pages of the second half are read from the end: ceis/pagination.py), and a filtered or
searched page. One request counts the queries and warms the caches, then `--requests` requests
are timed. The load average is printed before and after: other processes slow the figures.

Columns: queries (goal ≤ 12 at any size), median and p95 in ms, size of the HTML in KB (a list
that is not paginated grows with the data).
"""

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SETTINGS = "bench.list_settings"
DEEP = {"page": "999999"}
VARIANTS = {
    "persons_middle": "middle page",
    "helps_middle": "middle page",
    "past_middle": "middle page",
    "help_filter": "filtered",
    "help_rare_theme": "rare theme",
    "past_filter": "filtered",
    "persons_picard": "« Picard »",
}


def _pages(year: int) -> list[tuple[str, str, str, dict, dict]]:
    """(label, role's demo user, URL name, URL kwargs-producer key, GET parameters) per row;
    the kwargs are resolved in the worker from the data (the biggest cohort, the busiest
    session…)."""
    return [
        ("persons", "travailleur", "persons:list", {}, {}),
        ("persons", "travailleur", "persons:list", {}, DEEP),
        ("persons", "travailleur", "persons:list", {}, {"q": "mar"}),
        ("persons", "admin", "persons:list", {}, {}),
        ("persons", "admin", "persons:list", {}, DEEP),
        ("persons", "admin", "persons:list", {}, "persons_middle"),
        ("persons", "admin", "persons:list", {}, {"q": "mar", "ordering": "-naissance"}),
        ("persons", "admin", "persons:list", {}, "persons_picard"),
        ("journal", "admin", "journal", {}, {}),
        ("journal", "admin", "journal", {}, DEEP),
        ("journal", "admin", "journal", {}, {"action": "login"}),
        ("cohorts", "travailleur", "unisvers:cohort_list", {}, {}),
        ("cohorts", "travailleur", "unisvers:cohort_list", {}, DEEP),
        ("cohorts", "travailleur", "unisvers:cohort_list", {}, {"year": year}),
        ("cohorts", "admin", "unisvers:cohort_list", {}, {}),
        ("cohorts", "admin", "unisvers:cohort_list", {}, DEEP),
        ("cohorts", "admin", "unisvers:cohort_list", {}, {"year": year, "ordering": "-inscrits"}),
        ("cohort participants", "travailleur", "unisvers:cohort_detail", "cohort", {}),
        ("testimonials", "travailleur", "unisvers:testimonial_list", {}, {}),
        ("testimonials", "travailleur", "unisvers:testimonial_list", {}, DEEP),
        (
            "testimonials",
            "travailleur",
            "unisvers:testimonial_list",
            {},
            {"publication_consent": "true"},
        ),
        ("events", "travailleur", "unisvers:event_list", {}, {}),
        ("events", "travailleur", "unisvers:event_list", {}, DEEP),
        ("events", "travailleur", "unisvers:event_list", {}, {"year": year}),
        ("workshops", "mediateur", "villages:workshop_list", {}, {}),
        ("workshops", "mediateur", "villages:workshop_list", {}, DEEP),
        ("workshops", "mediateur", "villages:workshop_list", {}, {"level": "debutant"}),
        ("sessions week", "mediateur", "villages:session_week", {}, "week"),
        ("sessions week", "admin", "villages:session_week", {}, "week"),
        ("sessions month", "mediateur", "villages:session_month", {}, "month"),
        ("sessions month", "admin", "villages:session_month", {}, "month"),
        ("sessions past", "mediateur", "villages:session_past", {}, {}),
        ("sessions past", "mediateur", "villages:session_past", {}, DEEP),
        ("sessions past", "mediateur", "villages:session_past", {}, "past_filter"),
        ("sessions past", "admin", "villages:session_past", {}, {}),
        ("sessions past", "admin", "villages:session_past", {}, DEEP),
        ("sessions past", "admin", "villages:session_past", {}, "past_middle"),
        ("sessions past", "admin", "villages:session_past", {}, "past_filter"),
        ("session registrations", "mediateur", "villages:session_detail", "session", {}),
        ("session check-in", "volontaire", "villages:session_checkin", "checkin_session", {}),
        ("helps", "mediateur", "villages:help_list", {}, {}),
        ("helps", "mediateur", "villages:help_list", {}, DEEP),
        ("helps", "mediateur", "villages:help_list", {}, "help_filter"),
        ("helps", "admin", "villages:help_list", {}, {}),
        ("helps", "admin", "villages:help_list", {}, DEEP),
        ("helps", "admin", "villages:help_list", {}, "helps_middle"),
        ("helps", "admin", "villages:help_list", {}, "help_filter"),
        ("helps", "admin", "villages:help_list", {}, "help_rare_theme"),
        ("bilans", "manager", "reporting:documents", {}, {}),
    ]


def _percentile(values, fraction):
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def _data_facts(users) -> dict:
    """Parameters read from the data: its year, the busiest week and month of the mediator's
    sites, the biggest cohort of the social worker's sites, the busiest session."""
    from django.db.models import Count, Max
    from django.db.models.functions import TruncMonth, TruncWeek
    from django.utils import timezone

    from ceis.models import Person
    from unisvers.models import Cohort
    from villages.models import IndividualHelp, Registration, Session, Workshop

    sessions = Session.objects.visible_to(users["mediateur"])
    year = (sessions.aggregate(last=Max("start"))["last"]).year
    week = (
        sessions.annotate(w=TruncWeek("start"))
        .values("w")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()["w"]
    )
    month = (
        sessions.annotate(m=TruncMonth("start"))
        .values("m")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()["m"]
    )
    cohort = (
        Cohort.objects.visible_to(users["travailleur"])
        .annotate(n=Count("enrollments"))
        .order_by("-n")
        .first()
    )

    def busiest(username):
        row = (
            Registration.objects.visible_to(users[username])
            .values("session")
            .annotate(n=Count("id"))
            .order_by("-n")
            .first()
        )
        return Session.objects.get(pk=row["session"]).public_id, row["n"]

    def sessions_past_of(user):
        return Session.objects.visible_to(user).filter(start__lt=timezone.now())

    def middle(rows):
        return {"page": str(max(1, math.ceil(rows.count() / 25) // 2))}

    admin = users["admin"]
    session, session_rows = busiest("mediateur")
    checkin_session, _ = busiest("volontaire")
    title = Workshop.objects.order_by("id").values_list("title", flat=True).first() or "a"
    return {
        "year": year,
        "week": {"semaine": week.date().isoformat()},
        "month": {"mois": f"{month:%Y-%m}"},
        "past_filter": {"q": title[:5].lower(), "date_from": f"{year}-06-01"},
        "help_filter": {
            "theme": "aide_aux_demarches_administratives",
            "date_from": f"{year}-06-01",
            "ordering": "nom",
        },
        # The GIN index serves a theme that few helps have (the one above is in most).
        "help_rare_theme": {"theme": "sante"},
        "persons_middle": middle(Person.objects.visible_to(admin)),
        # A surname whose persons sit together at P in the list's order: at 100× the walk
        # through the names in order read 108,000 of them before the first (docs/performance.md).
        "persons_picard": {"q": "Picard"},
        "helps_middle": middle(IndividualHelp.objects.visible_to(admin)),
        "past_middle": middle(sessions_past_of(admin)),
        "cohort": {"public_id": cohort.public_id},
        "session": {"public_id": session},
        "checkin_session": {"public_id": checkin_session},
        "cohort_rows": cohort.n,
        "session_rows": session_rows,
    }


def worker(requests: int) -> None:
    """Runs inside the dataset's process: prints one JSON line per measured page."""
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from ceis.models import User

    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=["travailleur", "mediateur", "volontaire", "manager", "admin"]
        )
    }
    facts = _data_facts(users)
    clients = {}
    for username, user in users.items():
        clients[username] = Client()
        clients[username].force_login(user)
    print(json.dumps({"facts": {k: str(v) for k, v in facts.items()}}), flush=True)
    for label, username, url_name, kwargs, params in _pages(facts["year"]):
        if isinstance(kwargs, str):
            kwargs = facts[kwargs]
        if isinstance(params, str):
            variant, params = VARIANTS.get(params, params), facts[params]
        else:
            variant = "last page" if params == DEEP else ("filtered" if params else "first page")
        url = reverse(url_name, kwargs=kwargs or None)
        client = clients[username]
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, params)
        # Read now: the next requests reset the connection's query log.
        query_count = len(queries)
        if response.status_code != 200:
            raise SystemExit(f"{url} {params}: HTTP {response.status_code}")
        times = []
        for _ in range(requests):
            started = time.perf_counter()
            client.get(url, params)
            times.append((time.perf_counter() - started) * 1000)
        print(
            json.dumps(
                {
                    "page": label,
                    "user": username,
                    "variant": variant,
                    "queries": query_count,
                    "median_ms": statistics.median(times),
                    "p95_ms": _percentile(times, 0.95),
                    "kb": len(response.content) / 1024,
                    "params": "&".join(f"{k}={v}" for k, v in params.items()),
                }
            ),
            flush=True,
        )


def run_dataset(url: str, requests: int) -> tuple[dict, list[dict]]:
    from bench.datasets import dataset_env

    env = dataset_env(url)
    env["DJANGO_SETTINGS_MODULE"] = SETTINGS
    result = subprocess.run(  # noqa: S603 (this very script, with fixed arguments)
        [sys.executable, __file__, "--worker", "--requests", str(requests)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if result.returncode:
        sys.stderr.write(result.stderr)
        raise SystemExit(f"the worker failed on {url}")
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    return lines[0]["facts"], lines[1:]


def print_table(title: str, facts: dict, rows: list[dict]) -> None:
    print(f"\n## {title}")
    print(
        f"year {facts['year']}; biggest cohort of `travailleur`: {facts['cohort_rows']} "
        f"participants; busiest session of `mediateur`: {facts['session_rows']} registrations"
    )
    print(
        f"\n| {'page':<22} | {'user':<11} | {'variant':<11} | {'queries':>7} | "
        f"{'median ms':>9} | {'p95 ms':>7} | {'KB':>6} |"
    )
    print(f"|{'-' * 24}|{'-' * 13}|{'-' * 13}|{'-' * 8}:|{'-' * 10}:|{'-' * 8}:|{'-' * 7}:|")
    for row in rows:
        flag = " ⚠" if row["queries"] > 12 else ""
        print(
            f"| {row['page']:<22} | {row['user']:<11} | {row['variant']:<11} | "
            f"{row['queries']:>7}{flag} | {row['median_ms']:>9.1f} | {row['p95_ms']:>7.1f} | "
            f"{row['kb']:>6.0f} |"
        )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=100)
    parser.add_argument("--engines", nargs="+", default=["postgresql", "sqlite"])
    parser.add_argument("--requests", type=int, default=20, help="timed requests per page")
    parser.add_argument("--url", help="measure this DATABASE_URL instead of a bench dataset")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(args.requests)
        return 0
    if args.url:
        targets = [(args.url, args.url)]
    else:
        from bench.datasets import ensure_dataset

        targets = [
            (f"{args.scale:g}× on {engine}", ensure_dataset(args.scale, engine))
            for engine in args.engines
        ]
    print(f"# List pages: {args.requests} timed requests per row (Django test client)")
    print(f"command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for title, url in targets:
        started = time.perf_counter()
        facts, rows = run_dataset(url, args.requests)
        print_table(title, facts, rows)
        print(f"\n({time.perf_counter() - started:.0f} s)")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    sys.exit(main())
