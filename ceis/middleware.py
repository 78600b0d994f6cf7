"""Session limits and cache headers (security.md rows 6 and 8)."""

from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control

SESSION_STARTED = "ceis_session_started"
SESSION_LAST_SEEN = "ceis_last_seen"


class SessionLimitsMiddleware:
    """Ends a session after 30 minutes without a request or 12 hours after login.

    The database expiry (SESSION_COOKIE_AGE, renewed on each request) already enforces the idle
    limit; this checks both limits explicitly so that neither depends on the cookie alone.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = timezone.now().timestamp()
            started = request.session.setdefault(SESSION_STARTED, now)
            last_seen = request.session.get(SESSION_LAST_SEEN, now)
            idle = settings.CEIS_SESSION_IDLE_TIMEOUT.total_seconds()
            max_age = settings.CEIS_SESSION_MAX_AGE.total_seconds()
            if now - last_seen > idle or now - started > max_age:
                logout(request)
                messages.info(request, "Votre session a expiré. Merci de vous reconnecter.")
                return redirect_to_login(request.get_full_path())
            request.session[SESSION_LAST_SEEN] = now
        return self.get_response(request)


class NoStoreForAuthenticatedMiddleware:
    """Pages shown to a logged-in user hold personal data: no browser or proxy may keep them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response


class RequireSecondFactorMiddleware:
    """With CEIS_REQUIRE_2FA, a manager or admin not yet verified by a second factor only
    reaches the second-factor pages (set-up or verification) and logout."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from .twofactor import has_confirmed_device, second_factor_required

        user = request.user
        if second_factor_required(user) and not user.is_verified():
            match = request.resolver_match or _resolve(request.path_info)
            allowed = match is not None and (
                match.namespace == "twofactor" or match.url_name in ("logout", "healthz")
            )
            if not allowed and not request.path.startswith(settings.STATIC_URL or "/static/"):
                target = "twofactor:verify" if has_confirmed_device(user) else "twofactor:setup"
                return redirect(f"{reverse(target)}?next={quote(request.get_full_path())}")
        return self.get_response(request)


def _resolve(path):
    try:
        return resolve(path)
    except Resolver404:
        return None
