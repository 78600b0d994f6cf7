"""consents.csv: an exact round trip keyed by person and channel, and a package without it still
imports; retention removes a person's messages and consents."""

import csv
import datetime

import pytest

from ceis.package.exporter import export_package
from ceis.package.importer import import_package
from ceis.retention import persons_anonymise
from ceis.tests.factories import PersonFactory
from messaging.choices import Channel
from messaging.models import ContactConsent, Message

from .factories import ContactConsentFactory, MessageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def consents(site):
    first = PersonFactory(site=site, ref="p-1", last_name="=HYPERLINK(1)")
    second = PersonFactory(site=site, ref="p-2")
    ContactConsentFactory(person=first, channel=Channel.SMS, date=datetime.date(2026, 11, 2))
    ContactConsentFactory(
        person=first, channel=Channel.EMAIL, given=False, date=datetime.date(2026, 11, 3)
    )
    ContactConsentFactory(person=second, channel=Channel.SMS, date=datetime.date(2026, 10, 1))
    return first, second


def _rows(folder):
    with open(folder / "consents.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_round_trip_is_exact_and_a_second_import_changes_nothing(consents, tmp_path):
    export_package(tmp_path / "a")
    rows = _rows(tmp_path / "a")
    assert [(r["person"], r["channel"], r["given"], r["date"]) for r in rows] == [
        ("p-1", "email", "0", "2026-11-03"),
        ("p-1", "sms", "1", "2026-11-02"),
        ("p-2", "sms", "1", "2026-10-01"),
    ]
    job = import_package(tmp_path / "a")
    assert not job.errors
    summary = {name: (created, updated) for name, created, updated, _ in job.summary()}
    assert summary["consents.csv"] == (0, 0)

    ContactConsent.objects.all().delete()
    job = import_package(tmp_path / "a")
    assert not job.errors, job.errors
    export_package(tmp_path / "b")
    before = (tmp_path / "a" / "consents.csv").read_text(encoding="utf-8")
    assert (tmp_path / "b" / "consents.csv").read_text(encoding="utf-8") == before


def test_a_withdrawal_in_the_package_updates_the_consent(consents, tmp_path):
    export_package(tmp_path / "a")
    rows = _rows(tmp_path / "a")
    rows[1]["given"] = "0"
    with open(tmp_path / "a" / "consents.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    job = import_package(tmp_path / "a")
    assert not job.errors
    assert not ContactConsent.objects.get(person=consents[0], channel="sms").given


def test_an_unknown_channel_is_refused_with_its_line(consents, tmp_path):
    export_package(tmp_path / "a")
    rows = _rows(tmp_path / "a")
    rows[0]["channel"] = "courrier"
    with open(tmp_path / "a" / "consents.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    job = import_package(tmp_path / "a")
    assert [(e.file, e.line, e.column) for e in job.errors] == [("consents.csv", 2, "channel")]


def test_a_package_without_consents_still_imports(consents, tmp_path):
    export_package(tmp_path / "a")
    (tmp_path / "a" / "consents.csv").unlink()
    job = import_package(tmp_path / "a")
    assert not job.errors
    assert ContactConsent.objects.count() == 3


def test_retention_removes_the_messages_and_consents_of_the_person(consents):
    first, second = consents
    MessageFactory(person=first)
    MessageFactory(person=second)
    persons_anonymise(person_ids=[first.pk])
    assert list(ContactConsent.objects.values_list("person", flat=True)) == [second.pk]
    assert list(Message.objects.values_list("person", flat=True)) == [second.pk]


def test_deleting_a_person_deletes_their_messages_and_consents(consents):
    first, _ = consents
    MessageFactory(person=first)
    first.delete()
    assert not Message.objects.filter(person_id=first.pk).exists()
    assert not ContactConsent.objects.filter(person_id=first.pk).exists()
