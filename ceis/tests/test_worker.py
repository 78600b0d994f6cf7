"""A real Celery worker consumes a task from the configured broker (filesystem locally, Redis in CI)."""

import datetime
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.utils import timezone

from ceis.celery import app
from ceis.choices import JournalAction
from ceis.models import JournalEntry
from ceis.tasks import journal_purge_task


@pytest.fixture
def live_worker(transactional_db):
    import celery.contrib.testing.tasks  # noqa: F401  (registers celery.ping, used by start_worker)

    app.conf.task_always_eager = False
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING"):
            yield
    finally:
        app.conf.task_always_eager = True


@pytest.mark.worker
def test_a_task_sent_through_the_broker_runs_on_a_real_worker(live_worker):
    old = timezone.now() - datetime.timedelta(days=400)
    JournalEntry.objects.create(action=JournalAction.VIEW, at=old)
    kept = JournalEntry.objects.create(action=JournalAction.VIEW)

    journal_purge_task.delay()

    deadline = time.monotonic() + 30
    while JournalEntry.objects.count() > 1 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert list(JournalEntry.objects.values_list("pk", flat=True)) == [kept.pk]
