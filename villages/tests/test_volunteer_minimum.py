"""What a volunteer sees of a person: last name, first name, birth year; searches from 3 letters,
by name only (security.md row 18). The pages themselves are walked by ceis' need-to-know test."""

import datetime

import pytest
from django.urls import reverse

from ceis.choices import Role
from ceis.tests.factories import NeighbourhoodFactory, PersonFactory
from villages.tests.factories import SessionFactory


@pytest.fixture
def person(site):
    return PersonFactory(
        site=site,
        last_name="Benali",
        first_name="Samia",
        birth_date=datetime.date(1983, 7, 19),
        phone="0698765432",
        neighbourhood=NeighbourhoodFactory(name="Figuerolles"),
    )


def _walk_in_search(client, session, query):
    url = reverse("villages:session_person_search", args=[session.public_id])
    return client.get(url, {"q": query, "mode": "sur_place"}).content.decode()


def _quick_search(client, query):
    return client.get(reverse("persons:quick_search"), {"q": query}).content.decode()


@pytest.mark.django_db
def test_a_volunteer_finds_a_person_from_three_letters_with_the_birth_year_only(
    client_for, site, person
):
    client = client_for(Role.VOLONTAIRE)
    session = SessionFactory(site=site, today=True)
    for page in (_walk_in_search(client, session, "Be"), _quick_search(client, "Be")):
        assert "Benali" not in page
    for page in (_walk_in_search(client, session, "Ben"), _quick_search(client, "ben sam")):
        assert "Samia" in page
        assert "1983" in page
        for detail in ("19/07/1983", "06 98", "0698765432", "Figuerolles"):
            assert detail not in page
    # No link to a person file from the header's search.
    assert str(person.public_id) not in _quick_search(client, "Benali")


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["0698765432", "06 98 76 54 32", "19/07/1983", "1983-07-19"])
def test_a_volunteer_cannot_find_a_person_by_phone_or_birth_date(client_for, site, person, query):
    client = client_for(Role.VOLONTAIRE)
    session = SessionFactory(site=site, today=True)
    assert "Samia" not in _walk_in_search(client, session, query)
    assert "Samia" not in _quick_search(client, query)


@pytest.mark.django_db
def test_the_mediator_still_finds_by_phone_from_two_characters(client_for, site, person):
    client = client_for(Role.MEDIATEUR_NUMERIQUE)
    session = SessionFactory(site=site, today=True)
    assert "Samia" in _walk_in_search(client, session, "Be")
    page = _walk_in_search(client, session, "0698765432")
    assert "Samia" in page and "0698765432" in page


@pytest.mark.django_db
def test_a_volunteers_duplicate_warning_names_the_birth_year_only(client_for, site, person):
    client = client_for(Role.VOLONTAIRE)
    session = SessionFactory(site=site, today=True)
    response = client.post(
        reverse("villages:session_walk_in", args=[session.public_id]),
        {
            "nouvelle-last_name": "Benali",
            "nouvelle-first_name": "Samia",
            "nouvelle-birth_year": "1983",
            "nouvelle-site": site.pk,
        },
    )
    page = response.content.decode()
    assert "Cette personne existe peut-être déjà" in page
    assert "né·e en 1983" in page
    assert "19/07/1983" not in page and "Figuerolles" not in page.split("<form")[0]


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["persons:list", "persons:create"])
def test_a_volunteer_has_no_directory_of_persons(client_for, name):
    client = client_for(Role.VOLONTAIRE)
    assert client.get(reverse(name)).status_code == 403
    home = client.get(reverse("home")).content.decode()
    assert reverse("persons:list") not in home
    assert "Rechercher une personne" not in home
