"""Settings shared by every environment.

Values come from the environment through django-environ; each environment module
(`local`, `test`, `production`) only states what differs. Nothing here reads a secret
with a default that production could inherit: `production` re-reads them without one.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from kombu import Exchange, Queue

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_htmx",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_static",
    "ceis",
    "documents",
    "messaging",
    "unisvers",
    "villages",
    "appointments",
    "coordination",
    "reporting",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "ceis.middleware.SessionLimitsMiddleware",
    "ceis.middleware.RequireSecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "ceis.middleware.NoStoreForAuthenticatedMiddleware",
    # Last, so that it sees the failures of everything above it.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ceis.urls"
WSGI_APPLICATION = "ceis.wsgi.application"
ASGI_APPLICATION = "ceis.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ceis.context_processors.ceis",
            ],
        },
    },
]


def postgres_options(options: str, *, role: str, statement_timeout: int) -> str:
    """libpq `options` of the application's PostgreSQL connections.

    PostgreSQL's JIT compiles the bilan's large aggregates for longer than they run (4× slower
    at 10×, bench/bilan_bench.py): off for every connection. In the web processes (role "web",
    set by gunicorn.conf.py) no query outlives gunicorn's timeout: PostgreSQL cancels it after
    `statement_timeout` seconds and the request fails alone instead of its worker being killed.
    The Celery workers and the commands keep their own limits (the tasks' time limits)."""
    options = f"{options} -c jit=off".strip()
    if role == "web" and statement_timeout:
        options += f" -c statement_timeout={statement_timeout * 1000}"
    return options


DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# "web" in the processes gunicorn starts (gunicorn.conf.py); empty elsewhere (workers, commands).
CEIS_PROCESS_ROLE = env.str("CEIS_PROCESS_ROLE", default="")
# Seconds; 10 s below gunicorn's timeout (GUNICORN_TIMEOUT, default 60), 0 for none.
CEIS_WEB_STATEMENT_TIMEOUT = env.int(
    "CEIS_WEB_STATEMENT_TIMEOUT", default=max(env.int("GUNICORN_TIMEOUT", default=60) - 10, 1)
)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = postgres_options(
        _options.get("options", ""),
        role=CEIS_PROCESS_ROLE,
        statement_timeout=CEIS_WEB_STATEMENT_TIMEOUT,
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default serves several users at once (security.md row 24): WAL lets readers
    # work while one writes; a writer waits up to 20 s for the lock instead of failing with
    # "database is locked"; IMMEDIATE takes the write lock when a transaction starts, so that
    # two transactions never deadlock upgrading a read to a write (which no timeout can wait out).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "ceis.User"
AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses a locked-out username+IP before the password is even checked.
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend reading a user's permissions in one query instead of two.
    "ceis.backends.PermissionBackend",
]
# Argon2 first, as Django recommends, with OWASP's parameters (ceis/hashers.py); a PBKDF2 hash
# is rehashed with it at the user's next login.
PASSWORD_HASHERS = [
    "ceis.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sessions (security.md row 6): in the database, 30 minutes idle, 12 hours at most; saved on
# every request in one query (ceis/sessions.py).
SESSION_ENGINE = "ceis.sessions"
CEIS_SESSION_IDLE_TIMEOUT = timedelta(minutes=30)
CEIS_SESSION_MAX_AGE = timedelta(hours=12)
SESSION_COOKIE_AGE = int(CEIS_SESSION_IDLE_TIMEOUT.total_seconds())
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Two-factor authentication for managers and admins (security.md row 7); on in production.
CEIS_REQUIRE_2FA = env.bool("CEIS_REQUIRE_2FA", default=False)

# Brute force (security.md row 5): database counters, 5 failures per username+IP, 30 minutes.
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_HTTP_RESPONSE_CODE = 429
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_USERNAME_FORM_FIELD = "username"
AXES_VERBOSE = False
# Logins are in the access journal (security.md row 4), purged after 12 months; axes' own log
# of every login (address, browser) was a second copy that nothing purged.
AXES_DISABLE_ACCESS_LOG = True
# The address that counts is the client's, not the proxy's (security.md row 23). The documented
# nginx overwrites X-Forwarded-For with the address it sees (deploy/nginx/ceis.conf); each further
# proxy in front of it appends one address. The variable is the number of those proxies; behind
# them only X-Forwarded-For is read, so a header the client sends itself (X-Real-IP, Forwarded…)
# never chooses the address; with no proxy only the connection's address is read.
CEIS_REVERSE_PROXIES = env.int("AXES_IPWARE_PROXY_COUNT", default=0)
if CEIS_REVERSE_PROXIES:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR"]
    AXES_IPWARE_PROXY_COUNT = CEIS_REVERSE_PROXIES - 1  # ipware counts the proxies in the header
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]
    AXES_IPWARE_PROXY_COUNT = None

# Content Security Policy (security.md row 8): no inline script, nothing from another origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

LANGUAGE_CODE = "fr-fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]
# French dates, times and numbers as docs/ux.md writes them (ceis/formats/fr/formats.py).
FORMAT_MODULE_PATH = ["ceis.formats"]
# Every form's empty select choice reads "Choisir…" (ceis/form_renderer.py).
FORM_RENDERER = "ceis.form_renderer.FormRenderer"

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env.str("CEIS_MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))
# Size cap of uploads (data packages, referral lists), in bytes (security.md row 13).
CEIS_UPLOAD_MAX_BYTES = env.int("CEIS_UPLOAD_MAX_BYTES", default=50 * 1024 * 1024)
# Documents attached to persons (documents/): a private folder, never served by the web server
# (read only through the checked download view), and their size limit.
CEIS_DOCUMENTS_ROOT = Path(
    env.str("CEIS_DOCUMENTS_ROOT", default=str(BASE_DIR / "var" / "documents"))
)
CEIS_DOCUMENT_MAX_BYTES = env.int("CEIS_DOCUMENT_MAX_BYTES", default=10 * 1024 * 1024)
# An upload never confirmed is deleted after this many hours (ceis/uploads.py, beat daily).
CEIS_UPLOAD_MAX_AGE_HOURS = env.int("CEIS_UPLOAD_MAX_AGE_HOURS", default=24)
# Bounds checked before an upload is parsed (security.md row 21, docs/data-package.md): a zip's
# number of files, total size once decompressed, and expansion ratio (decompressed ÷ compressed,
# checked beyond 1 Mo); the rows (a package's files taken together) and columns of a sheet.
CEIS_UPLOAD_ZIP_MAX_MEMBERS = env.int("CEIS_UPLOAD_ZIP_MAX_MEMBERS", default=100)
CEIS_UPLOAD_ZIP_MAX_UNCOMPRESSED_BYTES = env.int(
    "CEIS_UPLOAD_ZIP_MAX_UNCOMPRESSED_BYTES", default=100 * 1024 * 1024
)
CEIS_UPLOAD_ZIP_MAX_RATIO = env.int("CEIS_UPLOAD_ZIP_MAX_RATIO", default=100)
CEIS_UPLOAD_MAX_ROWS = env.int("CEIS_UPLOAD_MAX_ROWS", default=200_000)
CEIS_UPLOAD_MAX_COLUMNS = env.int("CEIS_UPLOAD_MAX_COLUMNS", default=100)
# A file of more rows than this is imported by a Celery job with its progress, never inside the
# request (ceis/imports/).
CEIS_IMPORT_ASYNC_ROWS = env.int("CEIS_IMPORT_ASYNC_ROWS", default=5000)
# Uploaded files are never served at a public URL: views stream them after a permission check.
MEDIA_URL = None
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="CEIS <ne-pas-repondre@ceis.invalid>")
# A mail server that hangs must not hold a request (invitations, password resets): 10 s at most.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)

# Celery, wired in ceis/celery.py (namespace CELERY). The embedded default is kombu's
# filesystem transport: a real worker with no server to install.
CELERY_DATA_DIR = Path(env.str("CEIS_CELERY_DATA_DIR", default=str(BASE_DIR / "var" / "celery")))
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://localhost//")


def broker_transport_options(broker_url: str, data_dir: Path) -> dict:
    """Folders of kombu's filesystem transport (ignored by the other transports)."""
    if not broker_url.startswith("filesystem://"):
        return {}
    queue = str(data_dir / "queue")
    return {
        "data_folder_in": queue,
        "data_folder_out": queue,
        "processed_folder": str(data_dir / "processed"),
        "control_folder": str(data_dir / "control"),
        "store_processed": False,
    }


CELERY_BROKER_TRANSPORT_OPTIONS = broker_transport_options(CELERY_BROKER_URL, CELERY_DATA_DIR)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Celery's Django fixup closes the database connection after this many tasks only (it closed it
# around every task); ceis/celery.py closes it as Django does after a request (CONN_MAX_AGE).
CELERY_DB_REUSE_MAX = 1000
CELERY_TASK_TIME_LIMIT = 15 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 14 * 60
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "journal-purge": {"task": "ceis.tasks.journal_purge_task", "schedule": 24 * 60 * 60},
    "uploads-purge": {"task": "ceis.tasks.uploads_purge_task", "schedule": 24 * 60 * 60},
    "submissions-purge": {"task": "ceis.tasks.submissions_purge_task", "schedule": 24 * 60 * 60},
    # Files of documents whose row was rolled back (documents/storage.py).
    "documents-orphans-purge": {
        "task": "documents.tasks.orphan_documents_purge_task",
        "schedule": 24 * 60 * 60,
    },
    "retention-review": {
        "task": "ceis.tasks.retention_review_task",
        "schedule": crontab(hour=6, minute=0, day_of_week="mon"),
    },
    "followup-reminders": {
        "task": "unisvers.tasks.followup_reminders_task",
        "schedule": crontab(hour=7, minute=30, day_of_week="mon"),
    },
    # Report versions whose worker died, or that the broker did not take: requeued or failed.
    "bilan-versions-sweep": {"task": "reporting.tasks.sweep_bilan_versions", "schedule": 120},
    # The dashboard's figures: this year, last year, this month (every site, all sites) and
    # whatever data changes made stale, computed ahead of the pages.
    "dashboard-refresh": {"task": "reporting.tasks.refresh_dashboard_results", "schedule": 60},
    # Messages due (reminders, SMS held by the quiet hours, retries): every 5 minutes.
    "messages-due": {"task": "messaging.tasks.send_due_messages", "schedule": 5 * 60},
}
CELERY_TASK_ALWAYS_EAGER = False
# PDFs have their own queue, so that a slow WeasyPrint run never delays the other tasks; a
# worker started without -Q consumes both queues (make run, the tests' worker).
CELERY_TASK_QUEUES = (
    Queue("celery", Exchange("celery"), routing_key="celery"),
    Queue("pdf", Exchange("pdf"), routing_key="pdf"),
)
CELERY_TASK_ROUTES = {"reporting.tasks.generate_bilan_pdf": {"queue": "pdf"}}
# A bilan PDF job is killed past this many seconds; a version "en cours" for longer has lost its
# worker, and is requeued once or offered "Relancer" (security.md row 25).
CEIS_REPORT_JOB_TIME_LIMIT = env.int("CEIS_REPORT_JOB_TIME_LIMIT", default=300)
# How long a web request waits for the broker when it sends a job (connect and each reply); past
# it the job waits "en attente" and the sweeper sends it later, so a page never hangs on the broker.
CEIS_BROKER_PUBLISH_TIMEOUT = env.float("CEIS_BROKER_PUBLISH_TIMEOUT", default=0.5)

