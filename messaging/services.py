"""Writes of the messages: consent, templates, sites' phones, creating and sending messages,
delivery reports. Keyword-only, atomic, journalled where the core journals.

A message is created only on a channel the person consented to and with an address for it; the
consent is read again when it leaves, so that a withdrawal takes effect at once: a message still
waiting is then marked « échec » with the reason « consentement retiré » (it stays in the log, so
that the file says what was not sent and why). SMS wait for 08:00 Europe/Paris during the quiet
hours (20:00–08:00); e-mails go at any time. Sending goes through Celery (`tasks.send_message`,
sent on commit); the beat task `send_due_messages` sends what is due — reminders, SMS held by
the quiet hours, retries after a provider's error, messages the broker did not take.
"""

import datetime
import logging
import smtplib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from ceis.celery import send_quickly
from ceis.choices import JournalAction
from ceis.hooks import app_modules
from ceis.services import journal_record
from ceis.text import is_mobile_e164, phone_e164

from . import sms
from .choices import Channel, MessageStatus, TemplateCode
from .models import REMINDER_CODES, ContactConsent, Message, MessageTemplate, SiteContact
from .notices import Notice
from .rendering import FIELDS as TEMPLATE_FIELDS
from .rendering import SMS_MAX, non_gsm_characters, render, sms_length, template_fields, when_fields
from .selectors import templates_for

logger = logging.getLogger(__name__)

QUIET_START = datetime.time(20, 0)
QUIET_END = datetime.time(8, 0)
CONSENT_WITHDRAWN = "consentement retiré"
OUTDATED = "remplacé par un message plus récent (changement ou annulation)"
# A claimed message is left alone by other senders this long (a worker that dies mid-send
# frees it after that).
LEASE = datetime.timedelta(minutes=10)


# Consent ---------------------------------------------------------------------------------------


def consent_record(
    *, person, channel: str, given: bool, date: datetime.date | None = None, user=None
) -> ContactConsent:
    """Record that `person` gives or withdraws consent on `channel` (journalled: the history).
    A withdrawal stops at once the messages still waiting on that channel."""
    channel = Channel(channel)
    date = date or timezone.localdate()
    if date > timezone.localdate():
        raise ValidationError({"date": "La date du consentement ne peut pas être dans le futur."})
    with transaction.atomic():
        consent, created = ContactConsent.objects.select_for_update().get_or_create(
            person=person,
            channel=channel,
            defaults={"given": given, "date": date, "recorded_by": user},
        )
        if not created:
            consent.given = given
            consent.date = date
            consent.recorded_by = user
            consent.recorded_at = timezone.now()
            consent.save()
        journal_record(
            action=JournalAction.CREATE if created else JournalAction.UPDATE,
            user=user,
            obj=person,
            payload={
                "consent": channel.value,
                "given": given,
                "date": date.isoformat(),
                **({} if user is not None else {"source": "sms_stop"}),
            },
        )
        if not given:
            Message.objects.filter(
                person=person, channel=channel, status=MessageStatus.EN_ATTENTE
            ).update(status=MessageStatus.ECHEC, failure_reason=CONSENT_WITHDRAWN, withheld=True)
    return consent


def has_consent(person, channel: str) -> bool:
    return ContactConsent.objects.filter(person=person, channel=channel, given=True).exists()


# Templates and sites' phones ------------------------------------------------------------------


def template_check(*, channel: str, subject: str, body: str) -> None:
    """A template's text: known fields only; an SMS within GSM-7 and 160 characters once filled
    with the example data."""
    errors = {}
    try:
        unknown = sorted(
            set(template_fields(body) + template_fields(subject)) - set(TEMPLATE_FIELDS)
        )
    except ValueError:
        raise ValidationError(
            {"body": "Une accolade n'est pas fermée : écrivez les champs ainsi, {date}."}
        ) from None
    if unknown:
        errors["body"] = "Champ inconnu : " + ", ".join("{" + name + "}" for name in unknown) + "."
    elif channel == Channel.SMS:
        outside = non_gsm_characters(body)
        if outside:
            errors["body"] = (
                "Caractères que le SMS ne peut pas porter (alphabet GSM-7) : "
                + " ".join(repr(char) for char in outside)
                + "."
            )
        else:
            length = sms_length(render(body, example_fields(channel), channel))
            if length > SMS_MAX:
                errors["body"] = (
                    f"Avec l'exemple, le SMS fait {length} caractères : "
                    f"{SMS_MAX} au plus (un SMS de plus serait facturé)."
                )
    if errors:
        raise ValidationError(errors)


