"""The referent's to-do list on their home page, on a frozen date."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from ceis.choices import Role
from unisvers.models import Cohort
from unisvers.selectors import todo_for

from .factories import CohortFactory, EnrollmentFactory

D = datetime.date


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to(datetime.datetime(2026, 6, 15, 9, 0, tzinfo=datetime.UTC))


@pytest.fixture
def scene(site, referent, make_user, frozen):
    ended = CohortFactory(
        site=site,
        name="Promo mars",
        start_date=D(2026, 3, 2),
        end_date=D(2026, 4, 10),
        referents=[referent],
    )
    ended.meeting_days.update(register_taken_at=timezone.now())

    def exited(name, exit_date, **kwargs):
        return EnrollmentFactory(
            cohort=ended,
            person__last_name=name,
            exit_date=exit_date,
            exit_outcome=kwargs.pop("outcome", "formation"),
            **kwargs,
        )

    scene = {
        "due_soon": exited("Bientot", D(2026, 3, 20)),  # due 20 June: within 14 days
        "overdue": exited("Retard", D(2026, 3, 10)),  # due 10 June: overdue
        "later": exited("Plustard", D(2026, 4, 10)),  # due 10 July: not yet
        "done": exited(
            "Fait",
            D(2026, 3, 5),
            followup_3m_date=D(2026, 6, 5),
            followup_3m_situation="emploi_durable",
        ),
        "no_exit": EnrollmentFactory(cohort=ended, person__last_name="Sanssortie"),
    }
    running = CohortFactory(
        site=site,
        name="Promo juin",
        start_date=D(2026, 6, 1),
        end_date=D(2026, 7, 10),
        referents=[referent],
    )
    running.meeting_days.filter(date__lt=D(2026, 6, 15)).exclude(date=D(2026, 6, 11)).update(
        register_taken_at=timezone.now()
    )
    scene["running"] = running
    colleague = CohortFactory(
        site=site,
        name="Promo collegue",
        start_date=D(2026, 3, 2),
        end_date=D(2026, 4, 10),
        referents=[make_user(Role.TRAVAILLEUR_SOCIAL)],
    )
    EnrollmentFactory(cohort=colleague, person__last_name="Autrepromo")
    return scene


def test_todo_lists_due_and_overdue_followups_missing_exits_and_registers(referent, scene):
    todo = todo_for(referent)
    assert todo["today"] == D(2026, 6, 15)
    assert [e.person.last_name for e in todo["followups"]] == ["Retard", "Bientot"]
    overdue, due_soon = todo["followups"]
    assert (overdue.followup_due, overdue.followup_overdue) == (D(2026, 6, 10), True)
    assert (due_soon.followup_due, due_soon.followup_overdue) == (D(2026, 6, 20), False)
    assert [e.person.last_name for e in todo["exits_missing"]] == ["Sanssortie"]
    assert [(d.cohort.name, d.date) for d in todo["registers_today"]] == [
        ("Promo juin", D(2026, 6, 15))
    ]
    assert [(d.cohort.name, d.date) for d in todo["registers_late"]] == [
        ("Promo juin", D(2026, 6, 11))
    ]


def test_todo_appears_on_the_social_workers_home(client, referent, scene):
    client.force_login(referent)
    html = client.get(reverse("home")).content.decode()
    assert "Unis&#x27;Vers — à faire" in html or "Unis'Vers — à faire" in html
    assert "Suivis à 3 mois (2)" in html
    assert "en retard" in html and "10/06/2026" in html and "20/06/2026" in html
    assert "Sorties à enregistrer (1)" in html
    assert "Registres non pris (1)" in html and "11/06/2026" in html
    assert (
        "Registres à prendre aujourd&#x27;hui" in html or "Registres à prendre aujourd'hui" in html
    )
    assert "AUTREPROMO" not in html and _shown(scene["later"]) not in html
    assert _shown(scene["overdue"]) in html and _shown(scene["due_soon"]) in html
    assert "Mes promotions" in html and "Promo juin" in html


def test_todo_is_empty_for_someone_referent_of_nothing(client_for, scene):
    client = client_for(Role.TRAVAILLEUR_SOCIAL)
    html = client.get(reverse("home")).content.decode()
    assert "Rien en attente" in html


def test_home_query_count_does_not_grow_with_the_todo(
    client, referent, scene, django_assert_max_num_queries
):
    client.force_login(referent)
    with django_assert_max_num_queries(20):
        client.get(reverse("home"))
    for _ in range(10):
        EnrollmentFactory(cohort=Cohort.objects.get(name="Promo mars"))
    with django_assert_max_num_queries(20):
        client.get(reverse("home"))


def test_home_shows_the_first_entries_of_each_kind_and_the_to_do_page_shows_them_all(
    client, referent, scene
):
    """Twelve overdue follow-ups: the panel names the ten most overdue, counts twelve and links
    to the page « À faire », which names all twelve; the home page's queries do not grow."""
    client.force_login(referent)
    ended = Cohort.objects.get(name="Promo mars")
    for number in range(1, 11):  # exits of 2 to 6 March, before « Retard » (10 March)
        EnrollmentFactory(
            cohort=ended,
            person__last_name=f"Ancien{number:02d}",
            exit_date=D(2026, 3, 2 + (number - 1) // 2),
            exit_outcome="formation",
        )
    queries = len(_queries_of(client, reverse("home")))  # counted with 12 entries …
    html = client.get(reverse("home")).content.decode()
    assert "Suivis à 3 mois (12)" in html
    # The ten due first, not « Retard » and « Bientot », due after them.
    for number in range(1, 11):
        assert f"ANCIEN{number:02d} " in html
    assert _shown(scene["overdue"]) not in html and _shown(scene["due_soon"]) not in html
    todo_url = reverse("unisvers:todo")
    assert f'href="{todo_url}#suivis-3-mois">Voir les 12 suivis à 3 mois</a>' in html
    assert html.count("Voir les") == 1

    page = client.get(todo_url).content.decode()
    assert "Suivis à 3 mois (12)" in page
    assert _shown(scene["overdue"]) in page and _shown(scene["due_soon"]) in page
    assert "Voir les" not in page

    for number in range(17):  # … and the same with 29 entries
        EnrollmentFactory(
            cohort=ended, exit_date=D(2026, 3, 2 + number % 8), exit_outcome="formation"
        )
    assert len(_queries_of(client, reverse("home"))) == queries
    assert "Suivis à 3 mois (29)" in client.get(reverse("home")).content.decode()


def _shown(enrollment):
    """A person as the to-do list writes them (« RETARD Jeanne »), escaped."""
    return escape(str(enrollment.person))


def _queries_of(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return captured.captured_queries


def test_the_to_do_page_is_the_referents(client_for, scene):
    assert client_for(Role.MEDIATEUR_NUMERIQUE).get(reverse("unisvers:todo")).status_code == 403
    assert client_for(Role.MANAGER).get(reverse("unisvers:todo")).status_code == 403
    page = client_for(Role.TRAVAILLEUR_SOCIAL).get(reverse("unisvers:todo")).content.decode()
    assert "Rien en attente" in page  # referent of nothing
