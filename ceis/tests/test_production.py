"""Production wiring: PDF queue, structured logs without personal data, gunicorn, Procfile,
the production settings' overrides, and `manage.py create_user`."""

import json
import logging
import os
import runpy
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from ceis.celery import app
from ceis.choices import Role
from ceis.logging import JsonFormatter
from ceis.models import JournalEntry, Site, User

ROOT = settings.BASE_DIR


def test_bilan_pdfs_are_routed_to_their_own_queue_and_other_tasks_to_the_default_one():
    router = app.amqp.router
    assert router.route({}, "reporting.tasks.generate_bilan_pdf")["queue"].name == "pdf"
    assert router.route({}, "ceis.tasks.journal_purge_task")["queue"].name == "celery"
    # A worker started without -Q (make run, the tests' worker) consumes both.
    assert {"celery", "pdf"} <= set(app.amqp.queues)


def _access_record(atoms: dict) -> logging.LogRecord:
    return logging.LogRecord(
        "gunicorn.access", logging.INFO, __file__, 1, "%(m)s %(U)s %(s)s", (atoms,), None
    )


def test_access_log_keeps_method_path_status_and_duration_only():
    atoms = {
        "m": "GET",
        "U": "/personnes/",
        "q": "q=Dupont",
        "r": "GET /personnes/?q=Dupont HTTP/1.1",
        "h": "192.0.2.10",
        "a": "Mozilla/5.0",
        "f": "https://ceis.example.org/personnes/?q=Dupont",
        "s": "200",
        "B": 1234,
        "M": 12,
    }
    line = JsonFormatter().format(_access_record(atoms))
    entry = json.loads(line)
    assert entry["method"] == "GET"
    assert entry["path"] == "/personnes/"
    assert entry["status"] == 200
    assert entry["bytes"] == 1234
    assert entry["duration_ms"] == 12
    for secret in ("Dupont", "192.0.2.10", "Mozilla", "q="):
        assert secret not in line


def test_application_records_never_serialise_the_request_they_carry():
    record = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, "Not Found: %s", ("/x/",), None
    )
    record.request = "GET /x/?q=Dupont sessionid=abc"
    entry = json.loads(JsonFormatter().format(record))
    assert entry == {
        "ts": entry["ts"],
        "level": "WARNING",
        "logger": "django.request",
        "message": "Not Found: /x/",
    }


def test_gunicorn_workers_come_from_the_cpu_count_unless_configured(monkeypatch):
    monkeypatch.delenv("GUNICORN_WORKERS", raising=False)
    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert conf["workers"] == min(2 * os.cpu_count() + 1, 12)
    assert "%(q)s" not in conf["access_log_format"] and "%(h)s" not in conf["access_log_format"]
    monkeypatch.setenv("GUNICORN_WORKERS", "3")
    monkeypatch.setenv("GUNICORN_BIND", "0.0.0.0:9000")
    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert (conf["workers"], conf["bind"]) == (3, "0.0.0.0:9000")


def test_procfile_runs_web_both_workers_and_beat():
    processes = dict(
        line.split(": ", 1) for line in (ROOT / "Procfile").read_text().splitlines() if line
    )
    assert processes["web"].startswith("gunicorn -c gunicorn.conf.py")
    assert "-Q celery " in processes["worker"]
    assert "-Q pdf " in processes["pdf"] and "--max-tasks-per-child" in processes["pdf"]
    assert processes["beat"].startswith("celery -A ceis beat")
    # The workers yield the cores to the pages (docs/deployment.md, CEIS_WORKER_NICE).
    for name in ("worker", "pdf"):
        assert processes[name].startswith("nice -n ${CEIS_WORKER_NICE:-10} celery -A ceis worker")


def test_systemd_workers_run_below_the_web_priority():
    units = ROOT / "deploy" / "systemd"
    for unit in ("ceis-worker.service", "ceis-worker-pdf.service"):
        assert "\nNice=10\n" in (units / unit).read_text()
        # Each service is its own cgroup: the niceness orders nothing across them, the weight does.
        assert "\nCPUWeight=20\n" in (units / unit).read_text()
    assert "Nice=" not in (units / "ceis-web.service").read_text()


def _production(extra_env: dict, code: str) -> str:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ceis.settings.production",
        "SECRET_KEY": "x" * 60,
        "ALLOWED_HOSTS": "ceis.example.org",
        "DATABASE_URL": "postgres://ceis@127.0.0.1:5432/ceis",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
        "CEIS_FIELD_ENCRYPTION_KEYS": "dGVzdC1vbmx5LWtleS1ub3QtYS1zZWNyZXQtMTIzNDU=",
        **extra_env,
    }
    for name in ("SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_SSL_REDIRECT"):
        if name not in extra_env:
            env.pop(name, None)
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_production_cookies_are_secure_unless_explicitly_turned_off():
    code = (
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.LOGGING['handlers'])"
    )
    assert _production({}, code).startswith("True True")
    off = {"SESSION_COOKIE_SECURE": "False", "CSRF_COOKIE_SECURE": "False"}
    assert _production(off, code).startswith("False False")


def test_create_user_gives_the_role_and_sites_and_journals_it(db, site, monkeypatch):
    monkeypatch.setenv("CEIS_NEW_USER_PASSWORD", "un-mot-de-passe-solide-42")
    call_command("create_user", "claire", "--role", Role.MANAGER, "--site", site.code, "--wet-run")
    user = User.objects.get(username="claire")
    assert user.roles == {Role.MANAGER}
    assert list(user.sites.all()) == [site]
    assert user.check_password("un-mot-de-passe-solide-42")
    entry = JournalEntry.objects.get(object_type="ceis.user")
    assert entry.payload == {"roles": [Role.MANAGER], "sites": [site.code]}


def test_create_user_refuses_unknown_sites_and_weak_passwords(db, monkeypatch):
    monkeypatch.setenv("CEIS_NEW_USER_PASSWORD", "un-mot-de-passe-solide-42")
    with pytest.raises(CommandError, match="inconnu"):
        call_command("create_user", "paul", "--role", Role.MANAGER, "--site", "NOPE", "--wet-run")
    call_command(
        "create_user",
        "paul",
        "--role",
        Role.MANAGER,
        "--site",
        "NOPE",
        "--create-site",
        "--wet-run",
    )
    assert Site.objects.filter(code="NOPE").exists()
    monkeypatch.setenv("CEIS_NEW_USER_PASSWORD", "court")
    with pytest.raises(CommandError):
        call_command("create_user", "lea", "--role", Role.MANAGER, "--site", "NOPE", "--wet-run")
    assert not User.objects.filter(username="lea").exists()
