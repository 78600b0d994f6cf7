"""Persons and journal lists: a pinned query count that does not grow with the rows."""

import pytest
from django.urls import reverse

from ceis.choices import JournalAction, Role
from ceis.models import JournalEntry
from ceis.tests.factories import NeighbourhoodFactory, PersonFactory
from ceis.tests.list_queries import assert_constant


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role",
    [Role.TRAVAILLEUR_SOCIAL, Role.MEDIATEUR_NUMERIQUE, Role.VOLONTAIRE, Role.ADMIN],
)
@pytest.mark.parametrize("params", [{}, {"q": "ligne", "ordering": "-naissance"}])
def test_person_list(client_for, site, role, params):
    client = client_for(role)
    hood = NeighbourhoodFactory()

    def add(start, stop):
        for i in range(start, stop):
            PersonFactory(site=site, neighbourhood=hood, last_name=f"Ligne{i:03}")

    assert_constant(
        client, reverse("persons:list"), add, marker="ligne", expected=12, params=params
    )


@pytest.mark.django_db
@pytest.mark.parametrize("params", [{}, {"action": JournalAction.VIEW}])
def test_journal(client_for, params):
    client = client_for(Role.ADMIN)

    def add(start, stop):
        for i in range(start, stop):
            JournalEntry.objects.create(
                action=JournalAction.VIEW,
                user=client.user,
                username=client.user.username,
                object_type="person",
                object_ref=f"ref{i:03}",
            )

    # 50 entries a page: the many rows all fit.
    assert_constant(
        client, reverse("journal"), add, marker="ref", expected=11, paginated=False, params=params
    )
