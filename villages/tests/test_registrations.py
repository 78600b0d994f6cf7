"""Seats, waiting list, promotion on cancellation, and the last-seat race (PostgreSQL)."""

import threading
import time

import pytest
from django.db import connection, connections

from ceis.choices import JournalAction
from ceis.models import JournalEntry
from ceis.tests.factories import PersonFactory
from villages import services
from villages.choices import Attendance, RegistrationStatus
from villages.models import Registration
from villages.services import (
    registration_cancel,
    registration_create,
    registration_set_attendance,
    registration_walk_in,
    session_update,
)

from .factories import RegistrationFactory, SessionFactory


@pytest.fixture
def mediator(make_user):
    from ceis.choices import Role

    return make_user(Role.MEDIATEUR_NUMERIQUE)


@pytest.mark.django_db
def test_a_full_session_puts_new_registrations_on_the_waiting_list(site, mediator):
    session = SessionFactory(site=site, capacity=2)
    people = [PersonFactory(site=site) for _ in range(4)]
    statuses = [
        registration_create(session=session, person=p, user=mediator).status for p in people
    ]
    assert statuses == [
        RegistrationStatus.INSCRIT,
        RegistrationStatus.INSCRIT,
        RegistrationStatus.LISTE_ATTENTE,
        RegistrationStatus.LISTE_ATTENTE,
    ]


@pytest.mark.django_db
def test_cancelling_promotes_the_first_person_waiting(site, mediator):
    session = SessionFactory(site=site, capacity=1)
    seated, first_waiting, second_waiting = (PersonFactory(site=site) for _ in range(3))
    seat = registration_create(session=session, person=seated, user=mediator)
    registration_create(session=session, person=first_waiting, user=mediator)
    registration_create(session=session, person=second_waiting, user=mediator)

    promoted = registration_cancel(registration=seat, user=mediator)

    assert promoted.person == first_waiting
    statuses = dict(Registration.objects.values_list("person_id", "status"))
    assert statuses == {
        seated.pk: RegistrationStatus.ANNULE,
        first_waiting.pk: RegistrationStatus.INSCRIT,
        second_waiting.pk: RegistrationStatus.LISTE_ATTENTE,
    }
    assert JournalEntry.objects.filter(
        action=JournalAction.UPDATE, object_ref=str(promoted.public_id)
    ).exists()


@pytest.mark.django_db
def test_cancelling_a_waiting_registration_promotes_nobody(site, mediator):
    session = SessionFactory(site=site, capacity=1)
    RegistrationFactory(session=session)
    waiting = RegistrationFactory(session=session, waiting=True)
    other_waiting = RegistrationFactory(session=session, waiting=True)
    assert registration_cancel(registration=waiting, user=mediator) is None
    other_waiting.refresh_from_db()
    assert other_waiting.status == RegistrationStatus.LISTE_ATTENTE


@pytest.mark.django_db
def test_more_seats_promote_the_waiting_list(site, mediator):
    session = SessionFactory(site=site, capacity=1)
    RegistrationFactory(session=session)
    waiting = RegistrationFactory(session=session, waiting=True)
    session_update(session=session, user=mediator, capacity=2)
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.INSCRIT


@pytest.mark.django_db
def test_registering_twice_is_refused_but_a_cancelled_registration_reopens(site, mediator):
    from django.core.exceptions import ValidationError

    session = SessionFactory(site=site, capacity=5)
    person = PersonFactory(site=site)
    registration = registration_create(session=session, person=person, user=mediator)
    with pytest.raises(ValidationError, match="déjà inscrit"):
        registration_create(session=session, person=person, user=mediator)
    registration_cancel(registration=registration, user=mediator)
    again = registration_create(session=session, person=person, user=mediator)
    assert again.pk == registration.pk
    assert again.status == RegistrationStatus.INSCRIT


@pytest.mark.django_db
def test_marking_a_waiting_person_present_counts_them_as_registered(site, mediator):
    registration = RegistrationFactory(session__site=site, waiting=True)
    registration_set_attendance(
        registration=registration, attendance=Attendance.PRESENT, user=mediator
    )
    registration.refresh_from_db()
    assert (registration.status, registration.attendance) == (
        RegistrationStatus.INSCRIT,
        Attendance.PRESENT,
    )


@pytest.mark.django_db
def test_a_walk_in_is_present_even_in_a_full_session(site, mediator):
    session = SessionFactory(site=site, capacity=1)
    RegistrationFactory(session=session)
    walk_in = registration_walk_in(session=session, person=PersonFactory(site=site), user=mediator)
    assert (walk_in.status, walk_in.attendance) == (RegistrationStatus.INSCRIT, "present")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_registrations_cannot_both_take_the_last_seat(site, mediator, monkeypatch):
    """Two connections register at the same instant for the one seat left: the row lock on the
    session makes the second wait, see the seat taken, and go to the waiting list."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    session = SessionFactory(site=site, capacity=1)
    people = [PersonFactory(site=site), PersonFactory(site=site)]
    barrier = threading.Barrier(2)
    errors = []
    count_seats = services._seats_taken

    def slow_count(locked_session):
        # Widen the window between counting and writing: without the lock both would see 0.
        taken = count_seats(locked_session)
        time.sleep(0.3)
        return taken

    monkeypatch.setattr(services, "_seats_taken", slow_count)

    def register(person):
        try:
            barrier.wait(timeout=10)
            registration_create(session=session, person=person, user=mediator)
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=register, args=(p,)) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    statuses = sorted(Registration.objects.values_list("status", flat=True))
    assert statuses == [RegistrationStatus.INSCRIT, RegistrationStatus.LISTE_ATTENTE]
