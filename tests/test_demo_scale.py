"""`seed_demo --scale N`: the generated data for benchmarks (ceis/demo_scale.py and the apps')."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from ceis.demo_scale import seed_scale
from ceis.models import Person, Site
from ceis.selectors import person_search
from reporting.indicators import compute_bilan
from unisvers.demo_scale import FOLLOWUP_NOTES
from unisvers.models import Attendance, Cohort, Enrollment, FollowUp, MeetingDay
from villages.models import Assessment, IndividualHelp, Registration, Session, Visit

YEAR = 2025
pytestmark = pytest.mark.django_db


def _bilan(site=None):
    return compute_bilan(
        date_from=datetime.date(YEAR, 1, 1), date_to=datetime.date(YEAR, 12, 31), site=site
    )


def test_scale_gives_the_proportions_of_one_centres_year(capsys):
    call_command("seed_demo", scale=0.05, year=YEAR)

    # 0.05 × (200 participants, 2,000 persons, 5,000 helps, 3,000 visits) over 2 sites.
    assert Site.objects.count() == 2
    assert Enrollment.objects.count() == 10
    assert Person.objects.count() == 100
    assert IndividualHelp.objects.count() == 250
    assert Visit.objects.count() == 150
    assert 45 <= Session.objects.count() <= 50
    assert 400 <= Registration.objects.count() <= 600  # about 10,000 × 0.05
    assert Cohort.objects.count() == 2
    assert Attendance.objects.count() > 10 * 10  # ~18 meeting days each, minus dropouts
    assert MeetingDay.objects.filter(register_taken_at__isnull=True).count() == 0
    # Everything is dated inside the year.
    for model, field in [
        (Enrollment, "entry_date"),
        (Enrollment, "exit_date"),
        (Attendance, "date"),
        (IndividualHelp, "date"),
        (Visit, "date"),
        (Assessment, "date"),
    ]:
        assert not model.objects.exclude(**{f"{field}__year": YEAR}).exists(), (model, field)
    assert not Session.objects.exclude(start__year=YEAR).exists()
    output = capsys.readouterr().out
    assert "villages_registration" in output
    assert "lignes en" in output


def test_the_bilan_of_the_generated_year_has_every_programme_figure():
    seed_scale(scale=0.2, year=YEAR)
    bilan = _bilan()
    uv, vc = bilan["unisvers"], bilan["villages"]

    assert uv["participants"] == 40
    assert uv["cohorts"] == 2  # one cohort of 20 per site
    assert uv["exits"] == 40  # every cohort has ended by December
    assert 0 < uv["dropouts"] < uv["exits"]
    assert uv["positive_exits"] > uv["exits"] // 2
    assert sum(uv["outcomes"].values()) == uv["exits"]
    assert sum(uv["dropout_reasons"].values()) == uv["dropouts"]
    assert uv["target"] > 0
    assert 0 < uv["followup_3m_recorded"] < uv["exits"]  # late exits are not due yet
    # Reached again at 6 months: fewer than at 3 months (later exits are not due yet).
    assert 0 < uv["followup_6m_recorded"] < uv["followup_3m_recorded"]
    assert uv["in_employment_6m_rate"]["of"] > 0
    assert uv["individual_followup_rate"]["n"] > 0
    assert uv["age_35_50_rate"]["rate"] > 0.5
    assert uv["income_below_550_rate"]["rate"] > 0.5
    assert uv["living_alone_rate"]["n"] > 0
    assert uv["single_parent_rate"]["n"] > 0
    assert uv["attendance"]["present"] > uv["attendance"]["absent_excuse"] > 0
    assert uv["confidence"]["assessed"] > 0
    assert uv["event_attendees"] > 0

    assert vc["people"] > 300
    assert vc["registrations"] > 1500
    assert 0 < vc["waitlisted"] < vc["registrations"]
    assert 0 < vc["attended"] < vc["registrations"]
    assert vc["individual_helps"] == 1000
    assert 0 < vc["urgent_helps"] < vc["individual_helps"]
    assert vc["free_access_visits"] == 600
    assert len(vc["monthly"]) == 12
    assert all(month["people"] > 0 for month in vc["monthly"])
    assert vc["centre_ville_rate"]["n"] > 0
    assert vc["qpv_rate"]["n"] > 0
    assert vc["age_60_plus_rate"]["rate"] > 0.4
    assert vc["bac_or_higher_rate"]["n"] > 0
    assert vc["illectronisme_rate"]["rate"] > 0.5
    assert vc["equipped_rate"]["rate"] > 0.8
    assert vc["skills_progress_rate"]["of"] > 0

    # The site filter selects that site's share.
    ceis = _bilan(site="CEIS")
    assert 0 < ceis["villages"]["individual_helps"] < vc["individual_helps"]
    assert 0 < ceis["unisvers"]["participants"] < uv["participants"]


def _snapshot():
    return {
        "persons": list(
            Person.objects.order_by("id").values_list(
                "public_id", "last_name", "first_name", "birth_date", "neighbourhood__code"
            )
        ),
        "enrollments": list(
            Enrollment.objects.order_by("public_id").values_list(
                "public_id", "person__public_id", "entry_date", "exit_date", "exit_outcome"
            )
        ),
        "registrations": list(
            Registration.objects.order_by("public_id").values_list(
                "public_id", "session__public_id", "person__public_id", "status", "attendance"
            )
        ),
        "helps": list(
            IndividualHelp.objects.order_by("public_id").values_list(
                "public_id", "person__public_id", "date", "themes", "procedures"
            )
        ),
    }


def _generate_and_roll_back(seed):
    with transaction.atomic():
        seed_scale(scale=0.05, year=YEAR, seed=seed)
        snapshot = _snapshot()
        transaction.set_rollback(True)
    assert not Person.objects.exists()
    return snapshot


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data():
    first = _generate_and_roll_back(7)
    again = _generate_and_roll_back(7)
    other = _generate_and_roll_back(8)

    assert len(first["registrations"]) > 100
    assert first == again
    assert first["persons"] != other["persons"]
    assert first["registrations"] != other["registrations"]


def test_notes_are_stored_encrypted():
    seed_scale(scale=0.05, year=YEAR)
    followup = FollowUp.objects.order_by("id").first()
    with connection.cursor() as cursor:
        cursor.execute("SELECT note FROM unisvers_followup WHERE id = %s", [followup.pk])
        raw = cursor.fetchone()[0]

    assert followup.note in FOLLOWUP_NOTES.values()
    assert followup.note not in raw
    assert raw.startswith("gAAAA")  # a Fernet token


def test_generated_persons_are_found_by_name_and_phone():
    seed_scale(scale=0.05, year=YEAR)
    person = Person.objects.exclude(phone="").order_by("id")[3]

    by_name = person_search(Person.objects.all(), f"{person.first_name} {person.last_name}")
    by_phone = person_search(Person.objects.all(), person.phone)

    assert person in by_name
    assert person in by_phone
    assert person.name_key and person.phone_key.startswith("0")


def test_scale_refuses_a_database_that_already_holds_data():
    seed_scale(scale=0.05, year=YEAR)
    with pytest.raises(CommandError, match="n'est pas vide"):
        call_command("seed_demo", scale=0.05, year=YEAR)


def test_year_alone_is_refused():
    with pytest.raises(CommandError, match="--scale"):
        call_command("seed_demo", year=YEAR)


def test_the_set_wise_foreign_key_check_finds_an_orphan_row():
    """PostgreSQL loads without per-row FK triggers, then checks every key with this."""
    from ceis.demo_scale import ScaleError, _check_foreign_keys

    seed_scale(scale=0.05, year=YEAR)
    help_id = IndividualHelp.objects.order_by("id").values_list("id", flat=True).first()
    missing = Person.objects.order_by("-id").values_list("id", flat=True).first() + 1000
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE villages_individualhelp SET person_id = %s WHERE id = %s", [missing, help_id]
        )
        with pytest.raises(ScaleError, match=r"villages_individualhelp\.person_id"):
            _check_foreign_keys()
        cursor.execute("DELETE FROM villages_individualhelp WHERE id = %s", [help_id])

    assert _check_foreign_keys() > 40
