"""Appointments' part of retention (ceis.retention): an honoured appointment is a contact, and
a person's appointments go with the person — anonymisation deletes them (their place and
times would say who came when)."""

from django.db.models.functions import TruncDate

from .choices import AppointmentStatus
from .models import Appointment


def contact_dates(person) -> list[tuple]:
    """(appointments honoured by `person`, their day)."""
    honoured = Appointment.objects.filter(person=person, status=AppointmentStatus.HONORE)
    return [(honoured.annotate(day=TruncDate("start")), "day")]


def anonymise(person_ids: list[int]) -> None:
    Appointment.objects.filter(person_id__in=person_ids).delete()
