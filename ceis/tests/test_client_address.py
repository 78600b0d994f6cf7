"""Behind the documented nginx the login lockout counts the client's address, not the proxy's
(security.md row 23)."""

import runpy

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.urls import reverse

from ceis.choices import JournalAction, Role
from ceis.models import JournalEntry

PROXY = "127.0.0.1"  # nginx, as gunicorn sees it
ATTACKER = "203.0.113.66"
OWNER = "198.51.100.7"


def _settings_with(monkeypatch, **environ) -> dict:
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(django_settings.BASE_DIR / "ceis" / "settings" / "base.py"))


def test_behind_one_proxy_only_the_forwarded_address_is_read(monkeypatch):
    behind = _settings_with(monkeypatch, AXES_IPWARE_PROXY_COUNT="1")
    assert behind["AXES_IPWARE_META_PRECEDENCE_ORDER"] == ["HTTP_X_FORWARDED_FOR"]
    assert behind["AXES_IPWARE_PROXY_COUNT"] == 0  # nginx writes the header: no address before


def test_without_a_proxy_only_the_connection_address_is_read(monkeypatch):
    direct = _settings_with(monkeypatch, AXES_IPWARE_PROXY_COUNT="0")
    assert direct["AXES_IPWARE_META_PRECEDENCE_ORDER"] == ["REMOTE_ADDR"]


@pytest.fixture
def behind_nginx(settings, monkeypatch):
    """The settings that AXES_IPWARE_PROXY_COUNT=1 gives (deploy/ceis.env.example)."""
    for name in ("AXES_IPWARE_META_PRECEDENCE_ORDER", "AXES_IPWARE_PROXY_COUNT"):
        setattr(settings, name, _settings_with(monkeypatch, AXES_IPWARE_PROXY_COUNT="1")[name])


def _login(client, forwarded: str, password: str, **headers):
    return client.post(
        reverse("login"),
        {"username": "karim", "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded,
        **headers,
    )


@pytest.mark.django_db
def test_an_attacker_behind_the_proxy_locks_only_their_own_address(behind_nginx, client, make_user):
    make_user(Role.MEDIATEUR_NUMERIQUE, username="karim")
    for _ in range(5):
        # A header the client writes itself, which nginx passes through, changes nothing.
        _login(client, ATTACKER, "mauvais-mot-de-passe", HTTP_X_REAL_IP=OWNER)
    assert _login(client, ATTACKER, "motdepasse-de-test").status_code == 429
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == [ATTACKER]

    owner = _login(client, OWNER, "motdepasse-de-test")
    assert owner.status_code == 302
    login = JournalEntry.objects.filter(action=JournalAction.LOGIN).get()
    assert login.ip_address == OWNER


@pytest.mark.django_db
def test_two_forwarded_addresses_are_counted_apart(behind_nginx, client, make_user):
    make_user(Role.MEDIATEUR_NUMERIQUE, username="karim")
    for _ in range(4):
        assert _login(client, ATTACKER, "mauvais-mot-de-passe").status_code == 200
        assert _login(client, OWNER, "mauvais-mot-de-passe").status_code == 200
    # The fifth failure of one address locks that address only.
    assert _login(client, ATTACKER, "mauvais-mot-de-passe").status_code == 429
    assert _login(client, OWNER, "motdepasse-de-test").status_code == 302
    client.logout()
    assert _login(client, ATTACKER, "motdepasse-de-test").status_code == 429
