"""A search's matches sorted apart (ceis/pagination.sorted_apart): the same rows in the same
order, only read another way — the matches found first, then sorted, instead of a walk through
every name in order (docs/performance.md, « List pages »)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ceis import selectors
from ceis.choices import Role
from ceis.models import Person
from ceis.pagination import DeferredPaginator, sorted_apart, total_order
from ceis.selectors import person_search_first, search_sorts_kept
from ceis.tests.factories import PersonFactory

# Accents, case and hyphens, so that the database's collation decides the order.
NAMES = [
    ("Picard", "Élodie"),
    ("picard", "Aurélien"),
    ("Picard", "Zoé"),
    ("Picardat", "Jean"),
    ("Pïcard", "Anne"),
    ("Le Picard", "Marc"),
    ("Picard-Martin", "Inès"),
    ("PICARD", "Bruno"),
    ("Lepicard", "Chloé"),
    ("Picard", "Élodie"),  # a namesake: the primary key decides
]
SORTED_APART = "||"  # the concatenation the sorted query orders by, on both databases


def _ids(rows):
    return [row.pk for row in rows]


def _page_query(queries) -> str:
    return next(
        q["sql"] for q in queries if q["sql"].startswith('SELECT "ceis_person"."id", "ceis_person"')
    )


@pytest.fixture
def picards(site):
    PersonFactory.create_batch(6, site=site, last_name="Durand")  # left out by the search
    return [PersonFactory(site=site, last_name=last, first_name=first) for last, first in NAMES]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "ordering",
    [
        None,  # the model's: last name, first name
        ("last_name", "first_name", "pk"),
        ("-last_name", "-first_name", "-pk"),
        ("last_name", "-birth_date", "pk"),
    ],
)
def test_sorted_apart_gives_the_same_rows_in_the_same_order_both_ways(picards, ordering):
    rows = Person.objects.filter(name_key__contains="picard")
    if ordering:
        rows = rows.order_by(*ordering)
    rows = total_order(rows)
    apart = sorted_apart(rows)
    assert str(apart.query) != str(rows.query)
    assert _ids(apart) == _ids(rows)
    assert _ids(apart.reverse()) == _ids(rows.reverse())
    assert len(_ids(rows)) == 10


@pytest.mark.django_db
def test_a_list_not_ordered_by_a_text_first_is_left_as_it_is(picards):
    by_birth = Person.objects.order_by("birth_date", "pk")
    assert sorted_apart(by_birth).query.order_by == by_birth.query.order_by
    by_site = Person.objects.order_by("site__name", "pk")
    assert sorted_apart(by_site).query.order_by == by_site.query.order_by


@pytest.mark.django_db
def test_every_page_is_the_same_sorted_apart_or_not(picards):
    rows = total_order(Person.objects.filter(name_key__contains="picard"))
    walked = DeferredPaginator(rows, 3)
    sorted_ = DeferredPaginator(rows, 3, sort_kept_up_to=10)
    for number in walked.page_range:
        assert _ids(sorted_.page(number)) == _ids(walked.page(number))
    with CaptureQueriesContext(connection) as queries:
        list(DeferredPaginator(rows, 3, sort_kept_up_to=9).page(2))
    assert SORTED_APART not in _page_query(queries.captured_queries)  # 10 rows kept: walked


def test_short_fragments_alone_are_walked():
    assert search_sorts_kept("picard")
    assert search_sorts_kept("da costa")
    assert not search_sorts_kept("Da C")
    assert search_sorts_kept("picard 1980")
    assert not search_sorts_kept("12/03/1980")
    assert not search_sorts_kept("06 12 34 56 78")
    assert not search_sorts_kept("1980")
    assert not search_sorts_kept("")


@pytest.mark.django_db
@pytest.mark.parametrize(("up_to", "sorted_"), [(10, True), (9, False)])
def test_the_person_list_sorts_a_search_that_keeps_few_rows(
    client_for, picards, monkeypatch, up_to, sorted_
):
    monkeypatch.setattr(selectors, "SEARCH_SORTED_UP_TO", up_to)
    client = client_for(Role.TRAVAILLEUR_SOCIAL)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("persons:list"), {"q": "Picard"})
    assert response.status_code == 200
    assert (SORTED_APART in _page_query(queries.captured_queries)) is sorted_
    shown = _ids(response.context["page"])
    expected = Person.objects.filter(name_key__contains="picard").order_by(
        "last_name", "first_name", "pk"
    )
    assert shown == _ids(expected)


@pytest.mark.django_db
@pytest.mark.parametrize(("up_to", "sorted_"), [(10, True), (9, False)])
def test_the_quick_search_sorts_a_search_that_keeps_few_rows(picards, monkeypatch, up_to, sorted_):
    monkeypatch.setattr(selectors, "SEARCH_SORTED_UP_TO", up_to)
    search = selectors.person_search(Person.objects.all(), "picard")
    with CaptureQueriesContext(connection) as queries:
        first = person_search_first(search, "picard", 8)
    assert (SORTED_APART in _page_query(queries.captured_queries)) is sorted_
    names = [(p.last_name, p.first_name) for p in first]
    expected = Person.objects.filter(name_key__contains="picard").order_by(
        "last_name", "first_name"
    )
    assert names == [(p.last_name, p.first_name) for p in expected][:8]
