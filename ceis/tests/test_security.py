"""Security baseline: brute force, sessions, headers, production settings (security.md 5, 6, 8, 9)."""

import datetime
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from ceis.choices import Role

PROJECT = Path(settings.BASE_DIR)


def _login(client, password):
    return client.post(reverse("login"), {"username": "karim", "password": password})


@pytest.mark.django_db
def test_sixth_attempt_is_refused_with_429_even_with_the_right_password(client, make_user):
    make_user(Role.MEDIATEUR_NUMERIQUE, username="karim")
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        for _ in range(4):
            assert _login(client, "mauvais-mot-de-passe").status_code == 200
        # The fifth failure locks the username+IP pair: from now on every attempt is refused.
        assert _login(client, "mauvais-mot-de-passe").status_code == 429
        refused = _login(client, "motdepasse-de-test")
        assert refused.status_code == 429
        assert "bloquée pendant 30 minutes" in refused.content.decode()
    with time_machine.travel(start + datetime.timedelta(minutes=31), tick=False):
        accepted = _login(client, "motdepasse-de-test")
        assert accepted.status_code == 302
        assert client.get(reverse("home")).status_code == 200


def test_passwords_need_twelve_characters():
    with pytest.raises(ValidationError) as excinfo:
        validate_password("Court-1234a")
    assert "au minimum 12 caractères" in " ".join(excinfo.value.messages)
    validate_password("une-phrase-de-passe-longue")


@pytest.mark.django_db
def test_session_ends_after_thirty_idle_minutes(client, make_user):
    user = make_user(Role.VOLONTAIRE)
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as clock:
        client.force_login(user)
        assert client.get(reverse("home")).status_code == 200
        clock.shift(datetime.timedelta(minutes=29))
        assert client.get(reverse("home")).status_code == 200
        clock.shift(datetime.timedelta(minutes=31))
        response = client.get(reverse("home"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_session_ends_after_twelve_hours_even_when_active(client, make_user):
    user = make_user(Role.VOLONTAIRE)
    start = datetime.datetime(2026, 3, 2, 7, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as clock:
        client.force_login(user)
        for _ in range(35):  # a request every 20 minutes: 11 h 40 of activity
            clock.shift(datetime.timedelta(minutes=20))
            assert client.get(reverse("home")).status_code == 200
        clock.shift(datetime.timedelta(minutes=25))
        assert client.get(reverse("home")).status_code == 302


@pytest.mark.django_db
def test_deactivating_a_user_ends_their_session(client, make_user):
    user = make_user(Role.TRAVAILLEUR_SOCIAL)
    client.force_login(user)
    assert client.get(reverse("home")).status_code == 200
    user.is_active = False
    user.save()
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_logged_in_pages_are_not_stored_and_carry_a_strict_csp(client_for):
    client = client_for(Role.VOLONTAIRE)
    response = client.get(reverse("home"))
    assert "no-store" in response["Cache-Control"]
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp


def test_templates_have_no_inline_script():
    for template in (PROJECT / "templates").rglob("*.html"):
        text = template.read_text()
        for match in re.finditer(r"<script\b[^>]*>", text):
            assert "src=" in match.group(0), f"inline script in {template}"
        assert " onclick=" not in text and " onload=" not in text, template


def test_no_csrf_exempt_in_the_code():
    offenders = [
        path
        for folder in ("ceis", "unisvers", "villages", "reporting")
        for path in (PROJECT / folder).rglob("*.py")
        if "csrf_exempt" in path.read_text() and "tests" not in path.parts
    ]
    assert offenders == []


def test_every_model_form_lists_its_fields():
    for folder in ("ceis", "unisvers", "villages", "reporting"):
        for path in (PROJECT / folder).rglob("*.py"):
            if "tests" in path.parts:
                continue
            text = path.read_text()
            assert '"__all__"' not in text and "exclude = " not in text, path


def _production_env(**overrides):
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "DATABASE_URL",
            "CELERY_BROKER_URL",
            "CEIS_FIELD_ENCRYPTION_KEYS",
        }
    }
    env.update(
        DJANGO_SETTINGS_MODULE="ceis.settings.production",
        SECRET_KEY="x" * 60,
        ALLOWED_HOSTS="ceis.example.org",
        DATABASE_URL="postgres://ceis@127.0.0.1:5432/ceis",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/0",
        CEIS_FIELD_ENCRYPTION_KEYS="dGVzdC1vbmx5LWtleS1ub3QtYS1zZWNyZXQtMTIzNDU=",
    )
    env.update(overrides)
    return {key: value for key, value in env.items() if value is not None}


def _setup_django(env):
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('started')"],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    "missing",
    [
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "DATABASE_URL",
        "CELERY_BROKER_URL",
        "CEIS_FIELD_ENCRYPTION_KEYS",
    ],
)
def test_production_settings_refuse_to_start_without_a_secret_or_host(missing):
    result = _setup_django(_production_env(**{missing: None}))
    assert result.returncode != 0
    assert f"Set the {missing} environment variable" in result.stderr


def test_production_settings_start_with_their_environment():
    result = _setup_django(_production_env())
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


@pytest.mark.django_db
def test_healthz_is_anonymous_and_says_only_ok(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "ok"}
    assert "Cache-Control" not in response or "no-store" not in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_reports_a_broker_that_is_down(client, settings, monkeypatch):
    from ceis.celery import app

    down = "redis://127.0.0.1:1/0"
    # Celery reads the CELERY_BROKER_URL environment variable before its own setting, as in CI.
    monkeypatch.setenv("CELERY_BROKER_URL", down)
    app.conf.broker_url = down
    try:
        response = client.get(reverse("healthz"))
    finally:
        app.conf.broker_url = settings.CELERY_BROKER_URL
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "broker": "ko"}
