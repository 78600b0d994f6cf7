"""Persons and journal lists: a pinned query count that does not grow with the rows."""

import datetime
import re

import pytest
from django.urls import reverse

from ceis import pagination
from ceis.choices import JournalAction, Role
from ceis.models import JournalEntry
from ceis.tests.factories import NeighbourhoodFactory, PersonFactory
from ceis.tests.list_queries import assert_constant, get_counting
from villages.tests.factories import IndividualHelpFactory


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role", [Role.TRAVAILLEUR_SOCIAL, Role.MEDIATEUR_NUMERIQUE, Role.ADMIN]
)  # volunteers have no list of persons (security.md row 18)
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


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["persons:list", "villages:help_list"])
def test_a_deep_page_is_read_in_two_steps_and_shows_the_same_rows(
    client_for, site, monkeypatch, url_name
):
    """Past DEFERRED_FROM skipped rows, a page reads its rows' keys, then the rows: one query
    more, the same rows in the same order."""
    client = client_for(Role.ADMIN)
    for i in range(30):
        help_ = IndividualHelpFactory(
            site=site, person=PersonFactory(site=site, last_name=f"Ligne{i:03}")
        )
        help_.date = help_.date - datetime.timedelta(days=i % 7)
        help_.save()
    url = reverse(url_name)

    def names(page):
        return re.findall(r"ligne\d{3}", page, re.IGNORECASE)

    shallow_count, shallow = get_counting(client, url, {"page": 2})
    monkeypatch.setattr(pagination, "DEFERRED_FROM", 0)
    deep_count, deep = get_counting(client, url, {"page": 2})
    assert names(deep) == names(shallow)
    assert len(set(names(deep))) == 5
    assert deep_count == shallow_count + 1
