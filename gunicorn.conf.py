"""gunicorn settings for CEIS (`gunicorn -c gunicorn.conf.py`), all from the environment.

GUNICORN_BIND            address to listen on (default 127.0.0.1:8000; a reverse proxy in front)
GUNICORN_WORKERS         worker processes (default 2 x CPU count + 1, at most 12)
GUNICORN_THREADS         threads per worker (default 1)
GUNICORN_TIMEOUT         seconds before a silent worker is killed and replaced (default 60)
GUNICORN_GRACEFUL_TIMEOUT  seconds given to running requests on restart or stop (default 30)
GUNICORN_KEEPALIVE       seconds a keep-alive connection waits (default 5)
GUNICORN_MAX_REQUESTS    requests after which a worker is replaced (default 1000, 0 = never)
FORWARDED_ALLOW_IPS      proxies trusted for X-Forwarded-* headers (read by gunicorn itself)
CEIS_LOG_LEVEL           log level (default info)

Logs go to standard output/error as one JSON object per line (ceis.logging.JsonFormatter). The
access log keeps method, path without query string, status, size and duration: no client
address, user agent or referer.
"""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


# gunicorn serves production; ceis/wsgi.py alone would fall back to the local settings.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ceis.settings.production")
# The settings give the web processes' database connections a statement_timeout below `timeout`
# (CEIS_WEB_STATEMENT_TIMEOUT); the Celery workers, started otherwise, keep their own limits.
os.environ["CEIS_PROCESS_ROLE"] = "web"
wsgi_app = "ceis.wsgi:application"
bind = os.environ.get("GUNICORN_BIND") or "127.0.0.1:8000"
workers = _int("GUNICORN_WORKERS", min(2 * multiprocessing.cpu_count() + 1, 12))
threads = _int("GUNICORN_THREADS", 1)
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
max_requests = _int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = max_requests // 10
# Workers write their heartbeat in memory, not on a possibly slow disk.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108
loglevel = (os.environ.get("CEIS_LOG_LEVEL") or "info").lower()
proc_name = "ceis-web"
# gunicorn's control socket (gunicornc) is not used: one less file shared between instances.
control_socket_disable = True

WARMED_UP = "Worker warmed up"


def post_fork(server, worker):
    """Each worker in its own scheduling group, weighing as much as a database backend
    (ceis/priority.py)."""
    from ceis.priority import own_session_group

    if own_session_group():
        worker.log.debug("Worker %s in its own session", worker.pid)


def post_worker_init(worker):
    """Pay the worker's one-time costs (the URL configuration, the templates: ceis/warmup.py)
    before it takes its first request, then set what it holds aside from the garbage
    collector's full passes (`freeze_heap`). A failure of either is logged and the worker
    serves anyway: its pages then pay those costs themselves, as before."""
    try:
        from ceis.warmup import warm_up

        done = warm_up()
    except Exception:  # never keep a worker from serving
        worker.log.exception("Worker warm-up failed; its first requests will be slower")
        done = None
    try:
        from ceis.warmup import freeze_heap

        frozen = freeze_heap()
    except Exception:
        worker.log.exception("Setting the worker's objects aside from the collector failed")
        frozen = 0
    if done is not None:
        worker.log.info(
            f"{WARMED_UP}: {done['templates']} templates in {done['seconds']} s, "
            f"{frozen} objects set aside from the garbage collector"
        )


# The message uses only these atoms; ceis.logging.JsonFormatter writes them as fields.
access_log_format = "%(m)s %(U)s %(s)s %(M)sms"
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "ceis.logging.JsonFormatter"}},
    "handlers": {
        "access": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "stream": "ext://sys.stdout",
        },
        "error": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "stream": "ext://sys.stderr",
        },
    },
    "root": {"level": loglevel.upper(), "handlers": ["error"]},
    "loggers": {
        "gunicorn.error": {"level": loglevel.upper(), "handlers": ["error"], "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": ["access"], "propagate": False},
    },
}
