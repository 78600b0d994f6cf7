"""Retention: an honoured appointment is a contact; anonymisation removes the appointments."""

import datetime

import pytest
import time_machine

from appointments.models import Appointment
from ceis.choices import Role
from ceis.retention import persons_anonymise, persons_to_anonymise
from ceis.tests.factories import PersonFactory

from .factories import AppointmentFactory, at

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 28)


def _old_person(site):
    with time_machine.travel(datetime.datetime(2023, 1, 2, 9, tzinfo=datetime.UTC)):
        return PersonFactory(site=site)


@time_machine.travel(datetime.datetime(2026, 11, 28, 9, tzinfo=datetime.UTC))
def test_an_honoured_appointment_counts_as_a_contact_a_cancelled_one_does_not(site, make_user):
    agent = make_user(Role.MEDIATEUR_NUMERIQUE)
    came = _old_person(site)
    AppointmentFactory(person=came, agent=agent, site=site, start=at(TODAY, 9), honoured=True)
    cancelled = _old_person(site)
    AppointmentFactory(
        person=cancelled, agent=agent, site=site, start=at(TODAY, 10), cancelled=True
    )
    due = set(persons_to_anonymise(today=TODAY))
    assert came not in due
    assert cancelled in due


def test_anonymising_a_person_deletes_their_appointments_only(site, make_user):
    agent = make_user(Role.MEDIATEUR_NUMERIQUE)
    gone = AppointmentFactory(agent=agent, site=site, place="Salle Verte")
    kept = AppointmentFactory(agent=agent, site=site, start=at(TODAY, 15))
    persons_anonymise(person_ids=[gone.person_id])
    assert list(Appointment.objects.all()) == [kept]
