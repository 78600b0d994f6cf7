"""Settings of `bench/list_bench.py` and `bench/pdf_bench.py`: the local settings (the datasets'
encryption key, SQLite or PostgreSQL from DATABASE_URL) with DEBUG off, as in production, so that
no query log or template debug information is kept while timing; plain static storage, so that
no collected manifest is needed to render `{% static %}`."""

import warnings

from ceis.settings.local import *  # noqa: F403
from ceis.settings.local import DATABASES, STORAGES

# whitenoise warns once that no static files were collected: they are not served here.
warnings.filterwarnings("ignore", message="No directory at")

DEBUG = False
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Another benchmark may be writing to the same dataset file: wait for its lock.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 60
