"""Test settings: fast hashing, eager Celery (the `worker` tests switch it off), local memory."""

import os
from pathlib import Path

from .base import *  # noqa: F403
from .base import BASE_DIR, CELERY_BROKER_URL, broker_transport_options, env

SECRET_KEY = "ceis-test-only-not-a-secret-9c8b7a6d5e4f3"  # noqa: S105
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
# One folder per test process: two runs on one checkout must not take each other's tasks.
CELERY_DATA_DIR = Path(
    env.str(
        "CEIS_CELERY_DATA_DIR", default=str(BASE_DIR / "var" / "celery-test" / str(os.getpid()))
    )
)
CELERY_BROKER_TRANSPORT_OPTIONS = broker_transport_options(CELERY_BROKER_URL, CELERY_DATA_DIR)
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")) and os.environ.get(
    "PYTEST_XDIST_WORKER"
):
    # On Redis, each pytest-xdist worker has its own keys (queues): the real worker of one test
    # process never takes a task sent by the other's tests, to run it on the wrong database.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "global_keyprefix": f"ceis-test-{os.environ['PYTEST_XDIST_WORKER']}:"
    }
# One folder per test process too (`make test` runs two pytest-xdist workers): a test never sees
# the files of a test running beside it. A worker process a test starts (the fault tests that
# kill one: reporting/tests/test_job_faults.py) is given that test process's PID
# (`CEIS_TEST_FILES_OF`), so that the PDF it writes is where the test reads it.
_FILES_OF = os.environ.get("CEIS_TEST_FILES_OF") or str(os.getpid())
MEDIA_ROOT = BASE_DIR / "var" / "test-media" / _FILES_OF
CEIS_DOCUMENTS_ROOT = BASE_DIR / "var" / "test-documents" / _FILES_OF
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CEIS_DEMO_ALLOWED = True
# Tests never collect static files; whitenoise serves them from the finders.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
# A public key for test use only, never for real data.
CEIS_FIELD_ENCRYPTION_KEYS = env.list(
    "CEIS_FIELD_ENCRYPTION_KEYS", default=["dGVzdC1vbmx5LWtleS1ub3QtYS1zZWNyZXQtMTIzNDU="]
)
# Every test sees the figures of its own data: a dashboard result is recomputed at each visit
# unless a test gives it an age.
CEIS_DASHBOARD_MAX_AGE = 0
CEIS_DASHBOARD_REFRESH_SECONDS = 0
# SMS of the file backend in one folder per test process.
CEIS_SMS_DIR = BASE_DIR / "var" / "test-sms" / str(os.getpid())
CEIS_MESSAGES_WEBHOOK_SECRET = "webhook-test-secret"  # noqa: S105
