"""The header's entries, each role's home and where a search result leads (issue #21)."""

import pytest
from django.urls import reverse

from ceis.choices import Role
from ceis.navigation import NAV_BAR_LIMIT
from ceis.tests.factories import PersonFactory
from unisvers.tests.factories import CohortFactory, EnrollmentFactory
from villages.tests.factories import SessionFactory

pytestmark = pytest.mark.django_db


def labels(items):
    return [item.label for item in items]


def test_admin_header_keeps_five_entries_and_puts_the_others_under_plus(client_for):
    response = client_for(Role.ADMIN).get(reverse("home"))
    bar, items = response.context["ceis_nav_bar"], response.context["ceis_nav"]
    assert len(bar.main) == NAV_BAR_LIMIT
    assert labels(bar.main)[:2] == ["Personnes", "Unis'Vers"]
    assert "Séances" in labels(bar.main) and "Accompagnements" in labels(bar.main)
    # The entries used now and then are under « Plus », every entry once, in order.
    rare = {"Événements", "Ateliers", "Objectifs", "Journal des accès", "Équipe"}
    assert rare | {"Paquet de données"} <= set(labels(bar.more))
    assert sorted(labels(bar.main) + labels(bar.more)) == sorted(labels(items))
    assert bar.more == [item for item in items if item in bar.more]


def test_plus_menu_in_the_admin_header(client_for):
    html = client_for(Role.ADMIN).get(reverse("home")).content.decode()
    assert 'Plus<span class="visually-hidden"> de rubriques</span>' in html
    assert f'href="{reverse("journal")}"' in html


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.TRAVAILLEUR_SOCIAL, ["Personnes", "Unis'Vers", "Événements"]),
        (Role.VOLONTAIRE, ["Séances", "Accueil libre"]),
    ],
)
def test_roles_with_few_entries_have_them_all_on_the_bar(client_for, role, expected):
    bar = client_for(role).get(reverse("home")).context["ceis_nav_bar"]
    for label in expected:
        assert label in labels(bar.main)
    assert bar.more == []
    assert len(bar.main) <= NAV_BAR_LIMIT


def test_mediator_bar_keeps_the_sessions_and_helps(client_for):
    bar = client_for(Role.MEDIATEUR_NUMERIQUE).get(reverse("home")).context["ceis_nav_bar"]
    assert {"Personnes", "Séances", "Accompagnements"} <= set(labels(bar.main))
    assert len(bar.main) <= NAV_BAR_LIMIT
    assert {"Accueil libre", "Ateliers"} <= set(labels(bar.main) + labels(bar.more))


def test_manager_bar_shows_the_dashboard_and_the_bilans(client_for):
    bar = client_for(Role.MANAGER).get(reverse("home")).context["ceis_nav_bar"]
    assert "Tableau de bord" in labels(bar.main) and "Bilans" in labels(bar.main)
    assert {"Événements", "Ateliers", "Objectifs"} <= set(labels(bar.more))


# Homes ------------------------------------------------------------------------------------

TODO = 'id="titre-a-faire-unisvers"'
JOURNAL = "Dernières entrées du journal des accès"
HELP_BOX = "Consigner un accompagnement"
COUNTER = 'id="titre-compteur"'
BILANS = "Bilans"


def test_admin_home_is_the_admin_work_only_by_default(client_for):
    html = client_for(Role.ADMIN).get(reverse("home")).content.decode()
    assert JOURNAL in html
    for other in (TODO, HELP_BOX, COUNTER):
        assert other not in html
    assert "Accueil de :" in html


@pytest.mark.parametrize(
    ("view", "shown", "hidden"),
    [
        (Role.TRAVAILLEUR_SOCIAL, TODO, HELP_BOX),
        (Role.MEDIATEUR_NUMERIQUE, HELP_BOX, TODO),
        (Role.VOLONTAIRE, COUNTER, JOURNAL),
    ],
)
def test_admin_chooses_the_home_of_a_role_and_keeps_it(client_for, view, shown, hidden):
    client = client_for(Role.ADMIN)
    html = client.get(reverse("home"), {"vue": view}).content.decode()
    assert shown in html and hidden not in html
    assert JOURNAL not in html
    html = client.get(reverse("home")).content.decode()  # kept in the session
    assert shown in html


def test_a_role_cannot_choose_the_home_of_another(client_for):
    client = client_for(Role.MEDIATEUR_NUMERIQUE)
    response = client.get(reverse("home"), {"vue": Role.ADMIN})
    html = response.content.decode()
    assert JOURNAL not in html and HELP_BOX in html
    assert response.context["views"] == []  # one role: no choice shown


