"""The private iCalendar feed of an agent's agenda (RFC 5545, with the `icalendar` package).

What it holds is what a phone's calendar may show on a lock screen: times, the kind of
appointment and the person's initials — never a name, a place or a note (domain.md).
"""

import datetime

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from .choices import BUSY_STATUSES
from .models import Appointment

PAST_DAYS = 30
FUTURE_DAYS = 180


def initials(person) -> str:
    """ "C. M." for Camille Martin: enough to tell two appointments apart, not to name anyone."""
    parts = [person.first_name, person.last_name]
    return " ".join(f"{part.strip()[0].upper()}." for part in parts if part and part.strip())


def agenda_ics(agent, *, now: datetime.datetime | None = None) -> bytes:
    now = now or timezone.now()
    calendar = Calendar()
    calendar.add("prodid", "-//CEIS//Agenda des rendez-vous//FR")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"Rendez-vous CEIS — {settings.CEIS_ORGANISATION_NAME}")
    appointments = (
        Appointment.objects.filter(
            agent=agent,
            status__in=BUSY_STATUSES,
            start__gte=now - datetime.timedelta(days=PAST_DAYS),
            start__lt=now + datetime.timedelta(days=FUTURE_DAYS),
        )
        .select_related("person", "site")
        .order_by("start")
    )
    for appointment in appointments:
        event = Event()
        event.add("uid", f"{appointment.public_id}@ceis")
        event.add("dtstamp", appointment.updated_at)
        event.add("dtstart", appointment.start)
        event.add("dtend", appointment.end)
        event.add("summary", f"{appointment.get_kind_display()} — {initials(appointment.person)}")
        calendar.add_component(event)
    return calendar.to_ical()
