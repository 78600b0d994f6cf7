"""Screens of the agendas, one module per flow: agendas (day, week, free slots), booking (book,
move, statuses, convocation), hours (opening hours, absences), feed (iCalendar)."""

from .agendas import agenda_day, agenda_week
from .booking import (
    appointment_convocation,
    appointment_create,
    appointment_status,
    appointment_update,
)
from .feed import feed, feed_settings
from .hours import hours

__all__ = [
    "agenda_day",
    "agenda_week",
    "appointment_convocation",
    "appointment_create",
    "appointment_status",
    "appointment_update",
    "feed",
    "feed_settings",
    "hours",
]
