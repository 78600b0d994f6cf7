"""Fault injection on report jobs (security.md row 25), run by CI's `-m faults` step.

- the broker hangs (a socket that accepts and never answers): "Générer", "Relancer" and the
  health check answer in under one second, the version waits with a French message, and the
  sweeper sends it once the broker is back;
- the worker is killed (SIGKILL) in the middle of a job, then restarted: at its time limit the
  page offers "Relancer", and the sweeper's requeue ends it "Prêt".
"""

import datetime
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from ceis.celery import app
from ceis.choices import Role
from reporting.choices import JobStatus
from reporting.indicators import compute_bilan
from reporting.models import BilanDocument, BilanVersion
from reporting.services import bilan_document_create, bilan_versions_sweep

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def hanging_broker():
    """A Redis URL whose server accepts connections and never says a word. It hangs up after
    10 s, so that a client without timeouts fails this test instead of hanging the run."""
    server = socket.create_server(("127.0.0.1", 0))
    accepted = []
    stop = threading.Event()

    def accept():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                conn = server.accept()[0]
            except TimeoutError:
                continue
            accepted.append(conn)
            hang_up = threading.Timer(10, conn.close)
            hang_up.daemon = True
            hang_up.start()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"redis://127.0.0.1:{server.getsockname()[1]}/0", accepted
    stop.set()
    thread.join()
    for conn in accepted:
        conn.close()
    server.close()


def _document(client, site) -> BilanDocument:
    """Last year's bilan of `site`, its texts written from its figures: these tests are about
    its PDF (creating it through the page waits for the dashboard's worker first:
    test_bilan_document_pending.py)."""
    year = timezone.localdate().year - 1
    date_from, date_to = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    return bilan_document_create(
        user=client.user,
        date_from=date_from,
        date_to=date_to,
        site=site,
        bilan=compute_bilan(date_from=date_from, date_to=date_to, site=site),
    )


def _timed_post(client, url) -> tuple[float, object]:
    started = time.monotonic()
    response = client.post(url)
    return time.monotonic() - started, response


