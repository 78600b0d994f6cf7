"""Benchmark of the garbage collector's pauses in a web worker, with and without `freeze_heap`.

    .venv/bin/python bench/gc_bench.py                        # 100× PostgreSQL, 5 rounds
    .venv/bin/python bench/gc_bench.py --rounds 6 --requests 700
    .venv/bin/python bench/gc_bench.py --url postgres://postgres@127.0.0.1:5432/ceis_dev

Each run is a new process standing in for one gunicorn worker (settings `bench.list_settings`:
DEBUG off) on the dataset of `bench/datasets.py` (built once if missing): it pays the warm-up of
gunicorn.conf.py's `post_worker_init` (`ceis.warmup.warm_up`), then, in the « freeze » runs
only, `ceis.warmup.freeze_heap`, and serves `--requests` requests through Django's test client,
cycling through pages of the load test's journeys (the social worker's home page, cohorts, a
cohort, a participant, the person list and its search; the mediator's helps, new help and free
access counter). The two kinds of run alternate, « plain » first, `--rounds` times.

Printed per run: the full collections (generation 2) Python made during the requests, their
total and longest pause, measured by `gc.callbacks`; the requests' median, p99 and slowest time
(ms, wall clock); the objects the collector tracks at the end. Then the medians of the runs of
each kind. A full collection walks every tracked object: the request that triggers it pays the
pause on top of its own time.
"""

import argparse
import gc
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
KINDS = ("plain", "freeze")


def _percentile(values: list[float], fraction: float) -> float:
    """Nearest rank, as bench/load_test.py computes its percentiles."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def _pages():
    """(client, URL) of the journeys, logged in as the roles' demo users."""
    from django.test import Client

    from ceis.models import User
    from unisvers.models import Cohort, Enrollment

    worker = User.objects.get(username="travailleur")
    mediator = User.objects.get(username="mediateur")
    cohorts = list(
        Cohort.objects.filter(referents=worker).order_by("pk").values_list("public_id", flat=True)
    )[:3]
    people = list(
        Enrollment.objects.filter(cohort__public_id__in=cohorts)
        .order_by("pk")
        .values_list("person__public_id", flat=True)[:3]
    )
    social, digital = Client(), Client()
    social.force_login(worker)
    digital.force_login(mediator)
    pages = [
        (social, "/"),
        (social, "/unisvers/"),
        (social, "/personnes/"),
        (social, "/personnes/?q=mar"),
        (digital, "/villages/accompagnements/"),
        (digital, "/villages/accompagnements/nouveau/"),
        (digital, "/villages/accueil-libre/"),
    ]
    pages += [(social, f"/unisvers/promotions/{public_id}/") for public_id in cohorts]
    pages += [(social, f"/unisvers/participants/{public_id}/") for public_id in people]
    return pages


def worker(kind: str, requests: int) -> None:
    import django

    django.setup()
    from ceis.warmup import freeze_heap, warm_up

    warm_up()
    pages = _pages()
    if kind == "freeze":
        freeze_heap()
    pauses, started = [], []

    def on_collection(phase, info):
        if info["generation"] != 2:
            return
        if phase == "start":
            started.append(time.perf_counter())
        else:
            pauses.append((time.perf_counter() - started.pop()) * 1000)

    gc.callbacks.append(on_collection)
    times = []
    for index in range(requests):
        client, url = pages[index % len(pages)]
        began = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - began) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}")
    gc.callbacks.remove(on_collection)
    print(
        json.dumps(
            {
                "collections": len(pauses),
                "pause_total": sum(pauses),
                "pause_max": max(pauses, default=0.0),
                "median": statistics.median(times),
                "p99": _percentile(times, 0.99),
                "max": max(times),
                "tracked": len(gc.get_objects()),
            }
        ),
        flush=True,
    )


def run(url: str, kind: str, requests: int) -> dict:
    from bench.datasets import dataset_env

    env = dataset_env(url)
    env["DJANGO_SETTINGS_MODULE"] = SETTINGS
    command = [sys.executable, __file__, "--worker", kind, "--requests", str(requests)]
    result = subprocess.run(  # noqa: S603 (this very script, with fixed arguments)
        command, env=env, cwd=ROOT, capture_output=True, text=True
    )
    if result.returncode:
        sys.stderr.write(result.stderr)
        raise SystemExit(f"the {kind} worker failed on {url}")
    return json.loads(result.stdout.strip().splitlines()[-1])


COLUMNS = (
    ("collections", "full collections", "{:.0f}"),
    ("pause_total", "their pauses, ms", "{:.0f}"),
    ("pause_max", "longest pause, ms", "{:.0f}"),
    ("median", "request median, ms", "{:.1f}"),
    ("p99", "request p99, ms", "{:.1f}"),
    ("max", "slowest request, ms", "{:.1f}"),
    ("tracked", "objects tracked", "{:.0f}"),
)


def _row(label: str, values: dict) -> str:
    cells = " | ".join(fmt.format(values[key]) for key, _, fmt in COLUMNS)
    return f"| {label} | {cells} |"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=100)
    parser.add_argument("--engine", default="postgresql", choices=["postgresql", "sqlite"])
    parser.add_argument("--rounds", type=int, default=5, help="runs of each kind, alternated")
    parser.add_argument("--requests", type=int, default=700, help="requests per run")
    parser.add_argument("--url", help="measure this DATABASE_URL instead of a bench dataset")
    parser.add_argument("--worker", choices=KINDS, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(args.worker, args.requests)
        return 0
    from bench.datasets import ensure_dataset

    url = args.url or ensure_dataset(args.scale, args.engine)
    print(
        f"# Garbage collector in a web worker: {args.requests} requests per run, "
        f"{args.rounds} runs of each kind, alternated"
    )
    print(f"command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}\n")
    print(f"| run | {' | '.join(title for _, title, _ in COLUMNS)} |")
    print(f"|---|{'---:|' * len(COLUMNS)}")
    results = {kind: [] for kind in KINDS}
    for round_number in range(1, args.rounds + 1):
        for kind in KINDS:
            values = run(url, kind, args.requests)
            results[kind].append(values)
            print(_row(f"{kind} {round_number}", values), flush=True)
    for kind in KINDS:
        medians = {key: statistics.median(r[key] for r in results[kind]) for key, _, _ in COLUMNS}
        print(_row(f"**{kind}, median of {args.rounds}**", medians))
    print(f"\nload average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
