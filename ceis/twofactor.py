"""Two-factor authentication for managers and admins (security.md row 7), with django-otp.

A TOTP device of our own keeps its secret encrypted (`EncryptedTextField`); django-otp brings
the device framework, the TOTP algorithm, throttling (1, 2, 4, 8… seconds after each failure,
bounded here) and the single-use backup codes (static device).
"""

import datetime
import secrets

from django.conf import settings
from django.db import transaction
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from .choices import JournalAction, Role
from .models import TOTPDevice
from .services import journal_record

BACKUP_CODES = 10
# django-otp doubles the wait after each wrong code without bound: 20 wrong codes would keep the
# owner out for 6 days. The count of failures is held at 10, so the wait is at most 2⁹ = 512
# seconds (security.md row 23: never more than 15 minutes).
MAX_COUNTED_FAILURES = 10


def second_factor_required(user) -> bool:
    return bool(
        settings.CEIS_REQUIRE_2FA
        and user.is_authenticated
        and user.has_role(Role.MANAGER, Role.ADMIN)
    )


def totp_device_pending(user) -> TOTPDevice:
    """The user's device being set up (created with a new secret if there is none)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="Application", confirmed=False)


def has_confirmed_device(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def second_factor_throttle_bound(*, user) -> None:
    """Hold the user's counts of wrong codes (application and backup codes) at the bound."""
    for model in (TOTPDevice, StaticDevice):
        model.objects.filter(user=user, throttling_failure_count__gt=MAX_COUNTED_FAILURES).update(
            throttling_failure_count=MAX_COUNTED_FAILURES
        )


def second_factor_wait(user) -> datetime.datetime | None:
    """Until when the application's codes are refused after wrong ones; None when they are not."""
    second_factor_throttle_bound(user=user)
    device = TOTPDevice.objects.filter(user=user).first()
    if device is None:
        return None
    allowed, details = device.verify_is_allowed()
    return None if allowed else (details or {}).get("locked_until")


@transaction.atomic
def totp_device_confirm(*, request, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm a device with its first code; returns the new backup codes, or None."""
    second_factor_throttle_bound(user=device.user)
    device.refresh_from_db(fields=["throttling_failure_count", "throttling_failure_timestamp"])
    if not device.verify_token(token):
        return None
    device.confirmed = True
    device.save()
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    codes = backup_codes_renew(user=device.user)
    otp_login(request, device)
    journal_record(
        action=JournalAction.UPDATE,
        user=device.user,
        object_type="ceis.totpdevice",
        object_ref=str(device.pk),
        request=request,
        payload={"second_factor": "enrolled"},
    )
    return codes


def backup_codes_renew(*, user) -> list[str]:
    """Ten new single-use codes; the previous ones stop working."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name="Codes de secours")
    device.confirmed = True
    device.save()
    device.token_set.all().delete()
    codes = [f"{secrets.randbelow(10**8):08d}" for _ in range(BACKUP_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def second_factor_verify(*, request, token: str) -> bool:
    second_factor_throttle_bound(user=request.user)
    device = match_token(request.user, token.strip().replace(" ", ""))
    if device is None:
        journal_record(
            action=JournalAction.LOGIN_FAILED,
            user=request.user,
            request=request,
            payload={"second_factor": True},
        )
        return False
    otp_login(request, device)
    journal_record(
        action=JournalAction.LOGIN,
        user=request.user,
        request=request,
        payload={"second_factor": "backup_code" if isinstance(device, StaticDevice) else "totp"},
    )
    return True
