"""The embedded default: `make run` on a laptop. SQLite, filesystem broker, console e-mail."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env.str("SECRET_KEY", default="ceis-local-only-not-a-secret-5b1f2c9e8d7a6")
CEIS_DEMO_ALLOWED = True
# A public key for local use only, never for real data.
CEIS_FIELD_ENCRYPTION_KEYS = env.list(
    "CEIS_FIELD_ENCRYPTION_KEYS", default=["bG9jYWwtZGV2ZWxvcG1lbnQta2V5LW5vdC1zZWNyZXQ="]
)
