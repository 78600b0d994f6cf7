"""Two-factor authentication for managers and admins (security.md row 7)."""

import datetime
import re
import time
from binascii import unhexlify

import pytest
import time_machine
from django.db import connection
from django.urls import reverse
from django_otp.oath import TOTP

from ceis.choices import Role
from ceis.models import TOTPDevice


def _code(device, at=None) -> str:
    """The code an authenticator application shows at `at` (now by default)."""
    generator = TOTP(unhexlify(device.key), step=30, t0=0, digits=6)
    generator.time = at if at is not None else time.time()
    return f"{generator.token():06d}"


@pytest.fixture
def require_2fa(settings):
    settings.CEIS_REQUIRE_2FA = True


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.MANAGER, Role.ADMIN])
def test_a_manager_without_a_verified_device_is_sent_to_the_device_step(
    require_2fa, client_for, role
):
    client = client_for(role)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("twofactor:setup") + "?next=/")
    page = client.get(response["Location"]).content.decode()
    assert "Activer la double authentification" in page
    assert 'src="data:image/svg+xml;base64,' in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role", [Role.TRAVAILLEUR_SOCIAL, Role.MEDIATEUR_NUMERIQUE, Role.VOLONTAIRE]
)
def test_other_roles_are_not_asked_for_a_second_factor(require_2fa, client_for, role):
    assert client_for(role).get(reverse("home")).status_code == 200


@pytest.mark.django_db
def test_without_the_setting_a_manager_goes_straight_in(client_for):
    assert client_for(Role.MANAGER).get(reverse("home")).status_code == 200


@pytest.mark.django_db
def test_enrolment_with_a_valid_code_gives_backup_codes_and_access(require_2fa, client_for):
    client = client_for(Role.MANAGER)
    client.get(reverse("twofactor:setup"))
    device = TOTPDevice.objects.get(user=client.user)
    wrong = client.post(reverse("twofactor:setup"), {"token": "000000", "next": "/bilans/"})
    assert "Ce code n&#x27;est pas le bon" in wrong.content.decode()
    with time_machine.travel(time.time() + 2):  # past the 1-second throttle of the failure
        done = client.post(reverse("twofactor:setup"), {"token": _code(device), "next": "/bilans/"})
    page = done.content.decode()
    assert "Vos codes de secours" in page
    assert len(re.findall(r"<li>\d{8}</li>", page)) == 10
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("home")).status_code == 200


@pytest.mark.django_db
def test_the_totp_secret_is_stored_encrypted(client_for):
    client = client_for(Role.ADMIN)
    device = TOTPDevice.objects.create(user=client.user, name="Application")
    with connection.cursor() as cursor:
        cursor.execute("SELECT key FROM ceis_totpdevice WHERE id = %s", [device.pk])
        raw = cursor.fetchone()[0]
    assert raw.startswith("gAAAA")
    assert device.key not in raw
    assert len(TOTPDevice.objects.get(pk=device.pk).key) == 40


@pytest.mark.django_db
def test_verification_is_throttled_and_a_code_serves_once(require_2fa, client_for):
    client = client_for(Role.MANAGER)
    device = TOTPDevice.objects.create(user=client.user, name="Application", confirmed=True)
    assert client.get(reverse("home"))["Location"].startswith(reverse("twofactor:verify"))
    start = time.time()
    with time_machine.travel(start, tick=False):
        client.post(reverse("twofactor:verify"), {"token": "111111"})
        refused = client.post(reverse("twofactor:verify"), {"token": _code(device, start)})
        assert "Trop de codes erronés" in refused.content.decode()
    with time_machine.travel(start + 3, tick=False):
        accepted = client.post(reverse("twofactor:verify"), {"token": _code(device, start + 3)})
        assert accepted.status_code == 302
    client.logout()
    client.force_login(client.user)
    with time_machine.travel(start + 4, tick=False):
        reused = client.post(reverse("twofactor:verify"), {"token": _code(device, start + 3)})
        assert reused.status_code == 200  # the same 30-second code is refused a second time


@pytest.mark.django_db
def test_a_backup_code_works_once(require_2fa, client_for):
    from ceis.twofactor import backup_codes_renew

    client = client_for(Role.ADMIN)
    TOTPDevice.objects.create(user=client.user, name="Application", confirmed=True)
    code = backup_codes_renew(user=client.user)[0]
    assert client.post(reverse("twofactor:verify"), {"token": code}).status_code == 302
    assert client.get(reverse("home")).status_code == 200
    client.logout()
    client.force_login(client.user)
    with time_machine.travel(
        datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(seconds=5)
    ):
        again = client.post(reverse("twofactor:verify"), {"token": code})
    assert again.status_code == 200


def _burst_of_wrong_codes(client, start: float, count: int = 20) -> float:
    """`count` wrong codes, each once django-otp's own wait (1, 2, 4… seconds) is over, so that
    each one counts; returns the time of the last one. Unbounded, the wait after the 20th would
    be 2¹⁹ seconds: 6 days. Whoever types them has the password: they log in again each time
    their session has ended."""
    at = start
    for failures in range(count):
        at += 2**failures
        with time_machine.travel(at, tick=False):
            client.force_login(client.user)
            client.post(reverse("twofactor:verify"), {"token": "00000000"})
    return at


@pytest.mark.django_db
def test_twenty_wrong_codes_keep_the_owner_out_at_most_fifteen_minutes(require_2fa, client_for):
    client = client_for(Role.MANAGER)
    device = TOTPDevice.objects.create(user=client.user, name="Application", confirmed=True)
    last = _burst_of_wrong_codes(client, time.time())
    device.refresh_from_db()
    assert device.throttling_failure_count >= 10  # every wrong code counted
    client.logout()
    with time_machine.travel(last + 1, tick=False):
        client.force_login(client.user)
        refused = client.post(reverse("twofactor:verify"), {"token": _code(device, last + 1)})
        assert "Trop de codes erronés" in refused.content.decode()
    owner = last + 15 * 60
    with time_machine.travel(owner, tick=False):
        accepted = client.post(reverse("twofactor:verify"), {"token": _code(device, owner)})
        assert accepted.status_code == 302
        assert client.get(reverse("home")).status_code == 200


@pytest.mark.django_db
def test_twenty_wrong_backup_codes_leave_a_backup_code_usable_after_fifteen_minutes(
    require_2fa, client_for
):
    from django_otp.plugins.otp_static.models import StaticDevice

    from ceis.twofactor import backup_codes_renew

    client = client_for(Role.ADMIN)
    TOTPDevice.objects.create(user=client.user, name="Application", confirmed=True)
    code = backup_codes_renew(user=client.user)[0]
    last = _burst_of_wrong_codes(client, time.time())
    assert StaticDevice.objects.get(user=client.user).throttling_failure_count >= 10
    with time_machine.travel(last + 15 * 60, tick=False):
        accepted = client.post(reverse("twofactor:verify"), {"token": code})
        assert accepted.status_code == 302
        assert client.get(reverse("home")).status_code == 200
