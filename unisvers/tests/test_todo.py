"""The referent's to-do list on their home page, on a frozen date."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

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
    assert "Autrepromo" not in html and "Plustard" not in html
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
