"""The SQL of the agendas, pinned per role (snapshots/test_list_sql/): a lost `site_id IN (…)`
or `site_id = …` fails here."""

import datetime

import pytest
from django.urls import reverse

from appointments.choices import Weekday
from ceis.choices import Role

from .factories import AppointmentFactory, OpeningHoursFactory, at

pytestmark = pytest.mark.django_db

TUESDAY = datetime.date(2030, 12, 10)
AGENTS = [Role.TRAVAILLEUR_SOCIAL, Role.MEDIATEUR_NUMERIQUE, Role.ADMIN]


def _world(site, other_site, make_user):
    """Two agents of the site with hours and appointments, one agent of another site."""
    for role, where in (
        (Role.MEDIATEUR_NUMERIQUE, site),
        (Role.TRAVAILLEUR_SOCIAL, site),
        (Role.TRAVAILLEUR_SOCIAL, other_site),
    ):
        agent = make_user(role, sites=[where])
        OpeningHoursFactory(agent=agent, site=where, weekday=Weekday.MARDI)
        for hour in (9, 10):
            AppointmentFactory(agent=agent, site=where, start=at(TUESDAY, hour))


@pytest.mark.parametrize("role", AGENTS)
@pytest.mark.parametrize("url_name", ["appointments:agenda_day", "appointments:agenda_week"])
def test_agendas_of_the_site(
    client_for, site, other_site, make_user, assert_snapshot_queries, role, url_name
):
    client = client_for(role)
    _world(site, other_site, make_user)
    with assert_snapshot_queries():
        response = client.get(
            reverse(url_name), {"agent": "", "site": site.pk, "jour": TUESDAY.isoformat()}
        )
    assert response.status_code == 200
    # The mediator never sees a social worker's appointments (security.md row 3).
    seen = 2 if role == Role.MEDIATEUR_NUMERIQUE else 4
    assert response.content.decode().count("Accompagnement numérique") == seen
