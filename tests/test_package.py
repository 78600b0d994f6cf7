"""import_package / export_package (docs/data-package.md): validation with file and line,
atomicity, idempotence, dry run, and the round trip through an empty database."""

import datetime
import io
import json
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ceis.models import JournalEntry, Neighbourhood, Person, Site
from ceis.package.exporter import export_package
from ceis.package.importer import import_package
from ceis.tests.package_data import package, write
from coordination.models import Orientation, Partner
from reporting.indicators import compute_bilan
from unisvers.models import (
    Attendance,
    Cohort,
    CollectiveActivity,
    Enrollment,
    Event,
    FollowUp,
    MeetingDay,
    Target,
)
from unisvers.models import (
    Testimonial as UnisversTestimonial,
)
from villages.models import Assessment, IndividualHelp, Registration, Session, Visit, Workshop

pytestmark = pytest.mark.django_db

MODELS = [
    Site,
    Neighbourhood,
    Person,
    Target,
    Cohort,
    MeetingDay,
    Enrollment,
    Attendance,
    FollowUp,
    Event,
    UnisversTestimonial,
    Workshop,
    Session,
    Registration,
    IndividualHelp,
    Visit,
    Assessment,
]


def counts() -> dict:
    return {model.__name__: model.objects.count() for model in MODELS} | {
        "event_attendance": Event.attendees.through.objects.count()
    }


