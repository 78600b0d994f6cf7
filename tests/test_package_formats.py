"""A data package as spreadsheets save it: the separator (comma, semicolon, tab) and the encoding
(UTF-8, UTF-8 with a BOM, Windows-1252) of each file are found and named in the report; codes are
matched regardless of case and stored as the reference list writes them; the template package
downloaded from /donnees/ imports as it is."""

import csv
import io
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from ceis.choices import Role
from ceis.models import Neighbourhood, Person, Site
from ceis.package.importer import PackageImport
from ceis.package.spec import FILES
from ceis.tests.package_data import package, write, zipped
from unisvers.models import Enrollment, Event
from villages.models import IndividualHelp, Workshop

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"


def write_as(path, data, *, delimiter=",", encoding="utf-8", only=None):
    """The package's files written with `delimiter` and `encoding` (`only`: those files; the
    others in UTF-8 with commas)."""
    path.mkdir(parents=True, exist_ok=True)
    for name, rows in data.items():
        chosen = only is None or name in only
        with open(
            path / f"{name}.csv",
            "w",
            encoding=encoding if chosen else "utf-8",
            newline="",
        ) as f:
            writer = csv.writer(f, delimiter=delimiter if chosen else ",", lineterminator="\r\n")
            writer.writerows(rows)
    return path


def run(path) -> tuple[list[str], str, bool]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_package", str(path), stdout=out, stderr=err)
        ok = True
    except CommandError:
        ok = False
    return out.getvalue().splitlines(), err.getvalue(), ok


def test_a_french_excel_package_semicolons_and_windows_1252_imports_like_the_utf8_one(tmp_path):
    out, err, ok = run(write_as(tmp_path / "p", package(), delimiter=";", encoding="cp1252"))
    assert ok, err
    # Files without accents are plain UTF-8 whoever saved them.
    accented = [
        "neighbourhoods.csv",
        "people.csv",
        "followups.csv",
        "testimonials.csv",
        "workshops.csv",
    ]
    assert out[0].startswith("UTF-8, séparateur point-virgule : manifest.csv, sites.csv, ")
    assert out[1:3] == [
        f"Windows-1252 (latin-1), séparateur point-virgule : {', '.join(accented)}.",
        f"Pas en UTF-8 : {', '.join(accented)}, lus en Windows-1252 ; vérifiez les accents "
        "après l'import.",
    ]
    assert Person.objects.count() == 4
    p1 = Person.objects.get(ref="P1")
    assert (p1.first_name, p1.neighbourhood.name) == ("Éloïse", "Écusson")
    # A quoted cell holding the other separator and a line break is kept whole.
    assert Site.objects.get().address == "3 rue du Faubourg, Montpellier"


