"""Retention: anonymise persons without contact for 2 years, keep every bilan figure (row 11)."""

import datetime

import pytest
import time_machine
from django.core.management import call_command

from ceis.choices import JournalAction
from ceis.models import JournalEntry, Person
from ceis.retention import persons_to_anonymise
from ceis.services import journal_record
from ceis.tests.factories import NeighbourhoodFactory, PersonFactory
from reporting.indicators import compute_bilan
from unisvers.models import FollowUp
from unisvers.tests import factories as uv
from villages.tests import factories as vc

TODAY = datetime.date(2026, 11, 28)
LIMIT = datetime.date(2024, 11, 28)


def _old_person(site, visit_day, **kwargs):
    with time_machine.travel(datetime.datetime(2023, 1, 2, 9, tzinfo=datetime.UTC)):
        person = PersonFactory(site=site, **kwargs)
    vc.VisitFactory(person=person, site=site, date=visit_day)
    return person


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("last_visit", "expected"),
    [
        (LIMIT - datetime.timedelta(days=1), True),
        (LIMIT, False),
        (LIMIT + datetime.timedelta(days=1), False),
    ],
)
def test_two_years_without_contact_to_the_day(site, last_visit, expected):
    person = _old_person(site, last_visit)
    found = list(persons_to_anonymise(today=TODAY))
    assert (person in found) is expected
    if expected:
        assert found[0].last_contact == last_visit


@pytest.mark.django_db
def test_any_recent_record_counts_as_a_contact(site):
    person = _old_person(site, datetime.date(2023, 3, 1))
    vc.AssessmentFactory(person=person, date=datetime.date(2025, 6, 1))
    assert list(persons_to_anonymise(today=TODAY)) == []


@pytest.mark.django_db
def test_wet_run_anonymises_and_every_bilan_figure_stays(site, capsys):
    hood = NeighbourhoodFactory(centre=True)
    person = _old_person(
        site,
        datetime.date(2023, 5, 10),
        last_name="Durand",
        first_name="Aline",
        phone="0611223344",
        email="aline@example.org",
        neighbourhood=hood,
        birth_date=datetime.date(1960, 4, 2),
    )
    enrollment = uv.EnrollmentFactory(
        person=person,
        cohort__site=site,
        cohort__start_date=datetime.date(2023, 3, 6),
        cohort__end_date=datetime.date(2023, 4, 14),
        referral_adviser="Mme Conseillère",
        domestic_violence=True,
        exited=True,
    )
    followup = uv.FollowUpFactory(person=person, date=datetime.date(2023, 4, 1), note="Secret")
    uv.TestimonialFactory(person=person, date=datetime.date(2023, 4, 14), quote="Merci.")
    journal_record(action=JournalAction.UPDATE, obj=person, payload={"fields": ["phone"]})
    journal_record(action=JournalAction.VIEW, obj=followup, payload={"kind": "entretien"})
    period = {"date_from": datetime.date(2023, 1, 1), "date_to": datetime.date(2023, 12, 31)}
    before = compute_bilan(**period)

    with time_machine.travel(datetime.datetime(2026, 11, 28, 9, tzinfo=datetime.UTC)):
        call_command("retention")
        assert "1 personne(s) sans contact depuis 2 an(s) — simulation" in capsys.readouterr().out
        assert Person.objects.get(pk=person.pk).last_name == "Durand"
        call_command("retention", "--wet-run", "--batch", "1")
        assert "1 personne(s) anonymisée(s)." in capsys.readouterr().out

    person.refresh_from_db()
    assert (person.last_name, person.first_name, person.phone, person.email) == (
        "ANONYME",
        "",
        "",
        "",
    )
    assert person.anonymised_at is not None
    assert person.birth_date == datetime.date(1960, 4, 2)  # read by the age indicators
    enrollment.refresh_from_db()
    assert enrollment.referral_adviser == ""
    assert FollowUp.objects.get(pk=followup.pk).note == ""
    assert person.unisvers_testimonials.get().quote == ""
    assert list(JournalEntry.objects.exclude(payload={}).values_list("payload", flat=True)) == []
    after = compute_bilan(**period)
    assert {**after, "generated_at": None} == {**before, "generated_at": None}


@pytest.mark.django_db
def test_running_twice_changes_nothing_the_second_time(site, capsys):
    _old_person(site, datetime.date(2023, 5, 10), last_name="Petit")
    with time_machine.travel(datetime.datetime(2026, 11, 28, 9, tzinfo=datetime.UTC)):
        call_command("retention", "--wet-run")
        first = list(Person.objects.values_list("last_name", "anonymised_at"))
        call_command("retention", "--wet-run")
    assert "0 personne(s) anonymisée(s)." in capsys.readouterr().out.splitlines()[-1]
    assert list(Person.objects.values_list("last_name", "anonymised_at")) == first


@pytest.mark.django_db
def test_one_named_person_is_anonymised_whatever_their_last_contact(site, capsys):
    """An erasure request: `--person UUID` lists then anonymises that person only."""
    recent = PersonFactory(site=site, last_name="Moreau", phone="0611223344")
    vc.VisitFactory(person=recent, site=site, date=datetime.date.today())
    other = PersonFactory(site=site, last_name="Bernard")

    call_command("retention", "--person", str(recent.public_id))
    assert "1 personne(s) désignée(s) — simulation" in capsys.readouterr().out
    assert Person.objects.get(pk=recent.pk).last_name == "Moreau"

    call_command("retention", "--person", str(recent.public_id), "--wet-run")
    recent.refresh_from_db()
    assert (recent.last_name, recent.phone) == ("ANONYME", "")
    assert recent.anonymised_at is not None
    assert Person.objects.get(pk=other.pk).last_name == "Bernard"


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["pas-un-uuid", "1b4e28ba-2fa1-11d2-883f-0016d3cca427"])
def test_an_unknown_or_invalid_person_is_a_clear_error(site, value):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match=r"introuvable|invalide"):
        call_command("retention", "--person", value, "--wet-run")
