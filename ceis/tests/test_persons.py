"""Persons: duplicate warning, search, list, creation and edition."""

import datetime

import pytest
from django.urls import reverse

from ceis.choices import JournalAction, Role
from ceis.models import JournalEntry, Person
from ceis.selectors import person_duplicates, person_search, persons_visible_to
from ceis.services import PossibleDuplicate, person_create
from ceis.tests.factories import NeighbourhoodFactory, PersonFactory


def _form(site, **overrides):
    data = {
        "site": site.pk,
        "last_name": "Lefèvre",
        "first_name": "Jean-Éric",
        "birth_date": "1979-04-12",
        "phone": "06 12 34 56 78",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("last_name", "first_name"),
    [("LEFEVRE", "jean eric"), ("lefèvre", "Jean-Eric"), ("Le-Fèvre", "JEAN ÉRIC")],
)
def test_creating_a_duplicate_shows_the_match_and_creates_nothing(
    client_for, site, last_name, first_name
):
    client = client_for(Role.TRAVAILLEUR_SOCIAL)
    existing = PersonFactory(
        site=site,
        last_name="Lefèvre",
        first_name="Jean-Éric",
        birth_date=datetime.date(1979, 4, 12),
    )
    response = client.post(
        reverse("persons:create"), _form(site, last_name=last_name, first_name=first_name)
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Cette personne existe peut-être déjà" in page
    assert existing.get_absolute_url() in page
    # What was typed is kept.
    assert f'value="{last_name}"' in page
    assert Person.objects.count() == 1


@pytest.mark.django_db
def test_confirming_it_is_someone_else_creates_the_person(client_for, site):
    client = client_for(Role.TRAVAILLEUR_SOCIAL)
    PersonFactory(
        site=site,
        last_name="Lefèvre",
        first_name="Jean-Éric",
        birth_date=datetime.date(1979, 4, 12),
    )
    response = client.post(
        reverse("persons:create"), _form(site, last_name="LEFEVRE", confirm_not_duplicate="on")
    )
    assert response.status_code == 302
    assert Person.objects.filter(name_key="lefevre jeaneric").count() == 2


@pytest.mark.django_db
def test_the_service_refuses_a_possible_duplicate_until_it_is_confirmed(ts_user, site):
    """The check lives in the write itself: every entry point gets the same rule, and a refusal
    creates and journals nothing."""
    existing = PersonFactory(
        site=site, last_name="Lefèvre", first_name="Jean-Éric", birth_year=1979, birth_date=None
    )
    fields = {"site": site, "last_name": "LEFEVRE", "first_name": "jean eric", "birth_year": 1979}
    with pytest.raises(PossibleDuplicate) as refused:
        person_create(user=ts_user, **fields)
    assert refused.value.matches == [existing]
    assert Person.objects.count() == 1
    assert not JournalEntry.objects.filter(action=JournalAction.CREATE).exists()
    person = person_create(user=ts_user, allow_duplicate=True, **fields)
    assert Person.objects.count() == 2
    assert JournalEntry.objects.get(action=JournalAction.CREATE).object_ref == str(person.public_id)


@pytest.mark.django_db
def test_the_duplicate_warning_offers_to_open_the_matchs_file(client_for, site):
    client = client_for(Role.TRAVAILLEUR_SOCIAL)
    existing = PersonFactory(
        site=site, last_name="Lefèvre", first_name="Jean-Éric", birth_date=None, birth_year=None
    )
    page = client.post(reverse("persons:create"), _form(site)).content.decode()
    warning = page.split("Cette personne existe peut-être déjà")[1].split("</div>")[0]
    assert f'<a href="{existing.get_absolute_url()}">ouvrir sa fiche' in warning
    assert "naissance inconnue" in warning
    assert "Une personne semblable existe déjà : ouvrez sa fiche" in page


@pytest.mark.django_db
def test_birth_year_alone_matches_a_full_birth_date(ts_user, site):
    PersonFactory(
        site=site, last_name="Nguyen", first_name="Thi", birth_date=datetime.date(1960, 2, 3)
    )
    assert person_duplicates(user=ts_user, last_name="NGUYEN", first_name="thi", birth_year=1960)
    assert not person_duplicates(
        user=ts_user, last_name="Nguyen", first_name="Thi", birth_year=1961
    )


@pytest.mark.django_db
def test_a_different_birth_date_is_not_a_duplicate(client_for, site):
    client = client_for(Role.MEDIATEUR_NUMERIQUE)
    PersonFactory(
        site=site,
        last_name="Lefèvre",
        first_name="Jean-Éric",
        birth_date=datetime.date(1979, 4, 12),
    )
    response = client.post(reverse("persons:create"), _form(site, birth_date="1980-04-12"))
    assert response.status_code == 302
    assert Person.objects.count() == 2


@pytest.mark.django_db
def test_person_creation_is_journalled_and_keeps_who_created_it(client_for, site):
    client = client_for(Role.MEDIATEUR_NUMERIQUE)
    client.post(reverse("persons:create"), _form(site))
    person = Person.objects.get()
    assert person.created_by == client.user
    assert person.phone_key == "0612345678"
    entry = JournalEntry.objects.get(action=JournalAction.CREATE)
    assert (entry.user, entry.object_type, entry.object_ref) == (
        client.user,
        "ceis.person",
        str(person.public_id),
    )


@pytest.mark.django_db
def test_invalid_form_keeps_entries_and_says_why_in_french(client_for, site):
    client = client_for(Role.TRAVAILLEUR_SOCIAL)
    future = (datetime.date.today() + datetime.timedelta(days=3)).isoformat()
    response = client.post(
        reverse("persons:create"),
        _form(site, birth_date=future, email="pas-un-email", postal_code="34"),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "La date de naissance est dans le futur." in page
    assert "Un code postal compte 5 chiffres." in page
    assert "Saisissez une adresse de courriel valide." in page
    assert 'value="pas-un-email"' in page
    assert 'value="Jean-Éric"' in page
    assert Person.objects.count() == 0


@pytest.mark.django_db
def test_creating_on_another_site_is_refused(client_for, site, other_site):
    client = client_for(Role.TRAVAILLEUR_SOCIAL)
    response = client.post(reverse("persons:create"), _form(other_site))
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert Person.objects.count() == 0


@pytest.mark.django_db
def test_update_journals_the_changed_field_names_only(client_for, site):
    client = client_for(Role.TRAVAILLEUR_SOCIAL)
    person = PersonFactory(site=site, last_name="Roux", first_name="Ana", phone="0600000000")
    data = _form(
        site,
        last_name="Roux",
        first_name="Ana",
        phone="0611111111",
        commune="Montpellier",
        birth_date=person.birth_date.isoformat(),
    )
    response = client.post(reverse("persons:update", kwargs={"public_id": person.public_id}), data)
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.phone == "0611111111"
    entry = JournalEntry.objects.get(action=JournalAction.UPDATE)
    assert entry.payload == {"fields": ["phone"]}
    assert "0611111111" not in str(entry.payload)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("helene", {"Hélène"}),
        ("DUPONT", {"Hélène", "Marc"}),
        ("dupont marc", {"Marc"}),
        ("06 11 22", {"Marc"}),
        ("15/03/1958", {"Hélène"}),
        ("1958-03-15", {"Hélène"}),
        ("1990", {"Marc", "Zoé"}),
        ("saint-", {"Zoé"}),
    ],
)
def test_person_search_by_name_phone_and_birth(ts_user, site, query, expected):
    PersonFactory(
        site=site,
        last_name="Dupont",
        first_name="Hélène",
        birth_date=datetime.date(1958, 3, 15),
        phone="0499887766",
    )
    PersonFactory(
        site=site,
        last_name="Dupont",
        first_name="Marc",
        birth_date=datetime.date(1990, 1, 1),
        phone="06 11 22 33 44",
    )
    PersonFactory(
        site=site,
        last_name="Saint-Jean",
        first_name="Zoé",
        birth_date=None,
        birth_year=1990,
        phone="",
    )
    found = person_search(persons_visible_to(ts_user), query)
    assert {p.first_name for p in found} == expected


