"""No query of a web request outlives gunicorn's timeout: on PostgreSQL the processes gunicorn
starts get a statement_timeout (CEIS_WEB_STATEMENT_TIMEOUT); the workers keep their own limits."""

import json
import os
import runpy
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import OperationalError, connection
from django.db.backends.postgresql.base import DatabaseWrapper

from ceis.settings.base import postgres_options

ROOT = settings.BASE_DIR


def test_only_the_web_role_gets_a_statement_timeout():
    assert postgres_options("", role="web", statement_timeout=50) == (
        "-c jit=off -c statement_timeout=50000"
    )
    assert postgres_options("", role="", statement_timeout=50) == "-c jit=off"
    assert postgres_options("-c work_mem=64MB", role="web", statement_timeout=0) == (
        "-c work_mem=64MB -c jit=off"
    )


def test_gunicorn_marks_its_processes_as_web(monkeypatch):
    monkeypatch.delenv("CEIS_PROCESS_ROLE", raising=False)
    runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert os.environ["CEIS_PROCESS_ROLE"] == "web"


def _settings_options(settings_module="ceis.settings.test", **env) -> str:
    """The PostgreSQL options the settings give a process started with `env`."""
    code = (
        "import django, json; from django.conf import settings; django.setup(); "
        "print(json.dumps(settings.DATABASES['default']['OPTIONS']['options']))"
    )
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("CEIS_PROCESS_ROLE", "GUNICORN_TIMEOUT", "CEIS_WEB_STATEMENT_TIMEOUT")
    }
    environment.update(
        DJANGO_SETTINGS_MODULE=settings_module,
        DATABASE_URL="postgres://ceis@127.0.0.1:5432/ceis",
        **env,
    )
    output = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(output)


def test_the_timeout_follows_gunicorns_and_spares_the_workers():
    assert _settings_options(CEIS_PROCESS_ROLE="web") == "-c jit=off -c statement_timeout=50000"
    assert _settings_options(CEIS_PROCESS_ROLE="web", GUNICORN_TIMEOUT="120") == (
        "-c jit=off -c statement_timeout=110000"
    )
    assert _settings_options() == "-c jit=off"  # celery worker, beat, manage.py


def test_the_production_settings_give_gunicorns_processes_the_timeout_too():
    """ceis.settings.production reads DATABASES again from its environment: the web processes'
    timeout must survive it (it did not: production had JIT off and no timeout)."""
    production = {
        "SECRET_KEY": "x" * 60,
        "ALLOWED_HOSTS": "ceis.example.org",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
        "CEIS_FIELD_ENCRYPTION_KEYS": "dGVzdC1vbmx5LWtleS1ub3QtYS1zZWNyZXQtMTIzNDU=",
    }
    module = "ceis.settings.production"
    assert _settings_options(module, CEIS_PROCESS_ROLE="web", **production) == (
        "-c jit=off -c statement_timeout=50000"
    )
    assert _settings_options(module, **production) == "-c jit=off"


@pytest.mark.postgres
@pytest.mark.django_db
def test_postgresql_cancels_a_web_query_past_the_timeout():
    if connection.vendor != "postgresql":
        pytest.skip("statement_timeout is PostgreSQL's")
    params = {**connection.settings_dict}
    params["OPTIONS"] = {
        **params["OPTIONS"],
        "options": postgres_options("", role="web", statement_timeout=1),
    }
    web = DatabaseWrapper(params, alias="web-timeout-test")
    try:
        with web.cursor() as cursor:
            cursor.execute("SHOW statement_timeout")
            assert cursor.fetchone() == ("1s",)
            with pytest.raises(OperationalError, match="statement timeout"):
                cursor.execute("SELECT pg_sleep(3)")
    finally:
        web.close()
    # The test run's own connection (a worker's, or a command's) has none.
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone() == ("0",)
