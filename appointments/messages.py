"""What the messages say about appointments (gathered by messaging with
`ceis.hooks.app_modules("messages")`): confirmation on booking, change when moved, cancellation,
and the reminder two days before."""

import datetime

from django.utils import timezone

from messaging.choices import TemplateCode
from messaging.notices import Notice

from . import perms
from .choices import AppointmentKind, AppointmentStatus
from .models import Appointment

REMINDER_DAYS = 2
# What moves an appointment in the person's eyes: a change message is sent.
NOTIFIED_FIELDS = {"start", "site", "place"}


def notice(appointment: Appointment, template: str) -> Notice:
    kind = AppointmentKind(appointment.kind).label.lower()
    what = kind if template in _KIND_ONLY else f"rendez-vous ({kind})"
    place = appointment.place or appointment.site.address or appointment.site.name
    return Notice(
        person=appointment.person,
        site=appointment.site,
        template=template,
        about_kind="appointment",
        about_id=str(appointment.pk),
        what=what,
        start=appointment.start,
        place=place[:1].lower() + place[1:] if appointment.by_phone else place,
        # A social interview tells that the person is followed in Unis'Vers (perms.py).
        visible_with_perm="unisvers.view_enrollment"
        if appointment.kind in perms.SOCIAL_KINDS
        else "",
    )


# The templates that write « rendez-vous ({quoi}) » themselves.
_KIND_ONLY = (TemplateCode.APPOINTMENT_CONFIRMATION, TemplateCode.APPOINTMENT_REMINDER)


def due_reminders(now: datetime.datetime) -> list[Notice]:
    """The appointments two days ahead, still planned, booked before that day."""
    today = timezone.localdate(now)
    day = today + datetime.timedelta(days=REMINDER_DAYS)
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(day, datetime.time.min, tzinfo=tz)
    booked_before = datetime.datetime.combine(today, datetime.time.min, tzinfo=tz)
    appointments = Appointment.objects.filter(
        status=AppointmentStatus.PREVU,
        start__gte=start,
        start__lt=start + datetime.timedelta(days=1),
        created_at__lt=booked_before,
    ).select_related("person", "site")
    return [notice(appointment, TemplateCode.APPOINTMENT_REMINDER) for appointment in appointments]


def confirmations_since(moment: datetime.datetime) -> list[Notice]:
    """The confirmations of the appointments from `moment` on (the demo's messages)."""
    appointments = (
        Appointment.objects.filter(start__gte=moment)
        .exclude(status=AppointmentStatus.EXCUSE)
        .select_related("person", "site")
        .order_by("start", "pk")
    )
    return [
        notice(appointment, TemplateCode.APPOINTMENT_CONFIRMATION) for appointment in appointments
    ]
