"""The Celery workers keep their PostgreSQL session between tasks as Django keeps it between
requests (CONN_MAX_AGE), instead of Celery's default of a new session around every task."""

from contextlib import contextmanager

import pytest
from celery.signals import task_postrun, task_prerun
from django.db import connection

from ceis.celery import app
from ceis.tasks import journal_purge_task

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _closable_connection():
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("the test database in memory is never closed: PostgreSQL's suite runs this")


@contextmanager
def _task(eager=False):
    """A task as a worker (or, eager, as a caller) runs it: the signals around its body."""
    task = journal_purge_task
    task.push_request(is_eager=eager)
    try:
        task_prerun.send(sender=task, task_id="t", task=task, args=(), kwargs={})
        yield
        task_postrun.send(
            sender=task, task_id="t", task=task, args=(), kwargs={}, retval=None, state="SUCCESS"
        )
    finally:
        task.pop_request()


def _after_a_task(eager=False):
    with _task(eager):
        pass


def test_a_worker_keeps_its_connection_for_conn_max_age(monkeypatch):
    connection.close()
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 60)
    connection.ensure_connection()
    session = connection.connection
    _after_a_task()
    assert connection.connection is session  # the next task reuses it

    # A connection whose last query failed and no longer answers is closed after its task.
    monkeypatch.setattr(connection, "is_usable", lambda: False)
    connection.errors_occurred = True
    _after_a_task()
    assert connection.connection is None


def test_without_conn_max_age_the_connection_is_closed_after_each_task(monkeypatch):
    connection.close()
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 0)
    connection.ensure_connection()
    _after_a_task()
    assert connection.connection is None


def test_a_task_run_eagerly_leaves_the_callers_connection_alone(monkeypatch):
    connection.close()
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 0)
    connection.ensure_connection()
    session = connection.connection
    _after_a_task(eager=True)
    assert connection.connection is session


def test_celerys_own_fixup_leaves_the_connection_to_these_signals():
    # It closes the connection only every CELERY_DB_REUSE_MAX tasks (around every task without).
    assert app.conf.get("CELERY_DB_REUSE_MAX") == 1000