def example_fields(channel: str) -> dict[str, str]:
    example = timezone.make_aware(datetime.datetime(2026, 12, 1, 14, 30))
    return {**TEMPLATE_FIELDS, **when_fields(example, channel)}


def template_update(*, template: MessageTemplate, subject: str, body: str, user) -> MessageTemplate:
    template_check(channel=template.channel, subject=subject, body=body)
    template.subject = subject if template.channel == Channel.EMAIL else ""
    template.body = body
    template.full_clean()
    template.save()
    journal_record(
        action=JournalAction.UPDATE,
        user=user,
        obj=template,
        payload={"code": template.code, "channel": template.channel},
    )
    return template


def site_phone_set(*, site, phone: str, user) -> SiteContact:
    contact, _ = SiteContact.objects.update_or_create(site=site, defaults={"phone": phone})
    journal_record(action=JournalAction.UPDATE, user=user, obj=site, payload={"fields": ["phone"]})
    return contact


# Creating messages ----------------------------------------------------------------------------


def _address(person, channel: str) -> str:
    """Where a message to `person` goes on `channel`, or "" if it cannot go there."""
    if channel == Channel.EMAIL:
        return person.email.strip()
    try:
        number = phone_e164(person.phone)
    except ValueError:
        return ""
    return number if is_mobile_e164(number) else ""


def in_quiet_hours(moment: datetime.datetime) -> bool:
    local = timezone.localtime(moment).time()
    return local >= QUIET_START or local < QUIET_END


def after_quiet_hours(moment: datetime.datetime) -> datetime.datetime:
    """`moment`, or 08:00 Europe/Paris that ends the quiet hours it falls in."""
    if not in_quiet_hours(moment):
        return moment
    local = timezone.localtime(moment)
    day = local.date() if local.time() < QUIET_END else local.date() + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(day, QUIET_END))


def message_notify(notice: Notice, *, now: datetime.datetime | None = None) -> list[Message]:
    """Create the messages of `notice` on each channel the person consented to, and send them
    when the transaction commits. Nothing is created on a channel without consent or address;
    a reminder already made for the same record is not made again."""
    now = now or timezone.now()
    consents = set(
        ContactConsent.objects.filter(person=notice.person, given=True).values_list(
            "channel", flat=True
        )
    )
    templates = templates_for(notice.template)
    phone = SiteContact.objects.filter(site=notice.site).values_list("phone", flat=True).first()
    if notice.template in (TemplateCode.CHANGE, TemplateCode.CANCELLATION):
        # What still waits about this record (a reminder held by the quiet hours) is outdated.
        Message.objects.filter(
            about_kind=notice.about_kind,
            about_id=str(notice.about_id),
            status=MessageStatus.EN_ATTENTE,
        ).update(status=MessageStatus.ECHEC, failure_reason=OUTDATED, withheld=True)
    created = []
    for channel in Channel:
        to = _address(notice.person, channel) if channel in consents else ""
        template = templates.get(channel)
        if not to or template is None:
            continue
        fields = {
            "quoi": notice.what,
            "lieu": notice.place,
            "telephone": phone or notice.site.name,
            **when_fields(notice.start, channel),
        }
        message = Message(
            person=notice.person,
            site=notice.site,
            channel=channel,
            template=notice.template,
            subject=render(template.subject, fields, Channel.EMAIL) if template.subject else "",
            body=render(template.body, fields, channel),
            to=to,
            created_at=now,
            scheduled_for=after_quiet_hours(now) if channel == Channel.SMS else now,
            about_kind=notice.about_kind,
            about_id=str(notice.about_id),
            visible_with_perm=notice.visible_with_perm,
        )
        if notice.template in REMINDER_CODES:
            try:
                with transaction.atomic():
                    message.save()
            except IntegrityError:
                continue  # already reminded (msg_reminder_once)
        else:
            message.save()
        created.append(message)
    for message in created:
        if message.scheduled_for <= now:
            transaction.on_commit(lambda pk=message.pk: _enqueue(pk))
    return created


