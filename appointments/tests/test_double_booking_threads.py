"""Two agents' screens booking the same slot at the same instant, each in its own thread and
database connection: one appointment, one French refusal — on SQLite (IMMEDIATE transactions,
a file database: see conftest.py) and on PostgreSQL (the agent's row locked, and the exclusion
constraint behind it). Marked `faults` like the other thread tests: run with `-m faults`."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from appointments import services
from appointments.choices import AppointmentKind
from appointments.models import Appointment
from ceis.choices import Role
from ceis.roles import sync_all_role_groups
from ceis.tests.factories import PersonFactory, UserFactory

from .factories import at

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _role_groups(transactional_db):
    sync_all_role_groups()


def test_two_bookings_of_one_slot_at_once_give_one_appointment(site):
    agent = UserFactory(role=Role.TRAVAILLEUR_SOCIAL, sites=[site])
    desks = [UserFactory(role=Role.MEDIATEUR_NUMERIQUE, sites=[site]) for _ in range(2)]
    persons = [PersonFactory(site=site) for _ in range(2)]
    day = datetime.date(2026, 12, 8)
    start_line = threading.Barrier(2)
    outcomes = [None, None]

    def book(index):
        try:
            start_line.wait()
            services.appointment_book(
                user=desks[index],
                person=persons[index],
                agent=agent,
                site=site,
                kind=AppointmentKind.ENTRETIEN_SOCIAL,
                # The second overlaps the first by a quarter of an hour.
                start=at(day, 10, 15 * index),
                duration_min=30,
            )
            outcomes[index] = "booked"
        except ValidationError as error:
            outcomes[index] = error.message_dict["start"][0]
        except Exception as error:  # reported by the assertions below
            outcomes[index] = repr(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert outcomes.count("booked") == 1, outcomes
    refused = [o for o in outcomes if o != "booked"]
    assert len(refused) == 1, outcomes
    assert "a déjà un rendez-vous" in refused[0]
    assert Appointment.objects.filter(agent=agent).count() == 1
