"""The SQL of Vill@ges connectés' scoped pages, pinned per role (snapshots/test_list_sql/): a
lost `site_id IN (…)` fails here."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from ceis.choices import Role
from ceis.tests.factories import PersonFactory
from villages.tests.factories import (
    IndividualHelpFactory,
    RegistrationFactory,
    SessionFactory,
    VisitFactory,
)

pytestmark = pytest.mark.django_db

CALENDAR_READERS = [Role.MEDIATEUR_NUMERIQUE, Role.VOLONTAIRE, Role.MANAGER, Role.ADMIN]


@pytest.fixture(autouse=True)
def _a_morning():
    """The sessions of "today" start at 14:00: run in the afternoon, they were past sessions
    too, and the past sessions' SQL (its LIMIT) changed with the hour the tests ran. Every test
    here runs on a Tuesday morning."""
    morning = datetime.datetime(2026, 3, 10, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))
    with time_machine.travel(morning):
        yield


def _world(site, other_site, user):
    """Two rows of each kind on the user's site and one on another site; the session of today
    on the user's site."""
    sessions = []
    for where in (site, site, other_site):
        for when in ({"today": True}, {"past": True}):
            session = SessionFactory(site=where, capacity=10, **when)
            RegistrationFactory(session=session, person=PersonFactory(site=where))
            RegistrationFactory(session=session, person=PersonFactory(site=where), waiting=True)
            sessions.append(session)
        IndividualHelpFactory(site=where, mediator=user, person=PersonFactory(site=where))
        VisitFactory(site=where, person=PersonFactory(site=where))
    return sessions[0]


@pytest.mark.parametrize("role", CALENDAR_READERS)
@pytest.mark.parametrize(
    "url_name", ["villages:session_week", "villages:session_month", "villages:session_past"]
)
def test_sessions(client_for, site, other_site, assert_snapshot_queries, role, url_name):
    client = client_for(role)
    _world(site, other_site, client.user)
    with assert_snapshot_queries():
        response = client.get(reverse(url_name))
    assert response.status_code == 200


# (role, page, whether the page is the session's): who sees registrations, helps and visits.
PAGES = [
    (Role.MEDIATEUR_NUMERIQUE, "villages:session_detail", True),
    (Role.ADMIN, "villages:session_detail", True),
    (Role.MEDIATEUR_NUMERIQUE, "villages:session_checkin", True),
    (Role.VOLONTAIRE, "villages:session_checkin", True),
    (Role.ADMIN, "villages:session_checkin", True),
    (Role.MEDIATEUR_NUMERIQUE, "villages:help_list", False),
    (Role.ADMIN, "villages:help_list", False),
    (Role.MEDIATEUR_NUMERIQUE, "villages:visit_counter", False),
    (Role.VOLONTAIRE, "villages:visit_counter", False),
    (Role.ADMIN, "villages:visit_counter", False),
]


@pytest.mark.parametrize("role, url_name, of_session", PAGES)
def test_page(client_for, site, other_site, assert_snapshot_queries, role, url_name, of_session):
    client = client_for(role)
    session = _world(site, other_site, client.user)
    url = reverse(url_name, args=[session.public_id] if of_session else [])
    with assert_snapshot_queries():
        response = client.get(url)
    assert response.status_code == 200
