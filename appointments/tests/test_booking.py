"""Booking, moving and statuses (services), and no double booking on the engine of the run."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from appointments import services
from appointments.choices import AppointmentKind, AppointmentStatus
from appointments.models import Appointment
from ceis.choices import JournalAction, Role
from ceis.models import JournalEntry
from ceis.tests.factories import PersonFactory

from .factories import AbsenceFactory, AppointmentFactory, at

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 12, 8)  # a Tuesday


@pytest.fixture
def agent(make_user):
    return make_user(Role.MEDIATEUR_NUMERIQUE, first_name="Inès", last_name="Roux")


def _book(agent, site, start, duration=30, person=None):
    return services.appointment_book(
        user=agent,
        person=person or PersonFactory(site=site),
        agent=agent,
        site=site,
        kind=AppointmentKind.ACCOMPAGNEMENT_NUMERIQUE,
        start=start,
        duration_min=duration,
    )


def test_a_booking_is_saved_with_its_end_and_journalled(agent, site):
    appointment = _book(agent, site, at(DAY, 10), duration=45)
    assert appointment.end == at(DAY, 10, 45)
    assert appointment.status == AppointmentStatus.PREVU
    entry = JournalEntry.objects.get(action=JournalAction.CREATE, object_type__contains="appoint")
    assert entry.object_ref == str(appointment.public_id)


@pytest.mark.parametrize(
    ("hour", "minute", "duration"),
    [(10, 0, 30), (10, 15, 30), (9, 45, 30), (9, 30, 90)],
    ids=["same-time", "starts-inside", "ends-inside", "covers"],
)
def test_an_overlapping_booking_of_the_same_agent_is_refused_in_french(
    agent, site, hour, minute, duration
):
    _book(agent, site, at(DAY, 10))
    with pytest.raises(ValidationError) as refused:
        _book(agent, site, at(DAY, hour, minute), duration=duration)
    message = refused.value.message_dict["start"][0]
    assert message == (
        "Inès Roux a déjà un rendez-vous de 10\xa0h à 10\xa0h\xa030 le mardi 8 décembre 2026 : "
        "choisissez un autre créneau."
    )
    assert Appointment.objects.count() == 1


def test_back_to_back_appointments_and_other_agents_are_accepted(agent, site, make_user):
    _book(agent, site, at(DAY, 10))
    _book(agent, site, at(DAY, 10, 30))  # starts when the other ends
    colleague = make_user(Role.TRAVAILLEUR_SOCIAL)
    _book(colleague, site, at(DAY, 10))
    assert Appointment.objects.count() == 3


def test_a_cancelled_appointment_frees_its_slot_and_cannot_come_back_over_another(agent, site):
    first = _book(agent, site, at(DAY, 10))
    services.appointment_set_status(user=agent, appointment=first, status="excuse")
    second = _book(agent, site, at(DAY, 10))
    assert second.pk
    with pytest.raises(ValidationError):
        services.appointment_set_status(user=agent, appointment=first, status="prevu")
    first.refresh_from_db()
    assert first.status == AppointmentStatus.EXCUSE


def test_moving_onto_another_appointment_is_refused_and_changes_nothing(agent, site):
    _book(agent, site, at(DAY, 10))
    other = _book(agent, site, at(DAY, 11))
    with pytest.raises(ValidationError):
        services.appointment_move(user=agent, appointment=other, start=at(DAY, 10, 15))
    other.refresh_from_db()
    assert other.start == at(DAY, 11)
    services.appointment_move(user=agent, appointment=other, start=at(DAY, 14), duration_min=60)
    other.refresh_from_db()
    assert (other.start, other.end) == (at(DAY, 14), at(DAY, 15))


def test_an_absent_agent_cannot_be_booked(agent, site):
    AbsenceFactory(agent=agent, start=at(DAY, 0), end=at(DAY + datetime.timedelta(days=1), 0))
    with pytest.raises(ValidationError) as refused:
        _book(agent, site, at(DAY, 10))
    assert "est absent·e" in refused.value.message_dict["start"][0]


def test_an_agent_of_another_site_or_a_volunteer_cannot_be_booked(agent, other_site, make_user):
    with pytest.raises(ValidationError) as refused:
        _book(agent, other_site, at(DAY, 10))
    assert refused.value.message_dict["site"] == ["Inès Roux ne travaille pas sur ce site."]
    volunteer = make_user(Role.VOLONTAIRE)
    with pytest.raises(ValidationError) as refused:
        _book(volunteer, other_site, at(DAY, 10))
    assert "ne reçoit pas de rendez-vous" in refused.value.message_dict["agent"][0]


def test_the_database_itself_refuses_a_double_booking_written_around_the_service(agent, site):
    """PostgreSQL: the exclusion constraint. SQLite has none: the service is the guard there,
    and this test shows the difference."""
    AppointmentFactory(agent=agent, site=site, start=at(DAY, 10))
    overlapping = AppointmentFactory.build(agent=agent, site=site, start=at(DAY, 10, 15))
    overlapping.person.save()
    if connection.vendor == "postgresql":
        with pytest.raises(IntegrityError, match="appt_no_double_booking"), transaction.atomic():
            overlapping.save()
        # A cancelled one may overlap: the constraint's condition leaves it out.
        overlapping.status = AppointmentStatus.EXCUSE
        overlapping.save()
        assert Appointment.objects.count() == 2
    else:
        overlapping.save()
        assert Appointment.objects.busy().count() == 2
