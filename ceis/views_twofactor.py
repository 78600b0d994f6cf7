"""Second-factor pages: set up an authenticator application, verify a code, backup codes."""

import base64

from django import forms
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from .bounds import BoundedForm
from .twofactor import (
    backup_codes_renew,
    has_confirmed_device,
    second_factor_verify,
    second_factor_wait,
    totp_device_confirm,
    totp_device_pending,
)


class CodeForm(BoundedForm):
    token = forms.CharField(
        label="Code à 6 chiffres (ou code de secours à 8 chiffres)",
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse("home")


def _throttled(user) -> bool:
    return second_factor_wait(user) is not None


@require_http_methods(["GET", "POST"])
def setup(request):
    if has_confirmed_device(request.user) and not request.user.is_verified():
        return redirect(f"{reverse('twofactor:verify')}?next={_next(request)}")
    device = totp_device_pending(request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        throttled = _throttled(request.user)
        codes = None
        if not throttled:
            codes = totp_device_confirm(
                request=request, device=device, token=form.cleaned_data["token"]
            )
        if codes:
            return render(
                request,
                "registration/twofactor_codes.html",
                {"codes": codes, "next": _next(request)},
            )
        form.add_error("token", _refusal(throttled))
    secret = device.secret_base32()
    context = {
        "form": form,
        "qr": "data:image/svg+xml;base64," + base64.b64encode(device.qr_svg().encode()).decode(),
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "next": _next(request),
    }
    return render(request, "registration/twofactor_setup.html", context)


def _refusal(throttled: bool) -> str:
    if throttled:
        return "Trop de codes erronés : patientez avant de réessayer (9 minutes au plus)."
    return "Ce code n'est pas le bon, ou il a expiré : saisissez le code affiché en ce moment."


@require_http_methods(["GET", "POST"])
def verify(request):
    if not has_confirmed_device(request.user):
        return redirect(f"{reverse('twofactor:setup')}?next={_next(request)}")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        throttled = _throttled(request.user)
        # A backup code is still accepted while the application's codes are throttled.
        if second_factor_verify(request=request, token=form.cleaned_data["token"]):
            return redirect(_next(request))
        form.add_error("token", _refusal(throttled))
    return render(
        request, "registration/twofactor_verify.html", {"form": form, "next": _next(request)}
    )


@require_POST
def backup_codes(request):
    if not request.user.is_verified():
        return redirect(f"{reverse('twofactor:verify')}?next={reverse('home')}")
    codes = backup_codes_renew(user=request.user)
    return render(
        request, "registration/twofactor_codes.html", {"codes": codes, "next": reverse("home")}
    )