# In memory per process by default; production sets CACHE_URL=redis://… so that every web process
# shares it.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
# The dashboard's figures are computed by a Celery task per period and site, never in a request
# (reporting/dashboard.py). After a data change they are recomputed at most once per
# REFRESH_SECONDS; any result older than MAX_AGE seconds is recomputed (changes that send no
# signal: bulk imports); a computation is killed past JOB_TIME_LIMIT seconds; the results of
# periods nobody asked for in KEEP_DAYS days are forgotten.
CEIS_DASHBOARD_REFRESH_SECONDS = env.int("CEIS_DASHBOARD_REFRESH_SECONDS", default=60)
CEIS_DASHBOARD_MAX_AGE = env.int("CEIS_DASHBOARD_MAX_AGE", default=3600)
CEIS_DASHBOARD_JOB_TIME_LIMIT = env.int("CEIS_DASHBOARD_JOB_TIME_LIMIT", default=600)
CEIS_DASHBOARD_KEEP_DAYS = env.int("CEIS_DASHBOARD_KEEP_DAYS", default=7)
# Seconds between two of the refresh's precomputations (reporting.dashboard): 303 results of
# 100 sites are spread over 76 s instead of taking both cores at once; pages never wait for them.
CEIS_DASHBOARD_PRECOMPUTE_SPACING = env.float("CEIS_DASHBOARD_PRECOMPUTE_SPACING", default=0.25)

