"""The SQL of the list of bilans, pinned per role (snapshots/test_list_sql/): a bilan is read
on the user's sites, an all-sites one only by whom `can_see_all_sites_bilan` allows."""

import datetime

import pytest
from django.urls import reverse

from ceis.choices import Role
from reporting.models import BilanDocument, BilanVersion

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", [Role.MANAGER, Role.ADMIN])
def test_document_list(client_for, site, other_site, assert_snapshot_queries, role):
    client = client_for(role)
    for where in (site, site, other_site, None):
        document = BilanDocument.objects.create(
            site=where,
            date_from=datetime.date(2025, 1, 1),
            date_to=datetime.date(2025, 12, 31),
            publication_date=datetime.date(2026, 1, 15),
            created_by=client.user,
        )
        BilanVersion.objects.create(document=document, number=1, indicators={"n": 1})
    with assert_snapshot_queries():
        response = client.get(reverse("reporting:documents"))
    assert response.status_code == 200