def _wait_for(version, statuses, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        version.refresh_from_db()
        if version.status in statuses:
            return version
        time.sleep(0.2)
    return version


def test_with_the_broker_hanging_generer_answers_in_under_a_second_and_the_job_waits(
    live_worker, hanging_broker, client_for, site, monkeypatch
):
    client = client_for(Role.MANAGER)
    document = _document(client, site)
    url, accepted = hanging_broker

    with monkeypatch.context() as broken:
        # Where the web process sends its jobs (Celery reads it at each new connection).
        broken.setenv("CELERY_BROKER_WRITE_URL", url)
        elapsed, response = _timed_post(
            client, reverse("reporting:generate", args=[document.public_id])
        )
        assert response.status_code == 302
        assert elapsed < 1.0, f"« Générer » a mis {elapsed:.2f} s"
        assert accepted, "the request did reach the hanging broker"
        version = BilanVersion.objects.get()
        assert (version.status, version.sent_at) == (JobStatus.PENDING, None)

        page = client.get(document.get_absolute_url()).content.decode()
        assert "ne répond pas pour l&#x27;instant" in page
        assert "la demande est gardée" in page
        assert "Relancer" in page

        retry = reverse("reporting:version_retry", args=[version.public_id])
        elapsed, response = _timed_post(client, retry)
        assert elapsed < 1.0, f"« Relancer » a mis {elapsed:.2f} s"
        version.refresh_from_db()
        assert (version.status, version.sent_at) == (JobStatus.PENDING, None)

        # The monitors' health check says so, in under a second too.
        started = time.monotonic()
        health = client.get(reverse("healthz"))
        elapsed = time.monotonic() - started
        assert elapsed < 1.0, f"/healthz a mis {elapsed:.2f} s"
        assert (health.status_code, health.json()["broker"]) == (503, "ko")

    # The broker is back: the sweeper (beat, every two minutes) sends the waiting version.
    later = timezone.now() + datetime.timedelta(minutes=1)
    assert bilan_versions_sweep(now=later) == {"sent": 1, "requeued": 0, "failed": 0}
    version = _wait_for(version, {JobStatus.READY, JobStatus.FAILED}, 60)
    assert version.status == JobStatus.READY, version.error
    assert version.pdf.read(4) == b"%PDF"


def _database_url() -> str:
    """The test database, for the worker process: PostgreSQL, or SQLite's file (a run that
    selects `faults` tests puts it in a file, see conftest.py)."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        name = str(db["NAME"])
        if not Path(name).is_absolute():
            pytest.skip("the SQLite test database is in memory: no other process can open it")
        return f"sqlite:///{name}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


def _start_worker(log: Path, *, render_delay: float) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ceis.settings.test",
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "CEIS_CELERY_DATA_DIR": str(settings.CELERY_DATA_DIR),
        "CEIS_TEST_RENDER_DELAY": str(render_delay),
        "CEIS_TEST_FILES_OF": str(os.getpid()),  # its PDFs where this process reads them
    }
    return subprocess.Popen(
        [sys.executable, str(ROOT / "reporting" / "tests" / "worker_process.py")],
        cwd=ROOT,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,  # SIGKILL goes to its whole group
    )


def _kill(worker: subprocess.Popen, sig=signal.SIGKILL) -> None:
    if worker.poll() is None:
        os.killpg(worker.pid, sig)
        worker.wait(timeout=20)


def _drop_unacked(version_pk: int) -> None:
    """On Redis the killed worker's message stays in kombu's "unacked" hash, redelivered after
    the visibility timeout (1 h) to whichever worker then reads this broker database: dropped, so
    that it can never build a version of a later run that got the same id."""
    if not settings.CELERY_BROKER_URL.startswith("redis"):
        return  # the filesystem transport lost the message with the worker
    import redis

    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    for tag, raw in client.hgetall("unacked").items():
        headers = json.loads(raw)[0]["headers"]
        if headers.get("task") == "reporting.tasks.generate_bilan_pdf" and headers.get(
            "argsrepr"
        ) == repr([version_pk]):
            client.hdel("unacked", tag)
            client.zrem("unacked_index", tag)


def test_a_worker_killed_mid_job_leaves_a_version_that_ends_ready_after_its_limit(
    client_for, site, settings, tmp_path
):
    from ceis.roles import sync_all_role_groups

    sync_all_role_groups()  # a transactional test flushed the role groups of the migrations
    limit = 8
    settings.CEIS_REPORT_JOB_TIME_LIMIT = limit
    app.conf.task_always_eager = False
    client = client_for(Role.MANAGER)
    document = _document(client, site)
    log = tmp_path / "worker.log"
    first = _start_worker(log, render_delay=60)
    second = None
    try:
        client.post(reverse("reporting:generate", args=[document.public_id]))
        version = BilanVersion.objects.get()
        assert version.sent_at is not None
        version = _wait_for(version, {JobStatus.RUNNING}, 30)
        assert version.status == JobStatus.RUNNING, log.read_text()
        _kill(first)
        second = _start_worker(log, render_delay=0)

        time.sleep(0.5)
        version.refresh_from_db()
        assert version.status == JobStatus.RUNNING  # nobody will finish it
        past_limit = version.started_at + datetime.timedelta(seconds=limit)
        while timezone.now() <= past_limit:
            time.sleep(0.2)
        row = client.get(reverse("reporting:version_status", args=[version.public_id]))
        row = row.content.decode()
        assert "Le traitement dépasse sa durée maximale" in row
        assert "Relancer" in row

        # What beat does every two minutes: the requeue goes to the restarted worker.
        assert bilan_versions_sweep() == {"sent": 0, "requeued": 1, "failed": 0}
        version = _wait_for(version, {JobStatus.READY, JobStatus.FAILED}, 40)
        assert version.status == JobStatus.READY, version.error or log.read_text()
        assert (version.attempts, version.requeues) == (2, 1)
        assert version.pdf.read(4) == b"%PDF"
        # Written by the restarted worker, not left by an earlier test under the same name.
        assert Path(version.pdf.path).stat().st_mtime >= version.started_at.timestamp()
    finally:
        app.conf.task_always_eager = True
        _kill(first)
        if second is not None:
            _kill(second, signal.SIGTERM)
        for pk in BilanVersion.objects.values_list("pk", flat=True):
            _drop_unacked(pk)
