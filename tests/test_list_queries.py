"""Persons and journal lists: a pinned query count that does not grow with the rows."""

import datetime
import re

import pytest
from django.urls import reverse

from ceis import pagination
from ceis.choices import JournalAction, Role
from ceis.models import JournalEntry, Person
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

    assert_constant(client, reverse("persons:list"), add, marker="ligne", expected=9, params=params)


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
        client, reverse("journal"), add, marker="ref", expected=8, paginated=False, params=params
    )


@pytest.mark.django_db
@pytest.mark.parametrize("deferred_from", [0, 7, pagination.DEFERRED_FROM])
@pytest.mark.parametrize(
    "ordering", [(), ("-birth_date",), ("first_name",)], ids=["name", "birth-desc", "first-name"]
)
def test_every_row_is_on_exactly_one_page_whichever_way_a_page_is_read(
    site, monkeypatch, deferred_from, ordering
):
    """Namesakes and equal dates tie: `total_order` adds the primary key, so that pages read
    from the start, from the end (second half) or in two steps give every row exactly once, in
    the list's order."""
    monkeypatch.setattr(pagination, "DEFERRED_FROM", deferred_from)
    for i in range(23):
        PersonFactory(
            site=site,
            last_name=f"Homonyme{i % 3}",
            first_name=f"Prénom{i % 2}",
            birth_date=datetime.date(1980 + i % 4, 1, 1),
        )
    rows = Person.objects.filter(site=site)
    if ordering:
        rows = rows.order_by(*ordering)
    paginator = pagination.DeferredPaginator(pagination.total_order(rows), 5)
    pages = [list(paginator.page(number)) for number in paginator.page_range]
    assert [len(page) for page in pages] == [5, 5, 5, 5, 3]
    read = [person.pk for page in pages for person in page]
    expected_order = (*(ordering or ("last_name", "first_name")), "pk")
    if ordering and ordering[0].startswith("-"):
        expected_order = (*ordering, "-pk")
    assert read == list(rows.order_by(*expected_order).values_list("pk", flat=True))


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
