"""The 6-month situation after the exit (domain.md, "After the exit"): its rules, its page, its
to-do entry and reminder, and its columns in the data package."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from ceis.package.exporter import export_package
from ceis.package.importer import import_package
from ceis.tests.package_data import package, write
from unisvers import services
from unisvers.models import Enrollment
from unisvers.reminders import followup_reminders_send
from unisvers.retention import contact_dates
from unisvers.selectors import todo_for

from .factories import CohortFactory, EnrollmentFactory

D = datetime.date

pytestmark = pytest.mark.django_db


@pytest.fixture
def exited(cohort):
    """Exited on 10 April 2026 (the cohort's end)."""
    return EnrollmentFactory(
        cohort=cohort, exit_date=D(2026, 4, 10), exit_outcome="formation", person__last_name="Six"
    )


def _record(enrollment, user, date, situation="emploi_durable"):
    return services.enrollment_followup_6m(
        enrollment=enrollment, user=user, followup_6m_date=date, followup_6m_situation=situation
    )


# Rules ---------------------------------------------------------------------------------------


def test_six_month_situation_needs_an_exit(cohort, referent):
    enrollment = EnrollmentFactory(cohort=cohort)
    with pytest.raises(ValidationError) as error:
        _record(enrollment, referent, D(2026, 10, 10))
    assert error.value.message_dict["followup_6m_date"] == [
        "Le suivi à 6 mois vient après la sortie."
    ]


def test_six_month_situation_comes_after_the_exit_and_the_three_month_one(exited, referent):
    with pytest.raises(ValidationError) as error:
        _record(exited, referent, D(2026, 4, 1))
    assert error.value.message_dict["followup_6m_date"] == [
        "Le suivi à 6 mois ne peut pas précéder la sortie."
    ]
    exited.refresh_from_db()
    services.enrollment_followup_3m(
        enrollment=exited,
        user=referent,
        followup_3m_date=D(2026, 7, 15),
        followup_3m_situation="iae",
    )
    with pytest.raises(ValidationError) as error:
        _record(exited, referent, D(2026, 7, 1))
    assert error.value.message_dict["followup_6m_date"] == [
        "Le suivi à 6 mois ne peut pas précéder le suivi à 3 mois."
    ]
    exited.refresh_from_db()
    _record(exited, referent, D(2026, 10, 12), "emploi_transition")
    exited.refresh_from_db()
    assert (exited.followup_6m_date, exited.followup_6m_situation) == (
        D(2026, 10, 12),
        "emploi_transition",
    )
    assert exited.get_followup_6m_situation_display() == (
        "Emploi de transition (CDD ou intérim < 6 mois, contrat aidé)"
    )


def test_six_month_date_and_situation_go_together(exited):
    exited.followup_6m_date = D(2026, 10, 12)
    with pytest.raises(ValidationError) as error:
        exited.full_clean()
    assert error.value.message_dict["followup_6m_situation"] == [
        "Indiquez la date et la situation du suivi à 6 mois."
    ]


def test_the_database_refuses_a_six_month_situation_before_the_exit(exited):
    with pytest.raises(IntegrityError), transaction.atomic():
        Enrollment.objects.filter(pk=exited.pk).update(
            followup_6m_date=D(2026, 4, 1), followup_6m_situation="iae"
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Enrollment.objects.filter(pk=exited.pk).update(followup_6m_situation="iae")
    with pytest.raises(IntegrityError), transaction.atomic():
        Enrollment.objects.filter(pk=exited.pk).update(
            followup_3m_date=D(2026, 7, 20),
            followup_3m_situation="iae",
            followup_6m_date=D(2026, 7, 10),
            followup_6m_situation="iae",
        )


# Page ----------------------------------------------------------------------------------------


def test_referent_records_the_six_month_situation_from_the_participant_file(
    client, referent, exited
):
    client.force_login(referent)
    page = client.get(reverse("unisvers:participant", args=[exited.person.public_id]))
    url = reverse("unisvers:enrollment_followup_6m", args=[exited.public_id])
    html = page.content.decode()
    assert url in html and "Suivi à 6 mois" in html
    refused = client.post(url, {"followup_6m_date": "2026-04-01", "followup_6m_situation": "iae"})
    assert "Le suivi à 6 mois ne peut pas précéder la sortie." in refused.content.decode()
    assert 'value="2026-04-01"' in refused.content.decode()  # what was typed stays
    response = client.post(
        url, {"followup_6m_date": "2026-10-12", "followup_6m_situation": "iae"}, follow=True
    )
    html = response.content.decode()
    assert "La situation à 6 mois est enregistrée." in html
    assert "Structure d&#x27;insertion" in html or "Structure d'insertion" in html
    exited.refresh_from_db()
    assert exited.followup_6m_situation == "iae"


def test_the_page_sends_back_an_enrollment_without_exit(client, referent, cohort):
    enrollment = EnrollmentFactory(cohort=cohort)
    client.force_login(referent)
    response = client.get(
        reverse("unisvers:enrollment_followup_6m", args=[enrollment.public_id]), follow=True
    )
    assert "le suivi à 6 mois vient après" in response.content.decode()


# To-do and reminder --------------------------------------------------------------------------


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to(datetime.datetime(2026, 10, 1, 9, 0, tzinfo=datetime.UTC))


def test_the_six_month_entry_appears_two_weeks_ahead_and_goes_once_recorded(
    client, referent, site, frozen
):
    ended = CohortFactory(
        site=site, start_date=D(2026, 2, 2), end_date=D(2026, 3, 27), referents=[referent]
    )
    ended.meeting_days.update(register_taken_at=datetime.datetime(2026, 4, 1, tzinfo=datetime.UTC))

    def exited(name, exit_date):
        return EnrollmentFactory(
            cohort=ended, person__last_name=name, exit_date=exit_date, exit_outcome="formation"
        )

    overdue = exited("Retard", D(2026, 3, 20))  # due 20 September: overdue
    due_soon = exited("Bientot", D(2026, 3, 27))  # due 27 September… overdue too
    exited("Plustard", D(2026, 4, 20))  # due 20 October: more than 14 days ahead
    soon = EnrollmentFactory(
        cohort=CohortFactory(
            site=site, start_date=D(2026, 3, 2), end_date=D(2026, 4, 10), referents=[referent]
        ),
        person__last_name="Quinzaine",
        exit_date=D(2026, 4, 10),  # due 10 October: within 14 days
        exit_outcome="iae",
    )
    todo = todo_for(referent)
    assert [
        (e.person.last_name, e.followup_due, e.followup_overdue) for e in todo["followups_6m"]
    ] == [
        ("Retard", D(2026, 9, 20), True),
        ("Bientot", D(2026, 9, 27), True),
        ("Quinzaine", D(2026, 10, 10), False),
    ]
    client.force_login(referent)
    html = client.get(reverse("home")).content.decode()
    assert "Suivis à 6 mois (3)" in html
    assert reverse("unisvers:enrollment_followup_6m", args=[soon.public_id]) in html
    assert "Plustard" not in html.split("Suivis à 6 mois")[1].split("</ul>")[0]

    _record(overdue, referent, D(2026, 9, 30), "emploi_durable")
    _record(due_soon, referent, D(2026, 9, 30), "inconnu")
    assert [e.person.last_name for e in todo_for(referent)["followups_6m"]] == ["Quinzaine"]
    html = client.get(reverse("home")).content.decode()
    assert "Suivis à 6 mois (1)" in html


def test_the_reminder_counts_six_month_situations_without_names(make_user, referent, site):
    referent.email = "sophie@ceis.invalid"
    referent.save()
    cohort = CohortFactory(
        site=site, start_date=D(2026, 2, 2), end_date=D(2026, 3, 27), referents=[referent]
    )
    EnrollmentFactory(
        cohort=cohort,
        person__last_name="Confidentiel",
        exit_date=D(2026, 3, 20),
        exit_outcome="formation",
        followup_3m_date=D(2026, 6, 20),
        followup_3m_situation="formation",
    )
    assert followup_reminders_send(today=D(2026, 10, 1)) == 1
    (message,) = mail.outbox
    assert "Vous avez 1 suivi(s) à 6 mois à enregistrer" in message.body
    assert "dont 1 en retard" in message.body
    assert "à 3 mois" not in message.body
    assert "confidentiel" not in message.body.lower()


def test_the_six_month_date_counts_as_a_contact_for_retention(exited, referent):
    _record(exited, referent, D(2026, 10, 12))
    dates = {
        field: sorted(str(d) for d in queryset.values_list(field, flat=True))
        for queryset, field in contact_dates(exited.person)
    }
    assert dates["followup_6m_date"] == ["2026-10-12"]


# Data package --------------------------------------------------------------------------------


def imported(path) -> list[str]:
    """The errors of importing the package at `path` (none: it was written)."""
    return [str(error) for error in import_package(path).errors]


def test_package_round_trip_keeps_the_six_month_situation(tmp_path):
    data = package()
    header = data["enrollments"][0]
    data["enrollments"][0] = [*header, "followup_6m_date", "followup_6m_situation"]
    for row in data["enrollments"][1:]:
        row += ["", ""]
    # P2 left on 12 April with a 3-month situation on 15 July (package_data).
    p2 = next(row for row in data["enrollments"][1:] if row[1] == "P2")
    p2[-2:] = ["2026-10-20", "emploi_transition"]
    assert imported(write(tmp_path / "p", data)) == []
    enrollment = Enrollment.objects.get(person__ref="P2")
    assert (enrollment.followup_6m_date, enrollment.followup_6m_situation) == (
        D(2026, 10, 20),
        "emploi_transition",
    )
    export_package(tmp_path / "export")
    lines = (tmp_path / "export" / "enrollments.csv").read_text().splitlines()
    assert lines[0].endswith(
        ",followup_3m_date,followup_3m_situation,followup_6m_date,followup_6m_situation"
    )
    assert any(
        line.endswith(",2026-07-15,emploi_durable,2026-10-20,emploi_transition") for line in lines
    )
    Enrollment.objects.filter(pk=enrollment.pk).update(
        followup_6m_date=None, followup_6m_situation=""
    )
    assert imported(tmp_path / "export") == []
    enrollment.refresh_from_db()
    assert (enrollment.followup_6m_date, enrollment.followup_6m_situation) == (
        D(2026, 10, 20),
        "emploi_transition",
    )


def test_a_package_without_the_six_month_columns_still_imports(tmp_path):
    data = package()
    assert "followup_6m_date" not in data["enrollments"][0]
    assert imported(write(tmp_path / "p", data)) == []
    assert Enrollment.objects.count() == len(data["enrollments"]) - 1
    assert not Enrollment.objects.exclude(followup_6m_situation="").exists()


def test_a_six_month_situation_before_the_three_month_one_is_refused_in_a_package(tmp_path):
    data = package()
    data["enrollments"][0] = [*data["enrollments"][0], "followup_6m_date", "followup_6m_situation"]
    for row in data["enrollments"][1:]:
        row += ["", ""]
    p2 = next(row for row in data["enrollments"][1:] if row[1] == "P2")
    p2[-2:] = ["2026-07-01", "iae"]
    assert imported(write(tmp_path / "p", data)) == [
        "enrollments.csv:3: followup_6m_date: "
        "Le suivi à 6 mois ne peut pas précéder le suivi à 3 mois."
    ]
    assert not Enrollment.objects.filter(person__ref="P2").exists()