def _enqueue(message_id: int) -> None:
    # The broker down: the message waits « en attente » and the beat task sends it later.
    send_quickly("messaging.tasks.send_message", args=(message_id,))


# Sending ---------------------------------------------------------------------------------------


def _claim(message_id: int, now: datetime.datetime) -> Message | None:
    """Take a due message for sending, or None if it is not due or someone else has it: one
    conditional UPDATE, so that the task and the beat never send it twice."""
    taken = Message.objects.filter(
        pk=message_id, status=MessageStatus.EN_ATTENTE, scheduled_for__lte=now
    ).update(scheduled_for=now + LEASE, attempts=F("attempts") + 1)
    if not taken:
        return None
    return Message.objects.select_related("person").get(pk=message_id)


def _backoff(attempts: int) -> datetime.timedelta:
    """5 minutes after the first failure, then 10, 20, 40… at most 6 hours."""
    return min(datetime.timedelta(minutes=5 * 2 ** (attempts - 1)), datetime.timedelta(hours=6))


class SendFailure(Exception):
    """A try failed and another is planned in `retry_in` seconds."""

    def __init__(self, reason: str, retry_in: int):
        super().__init__(reason)
        self.retry_in = retry_in


def message_send(*, message_id: int, now: datetime.datetime | None = None) -> Message | None:
    """Send one due message. Returns it with its new status; raises SendFailure when the
    provider failed and a retry is planned (the task retries; the beat would too)."""
    now = now or timezone.now()
    if in_quiet_hours(now):
        # Held: the SMS waits for 08:00 (set before the claim, so that no try is counted).
        Message.objects.filter(
            pk=message_id,
            status=MessageStatus.EN_ATTENTE,
            channel=Channel.SMS,
            scheduled_for__lte=now,
        ).update(scheduled_for=after_quiet_hours(now))
    message = _claim(message_id, now)
    if message is None:
        return None
    if not has_consent(message.person, message.channel):
        return _finish(message, status=MessageStatus.ECHEC, reason=CONSENT_WITHDRAWN, withheld=True)
    try:
        provider_id = _deliver(message)
    except sms.SmsError as error:
        if error.retry and message.attempts < settings.CEIS_MESSAGES_MAX_ATTEMPTS:
            delay = _backoff(message.attempts)
            Message.objects.filter(pk=message.pk).update(
                scheduled_for=now + delay, failure_reason=error.reason[:300]
            )
            raise SendFailure(error.reason, int(delay.total_seconds())) from error
        return _finish(message, status=MessageStatus.ECHEC, reason=error.reason)
    return _finish(message, status=MessageStatus.ENVOYE, provider_id=provider_id, sent_at=now)


def _deliver(message: Message) -> str:
    if message.channel == Channel.SMS:
        return sms.backend().send(message.to, message.body)
    email = EmailMessage(subject=message.subject or "CEIS", body=message.body, to=[message.to])
    try:
        email.send(fail_silently=False)
    except OSError as error:  # smtplib's errors, refused connections and timeouts
        code = getattr(error, "smtp_code", None)
        if isinstance(error, smtplib.SMTPRecipientsRefused) and error.recipients:
            code, detail = next(iter(error.recipients.values()))
            error.smtp_error = detail
        # A permanent refusal (5xx: unknown mailbox…) is not retried; the rest may pass later.
        permanent = isinstance(code, int) and 500 <= code < 600
        detail = getattr(error, "smtp_error", b"") or str(error)
        if isinstance(detail, bytes):
            detail = detail.decode("utf-8", "replace")
        reason = f"SMTP {code} : {detail}" if code else f"SMTP : {detail or type(error).__name__}"
        raise sms.SmsError(reason[:300], retry=not permanent) from error
    return ""


