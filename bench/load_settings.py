"""The production settings, with the static files collected into the load test's own folder.

`bench/load_test.py` runs gunicorn with these settings: everything comes from
`ceis.settings.production` (DEBUG off, database sessions, whitenoise, axes, CSP…); the only
change is STATIC_ROOT, so that `collectstatic` never touches the project's `var/staticfiles`.
"""

import os
from pathlib import Path

from ceis.settings.production import *  # noqa: F403

STATIC_ROOT = Path(os.environ["CEIS_BENCH_STATIC_ROOT"])
