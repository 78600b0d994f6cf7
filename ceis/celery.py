"""The one Celery application of CEIS. Settings come from Django's, namespace `CELERY`."""

import os
from importlib import import_module

from celery import Celery
from celery.signals import task_postrun, task_prerun, worker_init
from django.db import close_old_connections

from .brokers import use_whole_message_filesystem_transport

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ceis.settings.local")

use_whole_message_filesystem_transport()
app = Celery("ceis")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect
@task_postrun.connect
def _close_old_database_connections(sender=None, **kwargs):
    """Around each task, as Django does around each request: the connection is kept for
    CONN_MAX_AGE (60 s in production) and checked before reuse (CONN_HEALTH_CHECKS), closed
    when it failed. Celery's own Django fixup closes it before and after every task instead
    (unless CELERY_DB_REUSE_MAX, set in the settings so that it leaves it to this): a new
    PostgreSQL session per task cost 23 ms of a 14 ms computation (a site's month at 100×),
    303 times per dashboard refresh. Not for tasks run eagerly (tests), inside the caller's
    transaction."""
    if sender is not None and getattr(sender.request, "is_eager", False):
        return
    close_old_connections()


@worker_init.connect
def _lower_the_worker_s_session_group(sender=None, **kwargs):
    """A worker started below the pages' priority (`nice`) stays below it when it runs in its
    own session (ceis/priority.py). In the worker's main process, before its pool starts."""
    from .priority import lower_session_group

    lower_session_group()


@app.on_after_configure.connect
def _create_filesystem_transport_folders(sender, **kwargs):
    """kombu's filesystem transport does not create its folders; make them on first use."""
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        folder = sender.conf.broker_transport_options.get(key)
        if folder:
            os.makedirs(folder, exist_ok=True)


def publishing_connection():
    """A broker connection for web requests (sending a job, the health check): short timeouts and
    no reconnection loop, so that a broker down or hanging costs a page at most
    CEIS_BROKER_PUBLISH_TIMEOUT (security.md row 25). kombu's defaults wait 6 s for a broker that
    refuses and forever for one that accepts and never answers; the workers keep those defaults."""
    from django.conf import settings

    timeout = settings.CEIS_BROKER_PUBLISH_TIMEOUT
    short = {"socket_timeout": timeout, "socket_connect_timeout": timeout, "max_retries": 0}
    return app.connection_for_write(connect_timeout=timeout, transport_options=short)


def registered_task(name: str):
    """The task registered under `name`. A service sends its app's tasks by name, so that the
    tasks module, which calls the services, is never imported by them (no import cycle)."""
    # A worker loads every tasks module at start; a web process loads the task's own module on
    # its first send (the name says which), without the loader's system checks.
    if name not in app.tasks:
        import_module(name.rpartition(".")[0])
    return app.tasks[name]


def send_quickly(task, *, args=(), **options) -> bool:
    """Send `task` (a task or its registered name) from a web request through
    `publishing_connection()`; False when the broker is down or hangs, so that the caller keeps
    its job waiting or failed instead of the page."""
    import logging

    from kombu.exceptions import OperationalError

    if isinstance(task, str):
        task = registered_task(task)
    try:
        with publishing_connection() as conn:
            task.apply_async(args=args, connection=conn, retry=False, **options)
    except (OperationalError, OSError):
        logging.getLogger(__name__).warning("Broker unreachable: %s not sent", task.name)
        return False
    return True