@pytest.mark.django_db
def test_person_list_filters_paginates_and_counts(client_for, site):
    client = client_for(Role.TRAVAILLEUR_SOCIAL)
    hood = NeighbourhoodFactory(name="Figuerolles", qpv=True)
    PersonFactory.create_batch(30, site=site)
    PersonFactory.create_batch(3, site=site, neighbourhood=hood)
    page = client.get(reverse("persons:list")).content.decode()
    assert "33 personnes" in page
    assert "Page 1 sur 2" in page
    filtered = client.get(reverse("persons:list"), {"neighbourhood": hood.pk}).content.decode()
    assert "3 personnes" in filtered
    empty = client.get(reverse("persons:list"), {"q": "zzzzzz"}).content.decode()
    assert "Aucune personne ne correspond à cette recherche." in empty


@pytest.mark.django_db
def test_person_list_htmx_returns_the_table_fragment(client_for, site):
    client = client_for(Role.TRAVAILLEUR_SOCIAL)
    PersonFactory(site=site, last_name="Fragment")
    response = client.get(reverse("persons:list"), {"q": "fragment"}, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert "FRAGMENT" in page
    assert "<html" not in page


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [3, 40])
def test_person_list_query_count_does_not_grow_with_rows(
    client_for, site, rows, django_assert_max_num_queries
):
    client = client_for(Role.TRAVAILLEUR_SOCIAL)
    PersonFactory.create_batch(rows, site=site, neighbourhood=NeighbourhoodFactory())
    with django_assert_max_num_queries(12):
        response = client.get(reverse("persons:list"))
    assert response.status_code == 200


@pytest.mark.django_db
def test_quick_search_tells_namesakes_apart(client_for, site):
    client = client_for(Role.MEDIATEUR_NUMERIQUE)
    hood = NeighbourhoodFactory(name="Gambetta")
    PersonFactory(
        site=site,
        last_name="Martin",
        first_name="Louis",
        birth_date=datetime.date(1950, 1, 1),
        neighbourhood=hood,
    )
    PersonFactory(
        site=site, last_name="Martin", first_name="Louis", birth_date=datetime.date(1985, 1, 1)
    )
    page = client.get(reverse("persons:quick_search"), {"q": "martin lou"}).content.decode()
    assert "né·e en 1950 · Gambetta" in page
    assert "né·e en 1985" in page


@pytest.mark.django_db
def test_demo_persons_pass_the_person_form_validation():
    """Every demo person can be edited as is: no value the form would refuse (e.g. an accented
    e-mail address)."""
    from django.core.exceptions import ValidationError

    from ceis.demo import seed_core

    seed_core(persons=60)
    invalid = []
    for person in Person.objects.filter(ref__startswith="demo-"):
        try:
            person.full_clean()
        except ValidationError as error:
            invalid.append((person.ref, error.message_dict))
    assert invalid == []
