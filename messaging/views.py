"""Pages of the messages: consent on the person's file, the templates' editor, Brevo's webhook."""

import hmac
import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from ceis.models import Site
from ceis.selectors import person_get

from . import perms, selectors, services
from .choices import Channel, TemplateCode
from .forms import ConsentForm, SitePhoneForm, TemplateForm
from .models import MessageTemplate
from .rendering import SMS_MAX, non_gsm_characters, sms_length
from .rendering import render as render_text


def _person_url(person) -> str:
    return reverse("persons:detail", kwargs={"public_id": person.public_id}) + "#messages"


@require_POST
def consent(request, public_id):
    """Give or withdraw the consent of a person on one channel, from the panel of their file."""
    person = person_get(public_id=public_id, user=request.user)
    if not perms.can_record_consent(request.user):
        raise Http404("Personne introuvable.")
    form = ConsentForm(request.POST)
    if form.is_valid():
        try:
            services.consent_record(
                person=person,
                channel=form.cleaned_data["channel"],
                given=form.cleaned_data["given"],
                date=form.cleaned_data["date"],
                user=request.user,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            label = "SMS" if form.cleaned_data["channel"] == Channel.SMS else "e-mail"
            state = "donné" if form.cleaned_data["given"] else "retiré"
            messages.success(request, f"Consentement {label} {state}, enregistré.")
    else:
        errors = [str(error) for field in form.errors.values() for error in field]
        messages.error(request, "Consentement non enregistré : " + " ".join(errors))
    return redirect(_person_url(person))


def _admin_only(request):
    if not perms.can_edit_templates(request.user):
        raise PermissionDenied


def _preview(template: MessageTemplate, body: str, subject: str = "") -> dict:
    fields = services.example_fields(template.channel)
    try:
        text = render_text(body, fields, template.channel)
        rendered_subject = render_text(subject, fields, Channel.EMAIL) if subject else ""
    except (KeyError, ValueError, IndexError):
        text, rendered_subject = "", ""
    preview = {"text": text, "subject": rendered_subject}
    if template.channel == Channel.SMS:
        preview.update(
            length=sms_length(text) if text else 0,
            max=SMS_MAX,
            outside=non_gsm_characters(body),
        )
    return preview


@require_http_methods(["GET", "POST"])
def templates(request):
    """The templates of the messages and the phone each site gives in them (admins)."""
    _admin_only(request)
    phone_form = None
    if request.method == "POST":
        phone_form = SitePhoneForm(request.POST)
        if phone_form.is_valid():
            site = get_object_or_404(
                Site.objects.visible_to(request.user), pk=phone_form.cleaned_data["site"]
            )
            services.site_phone_set(
                site=site, phone=phone_form.cleaned_data["phone"], user=request.user
            )
            messages.success(request, f"Téléphone de {site.name} enregistré.")
            return redirect("messaging:templates")
        messages.error(
            request,
            "Téléphone non enregistré : "
            + " ".join(str(error) for errors in phone_form.errors.values() for error in errors),
        )
    rows = [
        {"template": template, "preview": _preview(template, template.body, template.subject)}
        for template in selectors.template_list()
    ]
    context = {
        "rows": rows,
        "sites": selectors.site_phones(user=request.user),
        "phone_form": phone_form,
    }
    return render(request, "messaging/templates.html", context)


@require_http_methods(["GET", "POST"])
def template_edit(request, code, channel):
    _admin_only(request)
    if code not in TemplateCode.values or channel not in Channel.values:
        raise Http404("Modèle introuvable.")
    template = selectors.template_get(code=code, channel=channel)
    initial = {"subject": template.subject, "body": template.body}
    data = request.POST if request.method == "POST" else None
    form = TemplateForm(data, initial=initial, channel=channel)
    body, subject = template.body, template.subject
    if request.method == "POST":
        body = request.POST.get("body", "")
        subject = request.POST.get("subject", "")
        if request.POST.get("action") == "apercu":
            context = {
                "template": template,
                "form": form,
                "preview": _preview(template, body, subject),
            }
            if request.htmx:
                return render(request, "messaging/_preview.html", context)
            return render(request, "messaging/template_edit.html", context)
        if form.is_valid():
            try:
                services.template_update(
                    template=template,
                    subject=form.cleaned_data.get("subject", ""),
                    body=form.cleaned_data["body"],
                    user=request.user,
                )
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, f"Modèle « {template.get_code_display()} » enregistré.")
                return redirect("messaging:templates")
        messages.error(request, "Modèle non enregistré : corrigez les champs signalés.")
    context = {"template": template, "form": form, "preview": _preview(template, body, subject)}
    return render(request, "messaging/template_edit.html", context)


def _webhook(request):
    secret = settings.CEIS_MESSAGES_WEBHOOK_SECRET
    given = request.GET.get("secret") or request.headers.get("X-Ceis-Webhook-Secret", "")
    if not secret or not hmac.compare_digest(given.encode(), secret.encode()):
        raise Http404
    try:
        payload = json.loads(request.body or b"{}")
    except ValueError:
        return HttpResponse("JSON invalide", status=400)
    events = payload if isinstance(payload, list) else [payload]
    done = [services.delivery_report(payload=event) for event in events if isinstance(event, dict)]
    return JsonResponse({"ok": done})


# Brevo posts without a session or a CSRF token: the shared secret is the only key.
webhook_brevo = login_not_required(csrf_exempt(require_POST(_webhook)))
