"""The SQL of Vill@ges connectés' scoped pages, pinned per role (snapshots/test_list_sql/): a
lost `site_id IN (…)` fails here."""

import pytest
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


@pytest.mark.parametrize(
    "role, url_name",
    [
        (Role.MEDIATEUR_NUMERIQUE, "villages:session_detail"),
        (Role.ADMIN, "villages:session_detail"),
        (Role.MEDIATEUR_NUMERIQUE, "villages:session_checkin"),
        (Role.VOLONTAIRE, "villages:session_checkin"),
        (Role.ADMIN, "villages:session_checkin"),
    ],
)
def test_registrations(client_for, site, other_site, assert_snapshot_queries, role, url_name):
    client = client_for(role)
    session = _world(site, other_site, client.user)
    with assert_snapshot_queries():
        response = client.get(reverse(url_name, args=[session.public_id]))
    assert response.status_code == 200


@pytest.mark.parametrize(
    "role, url_name",
    [
        (Role.MEDIATEUR_NUMERIQUE, "villages:help_list"),
        (Role.ADMIN, "villages:help_list"),
        (Role.MEDIATEUR_NUMERIQUE, "villages:visit_counter"),
        (Role.VOLONTAIRE, "villages:visit_counter"),
        (Role.ADMIN, "villages:visit_counter"),
    ],
)
def test_helps_and_visits(client_for, site, other_site, assert_snapshot_queries, role, url_name):
    client = client_for(role)
    _world(site, other_site, client.user)
    with assert_snapshot_queries():
        response = client.get(reverse(url_name))
    assert response.status_code == 200