# The access journal keeps 12 months (CNIL 2021-122 recommends 6 to 12).
CEIS_JOURNAL_RETENTION_DAYS = env.int("CEIS_JOURNAL_RETENTION_DAYS", default=365)

# Messages to the people served (messaging/, docs/messages.md). E-mails go through EMAIL_BACKEND;
# SMS through CEIS_SMS_BACKEND: the file backend writes them under CEIS_SMS_DIR (make run), the
# Brevo backend posts them to Brevo's transactional SMS API (production).
CEIS_SMS_BACKEND = env.str("CEIS_SMS_BACKEND", default="messaging.sms.FileSmsBackend")
CEIS_SMS_DIR = Path(env.str("CEIS_SMS_DIR", default=str(BASE_DIR / "var" / "sms")))
CEIS_SMS_SENDER = env.str("CEIS_SMS_SENDER", default="CCAS")
CEIS_SMS_TIMEOUT = env.float("CEIS_SMS_TIMEOUT", default=10)
CEIS_BREVO_API_KEY = env.str("CEIS_BREVO_API_KEY", default="")
CEIS_BREVO_SMS_URL = env.str(
    "CEIS_BREVO_SMS_URL", default="https://api.brevo.com/v3/transactionalSMS/sms"
)
# Where Brevo posts delivery reports and replies (https://…/messages/webhook/brevo/?secret=…),
# sent with each SMS; empty: the webhook is configured in Brevo's account instead.
CEIS_BREVO_WEBHOOK_URL = env.str("CEIS_BREVO_WEBHOOK_URL", default="")
# The shared secret of the webhook; empty: the webhook answers 404.
CEIS_MESSAGES_WEBHOOK_SECRET = env.str("CEIS_MESSAGES_WEBHOOK_SECRET", default="")
# A message is tried this many times (backoff between tries), then marked « échec ».
CEIS_MESSAGES_MAX_ATTEMPTS = env.int("CEIS_MESSAGES_MAX_ATTEMPTS", default=5)
# Fernet keys encrypting the follow-up notes, newest first (ceis/crypto.py). No default here:
# local and test settings use a fixed, public development key; production requires the variable.
CEIS_FIELD_ENCRYPTION_KEYS = env.list("CEIS_FIELD_ENCRYPTION_KEYS", default=[])
# Absolute address of the application, for links in e-mails sent by tasks.
CEIS_BASE_URL = env.str("CEIS_BASE_URL", default="http://127.0.0.1:8000")
CEIS_ORGANISATION_NAME = env.str("CEIS_ORGANISATION_NAME", default="CCAS de Montpellier")
CEIS_PRESS_CONTACT = env.str(
    "CEIS_PRESS_CONTACT", default="Service communication du CCAS — contact presse sur demande"
)
# Demo data (`seed_demo`) has public passwords: only local and test settings allow it.
CEIS_DEMO_ALLOWED = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {
        "axes": {"level": "WARNING"},
        # WeasyPrint reports each step of every PDF (and of its own stylesheets at import).
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
