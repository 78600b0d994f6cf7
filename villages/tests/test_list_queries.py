"""Vill@ges connectés lists: a pinned query count that does not grow with the rows."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from ceis.choices import Role
from ceis.tests.factories import PersonFactory
from ceis.tests.list_queries import assert_constant
from villages.tests.factories import (
    IndividualHelpFactory,
    RegistrationFactory,
    SessionFactory,
    WorkshopFactory,
)

CALENDAR_READERS = [Role.MEDIATEUR_NUMERIQUE, Role.VOLONTAIRE, Role.MANAGER, Role.ADMIN]


def _sessions(site, *, past=False):
    def add(start, stop):
        for i in range(start, stop):
            session = SessionFactory(
                site=site, workshop=WorkshopFactory(title=f"Ligne{i:03}"), today=not past, past=past
            )
            RegistrationFactory(session=session, present=past)
            RegistrationFactory(session=session, waiting=True)

    return add


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.MEDIATEUR_NUMERIQUE, Role.MANAGER, Role.ADMIN])
@pytest.mark.parametrize("params", [{}, {"q": "ligne", "level": "debutant"}])
def test_workshop_list(client_for, site, role, params):
    client = client_for(role)

    def add(start, stop):
        for i in range(start, stop):
            workshop = WorkshopFactory(title=f"Ligne{i:03}", level="debutant")
            SessionFactory.create_batch(2, site=site, workshop=workshop)

    assert_constant(
        client, reverse("villages:workshop_list"), add, marker="ligne", expected=8, params=params
    )


@pytest.mark.django_db
@pytest.mark.parametrize("role", CALENDAR_READERS)
@pytest.mark.parametrize("url_name", ["villages:session_week", "villages:session_month"])
def test_session_calendar(client_for, site, role, url_name):
    """A week or a month shows every session of the period (bounded by the period: no pages)."""
    client = client_for(role)
    assert_constant(
        client, reverse(url_name), _sessions(site), marker="ligne", expected=7, paginated=False
    )


@pytest.mark.django_db
@pytest.mark.parametrize("role", CALENDAR_READERS)
@pytest.mark.parametrize("params", [{}, {"q": "ligne", "date_from": "2000-01-01"}])
def test_past_sessions(client_for, site, role, params):
    client = client_for(role)
    assert_constant(
        client,
        reverse("villages:session_past"),
        _sessions(site, past=True),
        marker="ligne",
        expected=8,
        params=params,
    )


def _registrations(session):
    def add(start, stop):
        for i in range(start, stop):
            RegistrationFactory(
                session=session,
                person=PersonFactory(site=session.site, last_name=f"Ligne{i:03}"),
                waiting=(i % 4 == 3),
                present=(i % 3 == 0),
            )

    return add


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.MEDIATEUR_NUMERIQUE, Role.ADMIN])
def test_session_registrations(client_for, site, role):
    """The session page lists its registrations and waiting list (bounded by the capacity and
    the waiting list: not paginated)."""
    client = client_for(role)
    session = SessionFactory(site=site, capacity=40)
    assert_constant(
        client,
        reverse("villages:session_detail", args=[session.public_id]),
        _registrations(session),
        marker="ligne",
        expected=10,
        paginated=False,
    )


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.MEDIATEUR_NUMERIQUE, Role.VOLONTAIRE, Role.ADMIN])
def test_session_checkin(client_for, site, role):
    client = client_for(role)
    session = SessionFactory(site=site, today=True, capacity=40)
    assert_constant(
        client,
        reverse("villages:session_checkin", args=[session.public_id]),
        _registrations(session),
        marker="ligne",
        expected=10,
        paginated=False,
    )


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.MEDIATEUR_NUMERIQUE, Role.ADMIN])
@pytest.mark.parametrize(
    "params", [{}, {"q": "ligne", "theme": "aide_aux_demarches_administratives", "ordering": "nom"}]
)
def test_help_list(client_for, site, role, params):
    client = client_for(role)
    today = timezone.localdate()

    def add(start, stop):
        for i in range(start, stop):
            IndividualHelpFactory(
                site=site,
                mediator=client.user,
                person=PersonFactory(site=site, last_name=f"Ligne{i:03}"),
                date=today - datetime.timedelta(days=i),
            )

    assert_constant(
        client, reverse("villages:help_list"), add, marker="ligne", expected=9, params=params
    )
