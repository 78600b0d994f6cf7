"""Demo messages (`manage.py seed_demo`, after the agendas and workshops): the sites' phones,
SMS consent of the demo persons who have a mobile, and the confirmations of the week's
appointments and workshops sent through the configured SMS backend — with `make run`, the file
backend, whose file is printed. Keyed by the record each message is about: running it again
sends nothing twice."""

import datetime

from django.conf import settings
from django.utils import timezone

from ceis.hooks import app_modules
from ceis.text import is_mobile_e164, phone_e164

from . import services
from .choices import Channel, MessageStatus
from .models import ContactConsent, Message, SiteContact

PHONES = {"CEIS": "04 67 00 00 00", "MPT-RICOME": "04 67 00 00 01"}


def _mobile(person) -> bool:
    try:
        return is_mobile_e164(phone_e164(person.phone))
    except ValueError:
        return False


def seed(*, core, stdout=None) -> dict:
    sites = core["sites"]
    for code, phone in PHONES.items():
        if code in sites:
            SiteContact.objects.get_or_create(site=sites[code], defaults={"phone": phone})
    now = timezone.now()
    today = timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday())
    since = datetime.datetime.combine(
        monday, datetime.time.min, tzinfo=timezone.get_current_timezone()
    )
    notices = [
        notice for module in app_modules("messages") for notice in module.confirmations_since(since)
    ]
    made = 0
    for notice in notices:
        person = notice.person
        if not _mobile(person):
            continue
        ContactConsent.objects.get_or_create(
            person=person,
            channel=Channel.SMS,
            defaults={"given": True, "date": today - datetime.timedelta(days=30)},
        )
        already = Message.objects.filter(
            about_kind=notice.about_kind, about_id=notice.about_id, template=notice.template
        ).exists()
        if already:
            continue
        # Booked four days ahead, at 10:00; not later than now.
        booked = timezone.localtime(notice.start).replace(hour=10, minute=0) - datetime.timedelta(
            days=4
        )
        moment = min(booked, now)
        for message in services.message_notify(notice, now=moment):
            made += 1
            try:
                services.message_send(message_id=message.pk, now=moment)
            except services.SendFailure:
                continue
    # A past confirmation is delivered by now: what the provider's reports would have said.
    Message.objects.filter(
        status=MessageStatus.ENVOYE, sent_at__lt=now - datetime.timedelta(hours=1)
    ).update(status=MessageStatus.REMIS, delivered_at=now)
    reminders = services.messages_send_due(now=now)
    if stdout is not None:
        stdout.write(
            f"Messages : {made} confirmations et {reminders} envoi(s) du jour "
            f"(consentement SMS des personnes ayant un portable)."
        )
        if settings.CEIS_SMS_BACKEND.endswith("FileSmsBackend"):
            stdout.write(
                f"SMS de démonstration écrits dans {settings.CEIS_SMS_DIR}/sms-AAAA-MM-JJ.jsonl"
            )
    return {"messages": made}