@pytest.mark.parametrize(
    ("role", "shown", "hidden"),
    [
        (Role.TRAVAILLEUR_SOCIAL, [TODO], [HELP_BOX, COUNTER, JOURNAL]),
        (Role.MEDIATEUR_NUMERIQUE, [HELP_BOX, "Séances Vill@ges connectés"], [TODO, COUNTER]),
        (Role.VOLONTAIRE, [COUNTER], [HELP_BOX, TODO, "Personnes accompagnées"]),
        (Role.MANAGER, ["Séances Vill@ges connectés"], [TODO, HELP_BOX, COUNTER, JOURNAL]),
    ],
)
def test_each_role_home_shows_that_role_work(client_for, role, shown, hidden):
    html = client_for(role).get(reverse("home")).content.decode()
    for text in shown:
        assert text in html
    for text in hidden:
        assert text not in html


def test_home_says_the_date_in_french(client_for, settings):
    from django.utils import timezone

    from ceis.templatetags.french import date_phrase

    html = client_for(Role.VOLONTAIRE).get(reverse("home")).content.decode()
    assert date_phrase(timezone.localdate()).capitalize() in html


def test_home_query_count_does_not_grow_with_sessions(
    client_for, site, django_assert_max_num_queries
):
    client = client_for(Role.ADMIN)
    client.get(reverse("home"), {"vue": Role.MEDIATEUR_NUMERIQUE})
    for _ in range(5):
        SessionFactory(site=site)
    with django_assert_max_num_queries(20):
        client.get(reverse("home"))


# Search results -----------------------------------------------------------------------------


def search(client, q):
    return client.get(reverse("persons:quick_search"), {"q": q}).content.decode()


def test_a_social_worker_result_opens_the_participant_page(client_for, site):
    client = client_for(Role.TRAVAILLEUR_SOCIAL)
    enrolled = EnrollmentFactory(
        cohort=CohortFactory(site=site), person__last_name="Durand", person__first_name="Léa"
    ).person
    other = PersonFactory(site=site, last_name="Durand", first_name="Marc")
    html = search(client, "Durand")
    participant = reverse("unisvers:participant", args=[enrolled.public_id])
    assert (
        f'class="stretched-link text-decoration-none text-body flex-grow-1" href="{participant}"'
        in html
    )
    # The identity file one click away, for both.
    assert f'href="{enrolled.get_absolute_url()}"' in html
    assert f'href="{other.get_absolute_url()}"' in html
    assert reverse("unisvers:participant", args=[other.public_id]) not in html


def test_a_mediator_result_opens_the_villages_file(client_for, site):
    client = client_for(Role.MEDIATEUR_NUMERIQUE)
    person = PersonFactory(site=site, last_name="Garnier", first_name="Zoé")
    html = search(client, "Garnier")
    assert reverse("villages:person_file", args=[person.public_id]) in html
    assert f'href="{person.get_absolute_url()}"' in html
    assert "Fiche identité" in html


def test_admin_results_follow_the_chosen_home(client_for, site):
    client = client_for(Role.ADMIN)
    person = PersonFactory(site=site, last_name="Garnier", first_name="Zoé")
    villages_file = reverse("villages:person_file", args=[person.public_id])
    assert villages_file not in search(client, "Garnier")
    client.get(reverse("home"), {"vue": Role.MEDIATEUR_NUMERIQUE})
    assert villages_file in search(client, "Garnier")


def test_a_volunteer_result_links_nowhere(client_for, site):
    client = client_for(Role.VOLONTAIRE)
    person = PersonFactory(site=site, last_name="Garnier", first_name="Zoé")
    html = search(client, "Garnier Zoé")
    assert "GARNIER Zoé" in html
    assert "href" not in html
    assert str(person.public_id) not in html


def test_search_results_cost_the_same_queries_for_one_or_eight(
    client_for, site, django_assert_num_queries
):
    client = client_for(Role.TRAVAILLEUR_SOCIAL)
    cohort = CohortFactory(site=site)
    EnrollmentFactory(cohort=cohort, person__last_name="Roux")
    search(client, "Roux")  # session, caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        search(client, "Roux")
    for _ in range(7):
        EnrollmentFactory(cohort=cohort, person__last_name="Roux")
    with django_assert_num_queries(len(one)):
        search(client, "Roux")


# The home's help box ---------------------------------------------------------------------------


def test_help_box_results_open_the_help_form_for_the_person(client_for, site):
    client = client_for(Role.MEDIATEUR_NUMERIQUE)
    person = PersonFactory(site=site, last_name="Fabre", first_name="Nina")
    html = client.get(reverse("villages:help_person_search"), {"q": "Fabre", "liens": "1"})
    html = html.content.decode()
    assert f'href="{reverse("villages:help_create")}?personne={person.public_id}"' in html


def test_help_box_without_javascript_goes_to_the_help_form_with_the_search(client_for, site):
    client = client_for(Role.MEDIATEUR_NUMERIQUE)
    PersonFactory(site=site, last_name="Fabre", first_name="Nina")
    home = client.get(reverse("home")).content.decode()
    assert f'action="{reverse("villages:help_create")}"' in home
    assert 'hx-get="' + reverse("villages:help_person_search") + '?liens=1"' in home
    page = client.get(reverse("villages:help_create"), {"q": "Fabre"}).content.decode()
    assert "FABRE Nina" in page