def test_each_file_is_read_with_its_own_separator_and_encoding(tmp_path):
    path = write_as(tmp_path / "p", package(), delimiter="\t", only={"sites"})
    data = package()
    with open(path / "people.csv", "w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f, delimiter=";", lineterminator="\n").writerows(data["people"])
    out, err, ok = run(path)
    assert ok, err
    reading = [line for line in out if "séparateur" in line]
    assert "UTF-8, séparateur tabulation : sites.csv." in reading
    assert "UTF-8 avec BOM, séparateur point-virgule : people.csv." in reading
    assert any(line.startswith("UTF-8, séparateur virgule : manifest.csv, ") for line in reading)
    assert not any(line.startswith("Pas en UTF-8") for line in out)
    assert Person.objects.get(ref="P1").first_name == "Éloïse"


def test_an_unknown_column_names_the_columns_the_file_takes(tmp_path):
    data = package()
    data["sites"][0] = ["code", "nom", "address"]
    _out, err, ok = run(write_as(tmp_path / "p", data, delimiter=";"))
    assert not ok
    assert err.splitlines()[0] == (
        "sites.csv:1: nom: colonne inconnue (colonnes de ce fichier : code, name, address)"
    )


def test_a_byte_neither_utf8_nor_windows_1252_is_an_error_of_its_line(tmp_path):
    path = write(tmp_path / "p", package())
    (path / "sites.csv").write_bytes(b"\xef\xbb\xbfcode,name\r\nCEIS,Caf\xe9\r\n")
    _out, err, ok = run(path)
    assert not ok
    # A BOM says UTF-8: the file is not read again in another encoding.
    assert err.splitlines() == ["sites.csv:2: -: encodage invalide (UTF-8 avec BOM) : octet 0xE9"]
    assert Person.objects.count() == 0


def test_codes_are_matched_regardless_of_case_and_stored_as_the_list_writes_them(tmp_path):
    data = package()
    people = data["people"]
    people[1][people[0].index("sex")] = "f"
    people[1][people[0].index("neighbourhood")] = "ECUSSON"  # neighbourhoods.csv: ecusson
    enrollments = data["enrollments"]
    column = enrollments[0].index("barriers")
    enrollments[1][column] = "LOGEMENT|Mobilite"
    data["events"][1][data["events"][0].index("kind")] = "Alumni"
    data["events"][1][data["events"][0].index("site")] = "ceis"  # sites.csv: CEIS
    data["helps"][1][data["helps"][0].index("themes")] = "Email|NAVIGATION_SUR_INTERNET"
    _out, err, ok = run(write(tmp_path / "p", data))
    assert ok, err
    p1 = Person.objects.get(ref="P1")
    assert (p1.sex, p1.neighbourhood.code) == ("F", "ecusson")
    assert Enrollment.objects.get(person=p1).barriers == ["logement", "mobilite"]
    event = Event.objects.get()
    assert (event.kind, event.site.code) == ("alumni", "CEIS")
    assert IndividualHelp.objects.get().themes == ["email", "navigation_sur_internet"]
    assert Neighbourhood.objects.count() == 2 and Site.objects.count() == 1


def test_a_site_code_in_another_case_updates_the_site_and_keeps_its_code(tmp_path):
    assert run(write(tmp_path / "first", package()))[2]
    data = {name: package()[name] for name in ("manifest", "sites", "neighbourhoods")}
    data["sites"][1] = ["ceis", "CEIS des Arceaux (Montpellier)", ""]
    data["neighbourhoods"][1][0] = "Ecusson"
    out, err, ok = run(write(tmp_path / "second", data))
    assert ok, err
    assert "sites.csv : 0 créés, 1 modifiés, 0 inchangés" in out
    assert "neighbourhoods.csv : 0 créés, 0 modifiés, 2 inchangés" in out
    assert list(Site.objects.values_list("code", "name")) == [
        ("CEIS", "CEIS des Arceaux (Montpellier)")
    ]


def test_two_codes_differing_only_by_case_are_one_key(tmp_path):
    data = package()
    data["sites"].append(["ceis", "Doublon", ""])
    _out, err, ok = run(write(tmp_path / "p", data))
    assert not ok
    assert err.splitlines() == ["sites.csv:3: code: doublon de la clé (code) déjà vue ligne 2"]


def test_the_web_report_names_how_each_file_was_read(client_for, tmp_path):
    client = client_for(Role.ADMIN)
    folder = write_as(tmp_path / "src", package(), delimiter=";", encoding="cp1252")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for file in folder.iterdir():
            archive.write(file, file.name)
    buffer.seek(0)
    buffer.name = "paquet-excel.zip"
    response = client.post(reverse("package:upload"), {"package": buffer})
    html = response.content.decode()
    assert "Le paquet est valide" in html
    assert "Windows-1252 (latin-1), séparateur point-virgule : neighbourhoods.csv, " in html
    assert "vérifiez les accents après l&#x27;import" in html


def test_the_comma_package_report_says_utf8_and_comma(client_for, tmp_path):
    client = client_for(Role.ADMIN)
    response = client.post(reverse("package:upload"), {"package": zipped(tmp_path, package())})
    assert "Tous les fichiers : UTF-8, séparateur virgule." in response.content.decode()


def test_a_large_package_checked_in_the_background_names_how_its_files_were_read(
    client_for, tmp_path, settings, django_capture_on_commit_callbacks
):
    settings.CEIS_IMPORT_ASYNC_ROWS = 3  # the small package is "large" for this test
    client = client_for(Role.ADMIN)
    folder = write_as(tmp_path / "src", package(), delimiter="\t")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for file in folder.iterdir():
            archive.write(file, file.name)
    buffer.seek(0)
    buffer.name = "paquet.zip"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("package:upload"), {"package": buffer})
    assert response["Location"].startswith("/imports/")
    html = client.get(response["Location"]).content.decode()
    assert "Le paquet est valide" in html
    assert "Tous les fichiers : UTF-8, séparateur tabulation." in html


# The template package ---------------------------------------------------------------------------


def test_the_template_holds_every_file_with_its_header_and_one_example_row(client_for):
    client = client_for(Role.ADMIN)
    index = client.get(reverse("package:index")).content.decode()
    assert reverse("package:template") in index
    response = client.get(reverse("package:template"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert 'filename="ceis-paquet-modele.zip"' in response["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        names = set(archive.namelist())
        assert names == {"LISEZMOI.txt", "manifest.csv"} | {spec.filename for spec in FILES}
        people = archive.read("people.csv").decode("utf-8-sig").splitlines()
    assert people[0].split(",") == [column.name for column in FILES[2].columns]
    assert len(people) == 2
    assert people[1].startswith("EX1,Martin,Camille,1985-04-12,1985,F,34000,Montpellier,exemple,")


def test_the_template_imported_as_it_is_is_a_valid_package(client_for, tmp_path):
    """Each example cell is one the import accepts: the example rows name each other. The
    import never creates accounts: the example agent is the admin who downloaded it."""
    client = client_for(Role.ADMIN)
    content = client.get(reverse("package:template")).content
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        appointments = archive.read("appointments.csv").decode("utf-8-sig").splitlines()
    assert appointments[1].split(",")[2] == client.user.username
    (tmp_path / "modele.zip").write_bytes(content)
    job = PackageImport(tmp_path / "modele.zip")
    assert job.validate(), [str(error) for error in job.errors]
    created = {filename: created for filename, created, _updated, _same in job.summary()}
    assert created == {spec.filename: 1 for spec in FILES}
    job.apply()
    assert Person.objects.get(ref="EX1").last_name == "Martin"
    assert Workshop.objects.get(ref="EX1").title == "Exemple"


def test_the_template_is_for_admins_only(client_for):
    assert client_for(Role.MANAGER).get(reverse("package:template")).status_code == 403
