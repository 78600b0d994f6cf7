"""Retention (security.md row 11): an orientation is a contact; anonymisation erases its reason,
note and shares and keeps what the bilan counts."""

import datetime

import pytest
import time_machine

from ceis.retention import persons_to_anonymise
from ceis.tests.factories import PersonFactory
from coordination import retention
from coordination.choices import OrientationStatus
from coordination.models import Orientation

from .factories import OrientationFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 28)


def test_a_recent_orientation_is_a_contact(site):
    with time_machine.travel(datetime.datetime(2023, 1, 2, 9, tzinfo=datetime.UTC)):
        person = PersonFactory(site=site)
    OrientationFactory(person=person, date=datetime.date(2023, 3, 1))
    assert [p.last_contact for p in persons_to_anonymise(today=TODAY)] == [
        datetime.date(2023, 3, 1)
    ]
    OrientationFactory(person=person, date=datetime.date(2025, 6, 1))
    assert list(persons_to_anonymise(today=TODAY)) == []


def test_anonymisation_erases_what_it_says_and_keeps_what_is_counted(site):
    orientation = OrientationFactory(
        person=PersonFactory(site=site),
        status=OrientationStatus.REALISEE,
        share_contact=True,
        share_situation=True,
    )
    retention.anonymise([orientation.person_id])
    kept = Orientation.objects.get()
    assert (kept.reason, kept.note, kept.share_contact, kept.share_situation) == (
        "",
        "",
        False,
        False,
    )
    assert (kept.date, kept.status, kept.partner_id, kept.site_id) == (
        orientation.date,
        OrientationStatus.REALISEE,
        orientation.partner_id,
        orientation.site_id,
    )


def test_the_right_of_access_export_holds_the_orientations(site):
    from ceis.rights import person_export

    orientation = OrientationFactory(person=PersonFactory(site=site), note="Vue par la personne")
    export = person_export(orientation.person)
    (record,) = export["records"]["coordination.Orientation"]
    assert (record["note"], record["partner"]) == ("Vue par la personne", orientation.partner.name)
