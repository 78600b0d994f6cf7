"""Production: every secret and every host name comes from the environment, with no default.

Passes `python manage.py check --deploy --fail-level WARNING` (security.md row 8).
"""

from .base import *  # noqa: F403
from .base import BASE_DIR, CEIS_PROCESS_ROLE, CEIS_WEB_STATEMENT_TIMEOUT, env, postgres_options

DEBUG = False
SECRET_KEY = env.str("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
DATABASES = {"default": env.db("DATABASE_URL")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The same options as the base settings (JIT off; gunicorn's processes get the statement
    # timeout): DATABASES is read again here, from the production environment.
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = postgres_options(
        _options.get("options", ""),
        role=CEIS_PROCESS_ROLE,
        statement_timeout=CEIS_WEB_STATEMENT_TIMEOUT,
    )
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL")
CEIS_FIELD_ENCRYPTION_KEYS = env.list("CEIS_FIELD_ENCRYPTION_KEYS")
CEIS_REQUIRE_2FA = env.bool("CEIS_REQUIRE_2FA", default=True)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Behind a reverse proxy that terminates TLS and sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Secure cookies always in production; only the CI smoke test, on plain HTTP to localhost,
# turns them off.
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_URL = env.email_url("EMAIL_URL", default="smtp://localhost:25")
EMAIL_HOST = EMAIL_URL["EMAIL_HOST"]
EMAIL_PORT = EMAIL_URL["EMAIL_PORT"]
EMAIL_HOST_USER = EMAIL_URL["EMAIL_HOST_USER"]
EMAIL_HOST_PASSWORD = EMAIL_URL["EMAIL_HOST_PASSWORD"]
EMAIL_USE_TLS = EMAIL_URL.get("EMAIL_USE_TLS", False)
# SMS through Brevo (CEIS_BREVO_API_KEY, docs/messages.md).
CEIS_SMS_BACKEND = env.str("CEIS_SMS_BACKEND", default="messaging.sms.BrevoSmsBackend")

# Celery: the worker logs through LOGGING below instead of its own format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE_FILENAME = env.str(
    "CELERY_BEAT_SCHEDULE_FILENAME", default=str(BASE_DIR / "var" / "celerybeat-schedule")
)

# Structured logs (one JSON object per line on stderr), without personal data: see
# ceis/logging.py. Request lines come from gunicorn's access log (gunicorn.conf.py).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "ceis.logging.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["console"], "level": env.str("CEIS_LOG_LEVEL", default="INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # Replaces Django's default handlers (console in DEBUG only, mail_admins): its records
        # reach the root handler above.
        "django": {"level": "INFO"},
    },
}
