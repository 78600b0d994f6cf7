"""opening_hours.csv and appointments.csv: an exact round trip, agents by username that must
exist, no double booking imported, and a package without these files still imports."""

import csv
import datetime

import pytest

from appointments.choices import AppointmentStatus, Weekday
from appointments.models import Appointment, OpeningHours
from ceis.choices import Role
from ceis.package.exporter import export_package
from ceis.package.importer import import_package
from ceis.tests.factories import PersonFactory

from .factories import AppointmentFactory, OpeningHoursFactory, at

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 12, 8)


@pytest.fixture
def agenda(make_user, site):
    agent = make_user(Role.MEDIATEUR_NUMERIQUE, username="ines.roux")
    OpeningHoursFactory(agent=agent, site=site, weekday=Weekday.MARDI)
    OpeningHoursFactory(
        agent=agent,
        site=site,
        weekday=Weekday.JEUDI,
        start=datetime.time(14),
        end=datetime.time(17, 30),
    )
    person = PersonFactory(site=site, last_name="=HYPERLINK(1)")
    AppointmentFactory(
        agent=agent, site=site, person=person, start=at(DAY, 10), place="Salle Verte"
    )
    AppointmentFactory(
        agent=agent, site=site, person=person, start=at(DAY, 10), status=AppointmentStatus.EXCUSE
    )
    return agent


def _rows(folder, name):
    with open(folder / f"{name}.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_round_trip_is_exact_and_a_second_import_changes_nothing(agenda, tmp_path):
    export_package(tmp_path / "a")
    hours = _rows(tmp_path / "a", "opening_hours")
    assert [(r["agent"], r["weekday"], r["start"], r["end"]) for r in hours] == [
        ("ines.roux", "1", "09:00", "12:00"),
        ("ines.roux", "3", "14:00", "17:30"),
    ]
    appointments = _rows(tmp_path / "a", "appointments")
    assert appointments[0]["agent"] == "ines.roux"
    assert appointments[0]["start"] == "2026-12-08T10:00:00+01:00"
    assert (appointments[0]["duration_min"], appointments[0]["place"]) == ("30", "Salle Verte")

    job = import_package(tmp_path / "a")
    assert not job.errors
    summary = {name: (created, updated) for name, created, updated, _ in job.summary()}
    assert summary["opening_hours.csv"] == (0, 0)
    assert summary["appointments.csv"] == (0, 0)

    # Into a database without them: the same records, the same cells.
    Appointment.objects.all().delete()
    OpeningHours.objects.all().delete()
    job = import_package(tmp_path / "a")
    assert not job.errors, job.errors
    export_package(tmp_path / "b")
    for name in ("opening_hours", "appointments"):
        before = (tmp_path / "a" / f"{name}.csv").read_text(encoding="utf-8")
        after = (tmp_path / "b" / f"{name}.csv").read_text(encoding="utf-8")
        assert after == before, name
    assert Appointment.objects.get(status="prevu").end == at(DAY, 10, 30)


def test_an_unknown_agent_and_a_double_booking_are_refused_with_their_line(agenda, tmp_path):
    export_package(tmp_path / "a")
    path = tmp_path / "a" / "appointments.csv"
    rows = _rows(tmp_path / "a", "appointments")
    fields = list(rows[0])
    clash = {**rows[0], "ref": "rdv-2", "start": "2026-12-08T10:15"}
    stranger = {**rows[0], "ref": "rdv-3", "agent": "inconnu", "start": "2026-12-09T10:00"}
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fields)
        writer.writeheader()
        writer.writerows([*rows, clash, stranger])
    count = Appointment.objects.count()
    job = import_package(tmp_path / "a")
    messages = {(e.file, e.line, e.column): e.message for e in job.errors}
    assert "a déjà un rendez-vous" in messages[("appointments.csv", 4, "start")]
    assert messages[("appointments.csv", 5, "agent")].startswith(
        "compte « inconnu » introuvable : l'import ne crée pas de compte"
    )
    assert Appointment.objects.count() == count


def test_a_package_without_these_files_still_imports(agenda, tmp_path):
    export_package(tmp_path / "a")
    (tmp_path / "a" / "opening_hours.csv").unlink()
    (tmp_path / "a" / "appointments.csv").unlink()
    job = import_package(tmp_path / "a")
    assert not job.errors
    assert OpeningHours.objects.count() == 2
