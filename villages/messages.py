"""What the messages say about workshops (gathered by messaging with
`ceis.hooks.app_modules("messages")`): registration confirmed, a seat from the waiting list,
a session moved or cancelled, a registration cancelled, and the reminder the day before."""

import datetime

from django.utils import timezone

from messaging.choices import TemplateCode
from messaging.notices import Notice

from .choices import RegistrationStatus
from .models import Registration

# Workshops are not shown to whom may not read registrations (a social worker).
_PERMISSION = "villages.view_registration"


def notice(registration: Registration, template: str) -> Notice:
    session = registration.session
    title = session.workshop.title
    what = title if template not in _WITH_ARTICLE else f"l'atelier {title}"
    return Notice(
        person=registration.person,
        site=session.site,
        template=template,
        about_kind="registration",
        about_id=str(registration.pk),
        what=what,
        start=session.start,
        place=session.site.address or session.site.name,
        visible_with_perm=_PERMISSION,
    )


# The templates that do not write « l'atelier » themselves.
_WITH_ARTICLE = (TemplateCode.CHANGE, TemplateCode.CANCELLATION)


def due_reminders(now: datetime.datetime) -> list[Notice]:
    """The registrations of tomorrow's sessions, made before today."""
    today = timezone.localdate(now)
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(
        today + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz
    )
    registered_before = datetime.datetime.combine(today, datetime.time.min, tzinfo=tz)
    registrations = Registration.objects.filter(
        status=RegistrationStatus.INSCRIT,
        session__start__gte=start,
        session__start__lt=start + datetime.timedelta(days=1),
        registered_at__lt=registered_before,
    ).select_related("person", "session__workshop", "session__site")
    return [notice(registration, TemplateCode.WORKSHOP_REMINDER) for registration in registrations]


def confirmations_since(moment: datetime.datetime) -> list[Notice]:
    """The confirmations of the registrations to sessions from `moment` on (the demo's)."""
    registrations = (
        Registration.objects.filter(status=RegistrationStatus.INSCRIT, session__start__gte=moment)
        .select_related("person", "session__workshop", "session__site")
        .order_by("session__start", "pk")
    )
    return [
        notice(registration, TemplateCode.WORKSHOP_CONFIRMATION) for registration in registrations
    ]
