"""partners.csv and orientations.csv: an exact round trip with each kind of source, a seeded
partner of the same name reused, a source of another person refused, and a package without these
files still imports."""

import csv

import pytest

from ceis.choices import Role
from ceis.package.exporter import export_package
from ceis.package.importer import import_package
from ceis.tests.factories import PersonFactory
from coordination.choices import OrientationSource, OrientationStatus
from coordination.models import Orientation, Partner
from unisvers.tests.factories import CohortFactory, EnrollmentFactory, FollowUpFactory
from villages.tests.factories import IndividualHelpFactory

from .factories import OrientationFactory, PartnerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def oriented(site, make_user):
    referent = make_user(Role.TRAVAILLEUR_SOCIAL)
    cohort = CohortFactory(site=site, name="Promotion printemps")
    enrollment = EnrollmentFactory(cohort=cohort, exited=True)
    person = enrollment.person
    followup = FollowUpFactory(person=person, cohort=cohort)
    help_ = IndividualHelpFactory(site=site, person=person)
    france_travail = PartnerFactory(site=site, france_travail=True, address="=1+1")
    sante = PartnerFactory(site=site, name="CMP Chaptal", category="sante")
    OrientationFactory(
        person=person,
        partner=france_travail,
        enrollment=enrollment,
        from_exit=True,
        status=OrientationStatus.REALISEE,
        status_date=enrollment.exit_date,
        created_by=referent,
    )
    OrientationFactory(person=person, partner=sante, followup=followup, from_followup=True)
    OrientationFactory(person=person, partner=sante, help=help_, from_help=True, reason="")
    OrientationFactory(person=PersonFactory(site=site), partner=france_travail)
    return person


def _rows(folder, name):
    with open(folder / f"{name}.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _ties():
    return sorted(
        (o.source, o.followup_id, o.help_id, o.enrollment_id, o.site_id, o.partner.name)
        for o in Orientation.objects.select_related("partner")
    )


def test_the_round_trip_is_exact_and_a_second_import_changes_nothing(oriented, tmp_path):
    export_package(tmp_path / "a")
    partners = _rows(tmp_path / "a", "partners")
    assert list(partners[0]) == ["ref", "site", "name", "category", "address", "contact"]
    orientations = _rows(tmp_path / "a", "orientations")
    assert list(orientations[0]) == [
        "ref",
        "person",
        "partner",
        "date",
        "reason",
        "status",
        "status_date",
        "source",
        "source_ref",
    ]
    exit_row = next(row for row in orientations if row["source"] == "exit")
    cohort = oriented.unisvers_enrollments.get().cohort
    assert exit_row["source_ref"] == str(cohort.public_id)
    assert exit_row["status"] == "realisee"
    assert "note" not in exit_row  # the note stays where it was written
    ties = _ties()

    job = import_package(tmp_path / "a")
    assert not job.errors, job.errors
    summary = {name: (created, updated) for name, created, updated, _ in job.summary()}
    assert summary["partners.csv"] == (0, 0)
    assert summary["orientations.csv"] == (0, 0)

    # Into a database without them: the same records, tied to the same sources, same cells.
    Orientation.objects.all().delete()
    Partner.objects.all().delete()
    job = import_package(tmp_path / "a")
    assert not job.errors, job.errors
    assert _ties() == ties
    export_package(tmp_path / "b")
    for name in ("partners", "orientations"):
        before = (tmp_path / "a" / f"{name}.csv").read_text(encoding="utf-8")
        after = (tmp_path / "b" / f"{name}.csv").read_text(encoding="utf-8")
        assert after == before, name


def test_a_seeded_partner_of_the_same_name_is_reused(site, tmp_path):
    PartnerFactory(site=site, name="France Travail", category="france_travail", ref="FT-A")
    export_package(tmp_path / "a")
    Partner.objects.update(ref=None, contact="")  # another instance's seeded partner
    job = import_package(tmp_path / "a")
    assert not job.errors, job.errors
    partner = Partner.objects.get()
    assert (partner.ref, partner.contact) == ("FT-A", "Accueil : 04 67 00 00 00")


def test_a_source_of_another_person_is_refused_with_its_line(oriented, site, tmp_path):
    export_package(tmp_path / "a")
    path = tmp_path / "a" / "orientations.csv"
    rows = _rows(tmp_path / "a", "orientations")
    other = next(row for row in rows if not row["source"])
    helped = next(row for row in rows if row["source"] == OrientationSource.HELP)
    other["source"], other["source_ref"] = "help", helped["source_ref"]
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    job = import_package(tmp_path / "a")
    assert any("concerne une autre personne" in str(error) for error in job.errors), job.errors


def test_a_package_without_coordination_files_still_imports(oriented, tmp_path):
    export_package(tmp_path / "a")
    (tmp_path / "a" / "partners.csv").unlink()
    (tmp_path / "a" / "orientations.csv").unlink()
    job = import_package(tmp_path / "a")
    assert not job.errors, job.errors
    assert Orientation.objects.count() == 4


def test_an_older_packages_free_text_orientation_becomes_an_orientation_to_autre(site, tmp_path):
    """followups.csv `orientation` (before the directory): imported into an orientation to the
    site's « Autre » with the text in its note, as the data migration does; nothing left as
    text on the entry."""
    cohort = CohortFactory(site=site, name="Promotion automne")
    enrollment = EnrollmentFactory(cohort=cohort)
    followup = FollowUpFactory(person=enrollment.person, cohort=cohort)
    export_package(tmp_path / "a")
    rows = _rows(tmp_path / "a", "followups")
    assert [row["orientation"] for row in rows] == [""]
    rows[0]["orientation"] = "Mission locale, rendez-vous avec Mme Roux"
    with open(tmp_path / "a" / "followups.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)

    job = import_package(tmp_path / "a")

    assert not job.errors, job.errors
    followup.refresh_from_db()
    assert followup.orientation == ""
    orientation = Orientation.objects.select_related("partner").get()
    assert (orientation.partner.name, orientation.partner.category, orientation.partner.site) == (
        "Autre",
        "autre",
        site,
    )
    assert orientation.note == "Mission locale, rendez-vous avec Mme Roux"
    assert (orientation.source, orientation.followup, orientation.person) == (
        OrientationSource.FOLLOWUP,
        followup,
        enrollment.person,
    )
    assert (orientation.date, orientation.status) == (followup.date, OrientationStatus.PROPOSEE)
