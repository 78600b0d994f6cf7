"""Import of a France Travail referral list: headers matched without case or accents, preview as
new / existing (duplicate rule) / error, enrollment of the chosen rows in one confirmed step,
and a refusal that keeps the file and the choices."""

import datetime
import io
import re

import pytest
from django.urls import reverse

from ceis.choices import Role
from ceis.models import Person
from ceis.tests.factories import PersonFactory
from unisvers.models import Enrollment
from unisvers.referrals import ERROR, EXISTING, NEW, preview, read_referrals

pytestmark = pytest.mark.django_db

CSV = (
    "NOM;Prénom;Date de Naissance;IDENTIFIANT FRANCE TRAVAIL;Téléphone;E-mail;Conseillère;"
    "Date d'orientation\n"
    "Dupont;Marie;12/03/1985;1234567X;06 11 22 33 44;marie@example.org;M. Roux;02/02/2026\n"
    "Lefèvre;Éloïse;01/07/1990;7654321Y;;;Mme Sol;03/02/2026\n"
    "Martin;Paul;31/02/1979;;;;M. Roux;03/02/2026\n"
)


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def existing(site):
    # Same human being as line 3, written without accents: the duplicate rule matches it.
    return PersonFactory(
        site=site, last_name="LEFEVRE", first_name="Eloise", birth_date=datetime.date(1990, 7, 1)
    )


def upload(content: bytes, name="liste.csv"):
    file = io.BytesIO(content)
    file.name = name
    return file


def xlsx_bytes() -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Nom", "PRENOM", "date de naissance", "Conseiller", "Date d’orientation"])
    sheet.append(["Durand", "Karim", datetime.datetime(1975, 5, 4), "M. Roux", "04/02/2026"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_headers_are_matched_without_case_or_accents_and_dates_checked():
    rows = read_referrals(CSV.encode())
    assert [row.number for row in rows] == [2, 3, 4]
    first = rows[0].values
    assert (first["last_name"], first["birth_date"], first["adviser"], first["referral_date"]) == (
        "Dupont",
        datetime.date(1985, 3, 12),
        "M. Roux",
        datetime.date(2026, 2, 2),
    )
    assert first["france_travail_id"] == "1234567X"
    assert rows[2].errors == ["date de naissance invalide « 31/02/1979 » (attendu JJ/MM/AAAA)"]


def test_xlsx_list_is_read():
    rows = read_referrals(xlsx_bytes())
    assert rows[0].values["first_name"] == "Karim"
    assert rows[0].values["birth_date"] == datetime.date(1975, 5, 4)
    assert rows[0].values["referral_date"] == datetime.date(2026, 2, 4)


def test_preview_marks_new_existing_and_error(cohort, referent, existing):
    rows = preview(data=CSV.encode(), cohort=cohort, user=referent)
    assert [row.status for row in rows] == [NEW, EXISTING, ERROR]
    assert rows[1].person == existing


def test_confirm_enrolls_the_chosen_rows(client, cohort, referent, existing):
    client.force_login(referent)
    url = reverse("unisvers:referral_import", args=[cohort.public_id])
    response = client.post(url, {"action": "preview", "file": upload(CSV.encode())})
    html = response.content.decode()
    assert "Nouvelle personne" in html and "Personne existante" in html
    assert "date de naissance invalide « 31/02/1979 »" in html
    persons = Person.objects.count()
    response = client.post(
        url, {"action": "confirm", "rows": ["2", "3"], "entry_date": "2026-03-02"}
    )
    assert response.status_code == 302
    assert Person.objects.count() == persons + 1
    enrollments = Enrollment.objects.filter(cohort=cohort).order_by("person__last_name")
    assert [(e.person.last_name, e.referral_source, e.referral_adviser) for e in enrollments] == [
        ("Dupont", "france_travail", "M. Roux"),
        ("LEFEVRE", "france_travail", "Mme Sol"),
    ]
    dupont = enrollments[0]
    assert dupont.referral_date == datetime.date(2026, 2, 2)
    assert dupont.entry_date == datetime.date(2026, 3, 2)
    assert (dupont.person.site, dupont.person.france_travail_id) == (cohort.site, "1234567X")


def test_a_refused_confirmation_keeps_the_file_and_the_choices(client, cohort, referent):
    client.force_login(referent)
    url = reverse("unisvers:referral_import", args=[cohort.public_id])
    client.post(url, {"action": "preview", "file": upload(CSV.encode())})
    persons = Person.objects.count()
    # An entry after the end of the cohort: the service refuses, nothing is written.
    response = client.post(url, {"action": "confirm", "rows": ["3"], "entry_date": "2026-05-01"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Ligne 3" in html and "Aucune inscription" in html
    assert re.search(r'value="3" id="row-3"\s+checked', html)  # the choice is kept
    assert not re.search(r'value="2" id="row-2"\s+checked', html)
    assert 'value="2026-05-01"' in html
    assert Person.objects.count() == persons and Enrollment.objects.count() == 0
    # The file is still there: a corrected date is enough.
    response = client.post(url, {"action": "confirm", "rows": ["3"], "entry_date": "2026-03-02"})
    assert response.status_code == 302
    assert Enrollment.objects.get().person.last_name == "Lefèvre"


def test_a_renamed_binary_file_and_an_oversize_file_are_refused(client, cohort, referent, settings):
    client.force_login(referent)
    url = reverse("unisvers:referral_import", args=[cohort.public_id])
    response = client.post(
        url, {"action": "preview", "file": upload(b"\x00\x01\x02binary", "liste.csv")}
    )
    assert response.status_code == 400
    assert "ni un classeur Excel" in response.content.decode()
    settings.CEIS_UPLOAD_MAX_BYTES = 10
    response = client.post(url, {"action": "preview", "file": upload(CSV.encode())})
    assert response.status_code == 400
    assert "trop volumineux" in response.content.decode()


def test_only_roles_that_enroll_may_import(client_for, cohort):
    client = client_for(Role.MANAGER)
    url = reverse("unisvers:referral_import", args=[cohort.public_id])
    assert client.get(url).status_code == 404


def test_the_cohort_page_links_to_the_import(client, cohort, referent):
    client.force_login(referent)
    html = client.get(cohort.get_absolute_url()).content.decode()
    assert reverse("unisvers:referral_import", args=[cohort.public_id]) in html


def test_a_list_without_name_columns_is_refused_with_its_reason(client, cohort, referent):
    client.force_login(referent)
    url = reverse("unisvers:referral_import", args=[cohort.public_id])
    content = b"identifiant;telephone\n123;0600000000\n"
    response = client.post(url, {"action": "preview", "file": upload(content)})
    assert response.status_code == 400
    assert "Colonnes « nom » et « prénom » introuvables" in response.content.decode()
    assert Enrollment.objects.count() == 0
