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