def _finish(
    message: Message, *, status, reason="", provider_id="", sent_at=None, withheld=False
) -> Message:
    message.status = status
    message.failure_reason = reason[:300]
    message.provider_id = provider_id
    message.sent_at = sent_at
    message.withheld = withheld
    fields = ["status", "failure_reason", "provider_id", "sent_at", "withheld"]
    if status == MessageStatus.ECHEC:
        message.scheduled_for = timezone.now()
        fields.append("scheduled_for")
    message.save(update_fields=fields)
    return message


def messages_send_due(*, now: datetime.datetime | None = None) -> int:
    """The beat's round: make the reminders due, then send every due message. Returns how many
    messages left."""
    now = now or timezone.now()
    reminders_make(now=now)
    sent = 0
    due = Message.objects.filter(status=MessageStatus.EN_ATTENTE, scheduled_for__lte=now)
    for message_id in due.order_by("scheduled_for").values_list("pk", flat=True)[:500]:
        try:
            message = message_send(message_id=message_id, now=now)
        except SendFailure:
            continue
        except Exception:  # one broken message must not stop the round
            logger.exception("message %s not sent", message_id)
            continue
        if message is not None and message.status == MessageStatus.ENVOYE:
            sent += 1
    return sent


def reminders_make(*, now: datetime.datetime | None = None) -> int:
    """The reminders each programme says are due (`<app>.messages.due_reminders(now)`), made
    once per record, template and channel."""
    now = now or timezone.now()
    made = 0
    for module in app_modules("messages"):
        for notice in module.due_reminders(now):
            already = Message.objects.filter(
                about_kind=notice.about_kind,
                about_id=str(notice.about_id),
                template=notice.template,
            ).exists()
            if not already:
                made += len(message_notify(notice, now=now))
    return made


# Delivery reports ------------------------------------------------------------------------------

# Brevo's `msg_status` values (transactional SMS webhooks) and what they make of a message.
_DELIVERED = {"delivered"}
_FAILED = {
    "hard_bounce": "numéro invalide ou injoignable (hard bounce)",
    "soft_bounce": "non remis (soft bounce)",
    "rejected": "refusé par l'opérateur",
    "blocked": "numéro bloqué",
    "skip": "non envoyé par Brevo",
    "error": "erreur chez Brevo",
}
_STOP_WORDS = {"STOP", "STOPSMS", "ARRET", "ARRÊT"}


def delivery_report(*, payload: dict) -> str:
    """One Brevo webhook call: a delivery report updates the message's status; a reply « STOP »
    (or Brevo's unsubscription) withdraws the person's SMS consent. Returns what was done."""
    provider_id = str(payload.get("messageId") or payload.get("message_id") or "")
    status = str(payload.get("msg_status") or payload.get("event") or "").lower()
    reply = str(payload.get("reply") or payload.get("text") or "").strip()
    message = (
        Message.objects.select_related("person").filter(provider_id=provider_id).first()
        if provider_id
        else None
    )
    if message is None:
        message = _message_from_number(payload.get("to") or payload.get("from") or "")
    if message is None:
        return "inconnu"
    if status in ("unsubscribed", "unsubscription") or (
        reply and reply.split()[0].upper().strip(".!") in _STOP_WORDS
    ):
        consent_record(person=message.person, channel=Channel.SMS, given=False, user=None)
        return "stop"
    if status in _DELIVERED and message.status in (MessageStatus.ENVOYE, MessageStatus.REMIS):
        Message.objects.filter(pk=message.pk).update(
            status=MessageStatus.REMIS, delivered_at=timezone.now()
        )
        return "remis"
    if status in _FAILED:
        Message.objects.filter(pk=message.pk).update(
            status=MessageStatus.ECHEC, failure_reason=_FAILED[status]
        )
        return "echec"
    return "ignore"


def _message_from_number(number: str) -> Message | None:
    """A reply names the number it comes from: the last SMS sent to it."""
    if not number:
        return None
    try:
        e164 = phone_e164(number if str(number).startswith("+") else f"+{number}")
    except ValueError:
        return None
    return (
        Message.objects.select_related("person")
        .filter(channel=Channel.SMS, to=e164)
        .exclude(sent_at=None)
        .order_by("-sent_at")
        .first()
    )
