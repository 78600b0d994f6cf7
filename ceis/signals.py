"""Authentication events go to the access journal. These are Django's and axes' own signals:
the only way to see logins that happen inside their views."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.utils import timezone

from .choices import JournalAction
from .middleware import SESSION_LAST_SEEN, SESSION_STARTED
from .services import journal_record


@receiver(user_logged_in)
def _log_login(sender, request, user, **kwargs):
    journal_record(action=JournalAction.LOGIN, user=user, request=request)


@receiver(user_logged_in)
def _stamp_session_start(sender, request, user, **kwargs):
    """The 12-hour limit of SessionLimitsMiddleware counts from the login itself."""
    if request is not None and hasattr(request, "session"):
        now = timezone.now().timestamp()
        request.session[SESSION_STARTED] = now
        request.session[SESSION_LAST_SEEN] = now


@receiver(user_logged_out)
def _log_logout(sender, request, user, **kwargs):
    if user is not None:
        journal_record(action=JournalAction.LOGOUT, user=user, request=request)


@receiver(user_login_failed)
def _log_login_failed(sender, credentials, request=None, **kwargs):
    journal_record(
        action=JournalAction.LOGIN_FAILED,
        request=request,
        username=str(credentials.get("username", ""))[:150],
    )


@receiver(user_locked_out)
def _log_lockout(sender, request, username=None, ip_address=None, **kwargs):
    journal_record(action=JournalAction.LOCKOUT, request=request, username=(username or "")[:150])