def run(path, *args) -> tuple[str, str, bool]:
    """(stdout, stderr, ok) of `import_package path *args`."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_package", str(path), *args, stdout=out, stderr=err)
        ok = True
    except CommandError:
        ok = False
    return out.getvalue(), err.getvalue(), ok


def bilans() -> dict:
    result = {}
    for site in (None, "CEIS"):
        for start, end in (("2026-01-01", "2026-12-31"), ("2026-03-01", "2026-03-31")):
            bilan = compute_bilan(
                date_from=datetime.date.fromisoformat(start),
                date_to=datetime.date.fromisoformat(end),
                site=site,
            )
            bilan.pop("generated_at")
            # Messages belong to the instance that sent them and do not travel in the package
            # (data-package.md): the round trip leaves them behind.
            bilan.pop("messages")
            result[f"{site}:{start}"] = json.dumps(bilan, sort_keys=True, default=str)
    return result


def wipe() -> None:
    """Empty every table the package fills (children first)."""
    for model in (
        Attendance,
        FollowUp,  # before the enrollments they belong to
        Enrollment,
        UnisversTestimonial,
        CollectiveActivity,
        MeetingDay,
        Target,
        Registration,
        IndividualHelp,
        Visit,
        Assessment,
        Session,
        Workshop,
    ):
        model.objects.all().delete()
    Event.objects.all().delete()
    Cohort.objects.all().delete()
    Person.objects.all().delete()
    Orientation.objects.all().delete()
    Partner.objects.all().delete()  # protects its site
    Neighbourhood.objects.all().delete()
    Site.objects.all().delete()


# Import of a complete package ------------------------------------------------------------------


def test_import_creates_every_record_with_its_values(tmp_path):
    out, err, ok = run(write(tmp_path / "p", package()))
    assert ok, err
    assert counts() == {
        "Site": 1,
        "Neighbourhood": 2,
        "Person": 4,
        "Target": 1,
        "Cohort": 1,
        "MeetingDay": 17,
        "Enrollment": 3,
        "Attendance": 4,
        "FollowUp": 2,
        "Event": 1,
        "Testimonial": 1,
        "Workshop": 1,
        "Session": 1,
        "Registration": 2,
        "IndividualHelp": 1,
        "Visit": 2,
        "Assessment": 2,
        "event_attendance": 2,
    }
    p1 = Person.objects.get(ref="P1")
    assert (p1.first_name, p1.birth_date, p1.neighbourhood.code, p1.site.code) == (
        "Éloïse",
        datetime.date(1980, 3, 12),
        "ecusson",
        "CEIS",
    )
    assert p1.name_key == "martin eloise" and p1.phone_key == "0612345678"
    abandon = Enrollment.objects.get(person=p1)
    assert (abandon.exit_outcome, abandon.dropout_reason, abandon.barriers) == (
        "abandon",
        "sante",
        ["logement", "mobilite"],
    )
    assert abandon.domestic_violence is True and abandon.health_problem is False
    assert FollowUp.objects.get(ref="F1").note == "Note courte,\navec un retour à la ligne"
    assert Site.objects.get().address == "3 rue du Faubourg, Montpellier"
    a1 = Assessment.objects.get(ref="A1")
    assert (a1.classification, a1.site.code, a1.owns_computer) == (
        "capacites_faibles",
        "CEIS",
        None,
    )
    assert Assessment.objects.get(ref="A2").classification == "competences_de_base"
    help_ = IndividualHelp.objects.get()
    assert (help_.themes, help_.urgent) == (["email", "navigation_sur_internet"], True)
    session = Session.objects.get()
    assert session.start == datetime.datetime(2026, 3, 4, 13, 0, tzinfo=datetime.UTC)
    assert UnisversTestimonial.objects.get().publication_consent is True
    assert "sites.csv : 1 créés, 0 modifiés, 0 inchangés" in out
    entry = JournalEntry.objects.get(object_type="ceis.package")
    assert entry.action == "create" and entry.payload["created"]["people"] == 4


def test_imported_cohort_gets_its_calendar_and_register_days(tmp_path):
    run(write(tmp_path / "p", package()))
    cohort = Cohort.objects.get()
    days = list(cohort.meeting_days.values_list("date", flat=True))
    assert days[0] == datetime.date(2026, 3, 2) and days[-1] == datetime.date(2026, 4, 9)
    assert datetime.date(2026, 4, 6) not in days  # Lundi de Pâques
    taken = cohort.meeting_days.filter(register_taken_at__isnull=False).count()
    assert taken == 3  # the three dates that have attendance


def test_second_import_changes_nothing(tmp_path):
    path = write(tmp_path / "p", package())
    run(path)
    before = counts()
    journal = JournalEntry.objects.count()
    out, err, ok = run(path)
    assert ok, err
    assert counts() == before
    assert "people.csv : 0 créés, 0 modifiés, 4 inchangés" in out
    assert "attendance.csv : 0 créés, 0 modifiés, 4 inchangés" in out
    assert JournalEntry.objects.count() == journal + 1


def test_a_changed_row_updates_its_record(tmp_path):
    run(write(tmp_path / "p", package()))
    data = package()
    data["people"][1][1] = "Martin-Roux"
    data["attendance"][1][3] = "absent_excuse"
    data["assessments"][1][3] = "0"  # no internet use in the last 3 months
    data["enrollments"][3][9] = "numerique|logement"  # barriers: a JSON list on PostgreSQL
    data["cohorts"][1][5] = "mon|wed"
    out, err, ok = run(write(tmp_path / "q", data))
    assert ok, err
    assert "people.csv : 0 créés, 1 modifiés, 3 inchangés" in out
    person = Person.objects.get(ref="P1")
    assert (person.last_name, person.name_key) == ("Martin-Roux", "martinroux eloise")
    assert Attendance.objects.get(person=person).status == "absent_excuse"
    assert Person.objects.count() == 4
    assert Assessment.objects.get(ref="A1").classification == "illectronisme"
    assert Enrollment.objects.get(person__ref="P3").barriers == ["numerique", "logement"]
    days = set(Cohort.objects.get().meeting_days.values_list("date", flat=True))
    # Mondays and Wednesdays now, plus the Tuesday and Thursday that have attendance.
    assert datetime.date(2026, 3, 4) in days and datetime.date(2026, 3, 10) not in days
    assert {datetime.date(2026, 3, 3), datetime.date(2026, 3, 5)} <= days
    assert "cohorts.csv : 0 créés, 1 modifiés, 0 inchangés" in out


def test_dry_run_writes_nothing_and_reports(tmp_path):
    out, err, ok = run(write(tmp_path / "p", package()), "--dry-run")
    assert ok, err
    assert "people.csv : 4 à créer, 0 à modifier, 0 inchangés" in out
    assert "rien n'a été écrit" in out
    assert sum(counts().values()) == 0
    assert not JournalEntry.objects.filter(object_type="ceis.package").exists()


def test_absent_files_are_allowed(tmp_path):
    data = {name: package()[name] for name in ("manifest", "sites", "neighbourhoods", "people")}
    _out, err, ok = run(write(tmp_path / "p", data))
    assert ok, err
    assert Person.objects.count() == 4 and Cohort.objects.count() == 0


def test_references_resolve_to_records_already_in_the_database(tmp_path):
    run(write(tmp_path / "p", package()))
    data = {
        "manifest": package()["manifest"],
        "attendance": [
            ["cohort", "person", "date", "status"],
            ["C1", "P3", "2026-03-09", "present"],
        ],
    }
    _out, err, ok = run(write(tmp_path / "q", data))
    assert ok, err
    assert Attendance.objects.count() == 5


def test_bom_and_free_column_order_and_missing_optional_column(tmp_path):
    data = package()
    data["sites"] = [["name", "code"], ["CEIS des Arceaux", "CEIS"]]  # no address column
    _out, err, ok = run(write(tmp_path / "p", data, bom=True))
    assert ok, err
    assert Site.objects.get().address == ""


def test_zip_package(tmp_path):
    folder = write(tmp_path / "p", package())
    archive = tmp_path / "paquet.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for file in folder.iterdir():
            z.write(file, f"paquet/{file.name}")
    _out, err, ok = run(archive)
    assert ok, err
    assert Person.objects.count() == 4


# Errors: file, line, column; nothing written -------------------------------------------------


def refused(tmp_path, data, *, bom=False) -> list[str]:
    _out, err, ok = run(write(tmp_path / "bad", data, bom=bom))
    assert not ok
    assert sum(counts().values()) == 0, "nothing may be written"
    return err.strip().splitlines()


def with_cell(name, line, column, value) -> dict:
    """BASE with one cell changed: `line` as in the file (header = 1), without multi-line rows."""
    data = package()
    header = data[name][0]
    data[name][line - 1][header.index(column)] = value
    return data


@pytest.mark.parametrize(
    ("name", "line", "column", "value", "expected"),
    [
        pytest.param(
            "enrollments",
            2,
            "dropout_reason",
            "",
            "enrollments.csv:2: dropout_reason: Un abandon demande sa raison.",
            id="abandon-without-reason",
        ),
        pytest.param(
            "enrollments",
            3,
            "dropout_reason",
            "sante",
            "enrollments.csv:3: dropout_reason: Une raison d'abandon ne vaut que pour un abandon.",
            id="reason-without-abandon",
        ),
        pytest.param(
            "enrollments",
            2,
            "exit_date",
            "2026-03-01",
            "enrollments.csv:2: exit_date: "
            "La date de sortie ne peut pas précéder la date d'entrée.",
            id="exit-before-entry",
        ),
        pytest.param(
            "enrollments",
            4,
            "exit_outcome",
            "formation",
            "enrollments.csv:4: exit_date: Un motif de sortie demande une date de sortie.",
            id="outcome-without-exit-date",
        ),
        pytest.param(
            "enrollments",
            3,
            "followup_3m_date",
            "2026-04-01",
            "enrollments.csv:3: followup_3m_date: Le suivi à 3 mois ne peut pas précéder la sortie.",
            id="followup-before-exit",
        ),
        pytest.param(
            "enrollments",
            4,
            "entry_date",
            "2026-05-01",
            "enrollments.csv:4: entry_date: La date d'entrée est après la fin de la promotion.",
            id="entry-after-cohort",
        ),
        pytest.param(
            "enrollments",
            4,
            "confidence_entry",
            "11",
            "enrollments.csv:4: confidence_entry: valeur hors de l'intervalle 1–10 « 11 »",
            id="confidence-out-of-range",
        ),
        pytest.param(
            "attendance",
            3,
            "date",
            "2026-04-20",
            "attendance.csv:3: date: le 2026-04-20 est en "
            "dehors de la promotion (du 2026-03-02 au 2026-04-12)",
            id="attendance-outside-cohort",
        ),
        pytest.param(
            "assessments",
            3,
            "securite",
            "3",
            "assessments.csv:3: securite: valeur hors de l'intervalle 0–2 « 3 »",
            id="score-outside-0-2",
        ),
        pytest.param(
            "cohorts",
            2,
            "end_date",
            "2026-02-01",
            "cohorts.csv:2: end_date: La fin de la promotion précède son début.",
            id="cohort-end-before-start",
        ),
        pytest.param(
            "registrations",
            3,
            "person",
            "P9",
            "registrations.csv:3: person: personne « P9 » "
            "introuvable dans le paquet et dans la base",
            id="missing-person",
        ),
        pytest.param(
            "sessions",
            2,
            "workshop",
            "W9",
            "sessions.csv:2: workshop: atelier « W9 » introuvable dans le paquet et dans la base",
            id="missing-workshop",
        ),
        pytest.param(
            "people",
            2,
            "birth_date",
            "1980-13-01",
            "people.csv:2: birth_date: date invalide « 1980-13-01 » (attendu AAAA-MM-JJ)",
            id="invalid-date",
        ),
        pytest.param(
            "people",
            3,
            "birth_year",
            "1976",
            None,
            id="birth-year-is-fine-without-date",
        ),
        pytest.param(
            "people",
            4,
            "birth_year",
            "2002",
            "people.csv:4: birth_year: L'année ne correspond pas à la date de naissance.",
            id="birth-year-mismatch",
        ),
        pytest.param(
            "people",
            2,
            "birth_date",
            "2999-01-01",
            "people.csv:2: birth_date: La date de naissance est dans le futur.",
            id="birth-in-the-future",
        ),
        pytest.param(
            "people",
            2,
            "sex",
            "H",
            "people.csv:2: sex: code inconnu « H »",
            id="unknown-code",
        ),
        pytest.param(
            "helps",
            2,
            "themes",
            "email|cuisine",
            "helps.csv:2: themes: code inconnu « cuisine »",
            id="unknown-code-in-list",
        ),
        pytest.param(
            "visits",
            2,
            "volunteer_help",
            "peut-être",
            "visits.csv:2: volunteer_help: booléen "
            "invalide « peut-être » (attendu 1 ou 0, oui ou non)",
            id="invalid-boolean",
        ),
        pytest.param(
            "sessions",
            2,
            "start",
            "04/03/2026 14h",
            "sessions.csv:2: start: date-heure "
            "invalide « 04/03/2026 14h » (attendu AAAA-MM-JJTHH:MM, éventuellement avec un "
            "décalage horaire)",
            id="invalid-datetime",
        ),
        pytest.param(
            "testimonials",
            2,
            "quote",
            "",
            "testimonials.csv:2: quote: valeur obligatoire",
            id="required-value",
        ),
        pytest.param(
            "people",
            2,
            "postal_code",
            "3400",
            "people.csv:2: postal_code: Un code postal compte 5 chiffres. « 3400 »",
            id="model-validator",
        ),
    ],
)
def test_domain_rule_error_names_file_line_and_column(
    tmp_path, name, line, column, value, expected
):
    data = with_cell(name, line, column, value)
    if expected is None:
        assert run(write(tmp_path / "ok", data))[2]
        return
    assert refused(tmp_path, data) == [expected]


def test_duplicate_key_is_refused(tmp_path):
    data = package()
    data["attendance"].append(["C1", "P1", "2026-03-02", "absent_excuse"])
    data["people"].append(list(data["people"][2]))
    assert refused(tmp_path, data) == [
        "people.csv:6: ref: doublon de la clé (ref) déjà vue ligne 3",
        "attendance.csv:6: cohort: doublon de la clé (cohort, person, date) déjà vue ligne 2",
    ]


def test_unknown_column_and_missing_required_column(tmp_path):
    data = package()
    data["sites"][0] = ["code", "nom", "address"]
    assert refused(tmp_path, data) == [
        "sites.csv:1: nom: colonne inconnue (colonnes de ce fichier : code, name, address)",
        "sites.csv:1: name: colonne obligatoire absente",
    ]


def test_manifest_is_required_with_its_format(tmp_path):
    assert refused(tmp_path, package(manifest=None)) == [
        "manifest.csv:0: -: fichier obligatoire absent"
    ]
    data = package(manifest=[["key", "value"], ["format", "ceis.package/2"]])
    assert refused(tmp_path, data) == [
        "manifest.csv:2: value: format « ceis.package/2 » non pris en charge "
        "(attendu ceis.package/1)"
    ]


def test_quoted_fields_with_commas_and_newlines_keep_line_numbers(tmp_path):
    data = package()
    data["followups"][2][3] = "rendez-vous"  # F2, on line 4 since F1's note spans two lines
    assert refused(tmp_path, data) == ["followups.csv:4: kind: code inconnu « rendez-vous »"]


def test_bom_file_errors_keep_the_header_line(tmp_path):
    data = with_cell("targets", 2, "year", "deux mille")
    assert refused(tmp_path, data, bom=True) == [
        "targets.csv:2: year: nombre entier invalide « deux mille »"
    ]


def test_every_error_is_reported_then_capped_at_100(tmp_path):
    data = package()
    data["visits"] += [[f"V{n}", "CEIS", "2026-02-30", "", "0"] for n in range(3, 153)]
    lines = refused(tmp_path, data)
    assert len(lines) == 101
    assert lines[0] == "visits.csv:4: date: date invalide « 2026-02-30 » (attendu AAAA-MM-JJ)"
    assert lines[-1] == "… et 50 autres erreurs."


def test_errors_in_several_files_are_all_reported(tmp_path):
    data = with_cell("people", 2, "sex", "H")
    data["assessments"][1][4] = "5"
    assert refused(tmp_path, data) == [
        "people.csv:2: sex: code inconnu « H »",
        "assessments.csv:2: information: valeur hors de l'intervalle 0–2 « 5 »",
    ]


def test_nothing_written_when_an_update_package_has_an_error(tmp_path):
    run(write(tmp_path / "p", package()))
    before = counts()
    data = with_cell("people", 2, "last_name", "Changé")
    data["assessments"][1][4] = "5"
    _out, _err, ok = run(write(tmp_path / "q", data))
    assert not ok and counts() == before
    assert Person.objects.get(ref="P1").last_name == "Martin"


# Export and round trip ----------------------------------------------------------------------


def test_export_then_import_into_an_empty_database_gives_the_same_bilan(tmp_path):
    run(write(tmp_path / "p", package()))
    expected, before = bilans(), counts()
    export_package(tmp_path / "export.zip", include_notes=True)
    wipe()
    assert sum(counts().values()) == 0
    _out, err, ok = run(tmp_path / "export.zip")
    assert ok, err
    assert bilans() == expected
    assert counts() == before
    assert FollowUp.objects.get(ref="F1").note == "Note courte,\navec un retour à la ligne"
    # And the second export is the same files, manifest aside.
    export_package(tmp_path / "again", include_notes=True)
    with zipfile.ZipFile(tmp_path / "export.zip") as z:
        for name in z.namelist():
            if name != "manifest.csv":
                assert z.read(name) == (tmp_path / "again" / name).read_bytes(), name


def test_round_trip_of_the_demo_data(tmp_path):
    call_command("seed_demo", persons=60, stdout=io.StringIO())
    expected, before = bilans(), counts()
    export_package(tmp_path / "demo")
    out, err, ok = run(tmp_path / "demo", "--dry-run")
    assert ok, err
    assert " 0 à créer, 0 à modifier" in out and "à créer, 1 à" not in out
    wipe()
    out, err, ok = run(tmp_path / "demo")
    assert ok, err
    assert bilans() == expected
    before.pop("MeetingDay")  # the calendar is regenerated, not carried
    after = counts()
    after.pop("MeetingDay")
    assert after == before


def test_export_writes_notes_only_when_asked_and_is_journalled(tmp_path):
    run(write(tmp_path / "p", package()))
    export_package(tmp_path / "plain")
    header = (tmp_path / "plain" / "followups.csv").read_text().splitlines()[0]
    assert header == "ref,person,date,kind,cohort,orientation"
    assert "retour à la ligne" not in (tmp_path / "plain" / "followups.csv").read_text()
    export_package(tmp_path / "notes", include_notes=True)
    assert "note" in (tmp_path / "notes" / "followups.csv").read_text().splitlines()[0]
    entries = JournalEntry.objects.filter(action="export", object_type="ceis.package")
    assert [e.payload["include_notes"] for e in entries.order_by("id")] == [False, True]


def test_import_of_an_export_without_notes_keeps_the_notes(tmp_path):
    run(write(tmp_path / "p", package()))
    export_package(tmp_path / "plain")
    out, err, ok = run(tmp_path / "plain")
    assert ok, err
    assert "followups.csv : 0 créés, 0 modifiés, 2 inchangés" in out
    assert FollowUp.objects.get(ref="F1").note.startswith("Note courte")


def test_records_made_in_ceis_are_exported_under_their_public_id(tmp_path, site):
    from ceis.tests.factories import PersonFactory

    person = PersonFactory(site=site)
    export_package(tmp_path / "e")
    assert str(person.public_id) in (tmp_path / "e" / "people.csv").read_text()
    out, err, ok = run(tmp_path / "e")
    assert ok, err
    assert "people.csv : 0 créés, 0 modifiés, 1 inchangés" in out
    assert Person.objects.count() == 1


def test_export_command_writes_a_zip(tmp_path):
    call_command("export_package", str(tmp_path / "x.zip"), stdout=io.StringIO())
    with zipfile.ZipFile(tmp_path / "x.zip") as z:
        assert "manifest.csv" in z.namelist() and "people.csv" in z.namelist()
        assert "format,ceis.package/1" in z.read("manifest.csv").decode()


def test_import_package_function_reports_without_raising(tmp_path):
    job = import_package(write(tmp_path / "p", with_cell("people", 2, "sex", "H")))
    assert [str(e) for e in job.errors] == ["people.csv:2: sex: code inconnu « H »"]


def test_unknown_file_bad_encoding_and_wrong_cell_count_are_errors(tmp_path):
    data = package()
    data["person"] = [["ref"], ["P9"]]
    data["targets"].append(["CEIS", "2027"])
    path = write(tmp_path / "bad", data)
    # 0x81 is neither UTF-8 nor Windows-1252 (a byte that encoding leaves undefined).
    (path / "sites.csv").write_bytes(b"code,name\nCEIS,Caf\x81\n")
    _out, err, ok = run(path)
    assert not ok
    assert err.strip().splitlines() == [
        "sites.csv:2: -: encodage invalide (ni UTF-8 ni Windows-1252) : octet 0x81",
        "targets.csv:3: -: 2 valeurs pour 3 colonnes",
        "person.csv:0: -: fichier inconnu dans le paquet",
    ]
    assert sum(counts().values()) == 0


def test_a_new_person_gets_the_site_of_its_first_record(tmp_path):
    data = package()
    data["sites"].append(["NORD", "Antenne Nord", ""])
    data["helps"][1][2] = "NORD"  # P4's first record in the package is a help at NORD
    _out, err, ok = run(write(tmp_path / "p", data))
    assert ok, err
    sites = dict(Person.objects.values_list("ref", "site__code"))
    assert sites == {"P1": "CEIS", "P2": "CEIS", "P3": "CEIS", "P4": "NORD"}
    assert Assessment.objects.filter(site__code="NORD").count() == 2


# Follow-up entries belong to an enrollment (security.md row 17) --------------------------------


def test_a_followup_belongs_to_the_enrollment_its_cohort_names_else_its_date(tmp_path):
    """F1 names C1; F2 has no cohort: it is tied to P2's enrollment whose period holds its date,
    and the export then names that cohort, so that export and import agree."""
    _out, err, ok = run(write(tmp_path / "p", package()))
    assert ok, err
    f1, f2 = FollowUp.objects.get(ref="F1"), FollowUp.objects.get(ref="F2")
    assert f1.enrollment == Enrollment.objects.get(person__ref="P1", cohort__ref="C1")
    assert f2.enrollment == Enrollment.objects.get(person__ref="P2", cohort__ref="C1")
    export_package(tmp_path / "e")
    rows = (tmp_path / "e" / "followups.csv").read_text().splitlines()
    assert rows[2] == "F2,P2,2026-03-11,logement,C1,"
    out, err, ok = run(tmp_path / "e")
    assert ok, err
    assert "followups.csv : 0 créés, 0 modifiés, 2 inchangés" in out


def test_a_followup_in_a_cohort_the_person_is_not_enrolled_in_is_refused(tmp_path):
    data = package()
    data["cohorts"].append(list(data["cohorts"][1]))
    data["cohorts"][-1][0] = "C2"
    data["followups"][2][4] = "C2"  # F2 (line 4): P2 was never enrolled in C2
    assert refused(tmp_path, data) == [
        "followups.csv:4: cohort: la personne « P2 » n'est pas inscrite dans la promotion « C2 »"
    ]


def test_an_enrollment_on_a_period_already_taken_in_the_database_is_refused(tmp_path):
    """Enrollments are checked by `Enrollment.clean`, its overlap rule included: the import had
    rules of its own, without it."""
    assert run(write(tmp_path / "first", package()))[2]
    base = package()
    second = {
        "manifest": base["manifest"],
        "cohorts": [
            base["cohorts"][0],
            ["C2", "CEIS", "Promotion d'été", "2026-03-02", "2026-04-12", "mon", "20"],
        ],
        "enrollments": [["cohort", "person", "entry_date"], ["C2", "P1", "2026-03-10"]],
    }
    _out, err, ok = run(write(tmp_path / "second", second))
    assert not ok
    assert err.strip().splitlines() == [
        "enrollments.csv:2: entry_date: Cette personne est déjà inscrite sur la même période "
        "(Promotion de printemps)."
    ]
    assert not Cohort.objects.filter(ref="C2").exists()


def test_two_enrollments_of_a_person_on_one_period_inside_a_package_are_refused(tmp_path):
    """The rows of the package are compared with each other too, by the same rule."""
    data = package()
    data["cohorts"].append(
        ["C2", "CEIS", "Promotion d'été", "2026-03-02", "2026-04-12", "mon", "20"]
    )
    header = data["enrollments"][0]
    row = [""] * len(header)
    row[header.index("cohort")], row[header.index("person")] = "C2", "P1"
    row[header.index("entry_date")] = "2026-03-10"
    data["enrollments"].append(row)
    line = len(data["enrollments"])
    assert refused(tmp_path, data) == [
        f"enrollments.csv:{line}: entry_date: Cette personne est déjà inscrite sur la même "
        "période (Promotion de printemps)."
    ]
