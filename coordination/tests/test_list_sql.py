"""The SQL of the partner directory, pinned per role (snapshots/test_list_sql/): a lost
`site_id IN (…)` fails here."""

import pytest
from django.urls import reverse

from ceis.choices import Role
from ceis.tests.factories import PersonFactory

from .factories import OrientationFactory, PartnerFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", [Role.TRAVAILLEUR_SOCIAL, Role.MEDIATEUR_NUMERIQUE, Role.ADMIN])
def test_the_directory_of_the_users_sites(
    client_for, site, other_site, assert_snapshot_queries, role
):
    client = client_for(role)
    for where in (site, other_site):
        for name in ("France Travail", "Les Petits Débrouillards"):
            partner = PartnerFactory(site=where, name=name)
            OrientationFactory(partner=partner, person=PersonFactory(site=where))
    with assert_snapshot_queries():
        response = client.get(reverse("coordination:partner_list"), {"category": "association"})
    assert response.status_code == 200
    # Admins see every site's partners; the agents, their site's.
    assert response.context["page"].paginator.count == (4 if role == Role.ADMIN else 2)
