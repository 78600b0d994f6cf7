"""A real Celery worker consumes a task from the configured broker (filesystem locally, Redis in CI)."""

import datetime
import time

import pytest
from django.utils import timezone

from ceis.choices import JournalAction
from ceis.models import JournalEntry
from ceis.tasks import journal_purge_task


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
