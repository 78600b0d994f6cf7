"""The bilans list: a pinned query count that does not grow with the rows."""

import datetime

import pytest
from django.urls import reverse

from ceis.choices import Role
from ceis.tests.list_queries import assert_constant, get_counting
from reporting.models import BilanDocument, BilanVersion


@pytest.mark.django_db
# A manager's visibility asks whether they miss a site (all-sites bilans): one query more.
@pytest.mark.parametrize("role, expected", [(Role.MANAGER, 9), (Role.ADMIN, 8)])
def test_document_list(client_for, site, role, expected):
    client = client_for(role)

    def add(start, stop):
        for i in range(start, stop):
            document = BilanDocument.objects.create(
                site=site,
                title=f"Ligne{i:03}",
                date_from=datetime.date(2025, 1, 1),
                date_to=datetime.date(2025, 12, 31),
                publication_date=datetime.date(2026, 1, 15),
                created_by=client.user,
            )
            for number in (1, 2):
                BilanVersion.objects.create(
                    document=document, number=number, indicators={"n": number}
                )

    url = reverse("reporting:documents")
    assert_constant(client, url, add, marker="ligne", expected=expected)
    # The versions are counted, not read: two per bilan on every row.
    _, page = get_counting(client, url)
    assert page.count("<td>2</td>") == 25


@pytest.mark.django_db
def test_document_list_shows_the_newest_bilan_first(client_for, site):
    client = client_for(Role.MANAGER)
    for title in ("Bilan ancien", "Bilan récent"):
        BilanDocument.objects.create(
            site=site,
            title=title,
            date_from=datetime.date(2025, 1, 1),
            date_to=datetime.date(2025, 12, 31),
            publication_date=datetime.date(2026, 1, 15),
            created_by=client.user,
        )
    page = client.get(reverse("reporting:documents")).content.decode()
    assert page.index("Bilan récent") < page.index("Bilan ancien")
