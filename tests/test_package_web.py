"""Admin pages of the data package: upload (size cap, zip checked by content), report, confirm;
download (journalled, notes only when asked)."""

import io
import zipfile

import pytest
from django.urls import reverse

from ceis.choices import Role
from ceis.models import JournalEntry, Person
from ceis.package import views
from ceis.tests.package_data import package, write, zipped
from unisvers.models import FollowUp

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_only_admins_reach_the_pages(client_for):
    client = client_for(Role.MANAGER)
    assert client.get(reverse("package:index")).status_code == 403
    assert client.post(reverse("package:download")).status_code == 403


def test_upload_report_then_confirm_imports(client_for, tmp_path):
    client = client_for(Role.ADMIN)
    response = client.post(reverse("package:upload"), {"package": zipped(tmp_path, package())})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Le paquet est valide" in html and "people.csv" in html
    assert Person.objects.count() == 0
    stored = list((views.upload_dir()).iterdir())
    assert len(stored) == 1
    response = client.post(reverse("package:confirm"))
    assert response.status_code == 302
    assert Person.objects.count() == 4
    assert list(views.upload_dir().iterdir()) == []
    entry = JournalEntry.objects.get(object_type="ceis.package", action="create")
    assert entry.user == client.user


def test_upload_with_errors_shows_them_and_writes_nothing(client_for, tmp_path):
    client = client_for(Role.ADMIN)
    data = package()
    data["assessments"][1][4] = "7"
    response = client.post(reverse("package:upload"), {"package": zipped(tmp_path, data)})
    html = response.content.decode()
    assert "assessments.csv:2: information: valeur hors de l&#x27;intervalle 0–2 « 7 »" in html
    assert "Confirmer l&#x27;import" not in html
    assert Person.objects.count() == 0


def test_a_renamed_file_is_refused_by_its_content(client_for):
    client = client_for(Role.ADMIN)
    fake = io.BytesIO(b"code,name\nCEIS,CEIS\n")
    fake.name = "paquet.zip"
    response = client.post(reverse("package:upload"), {"package": fake})
    assert response.status_code == 400
    assert "pas une archive zip" in response.content.decode()
    assert not views.upload_dir().exists() or list(views.upload_dir().iterdir()) == []


def test_an_oversize_file_is_refused(client_for, tmp_path, settings):
    settings.CEIS_UPLOAD_MAX_BYTES = 1000
    client = client_for(Role.ADMIN)
    big = zipped(tmp_path, package())
    response = client.post(reverse("package:upload"), {"package": big})
    assert response.status_code == 400
    assert "trop volumineux" in response.content.decode()


def test_confirm_without_upload_says_so(client_for):
    client = client_for(Role.ADMIN)
    response = client.post(reverse("package:confirm"), follow=True)
    assert "n'est plus disponible" in response.content.decode().replace("&#x27;", "'")


def test_download_is_journalled_and_notes_need_the_checkbox(client_for, tmp_path):
    from ceis.package.importer import import_package

    import_package(write(tmp_path / "p", package()))
    assert FollowUp.objects.get(ref="F1").note.startswith("Note courte")
    client = client_for(Role.ADMIN)
    response = client.post(reverse("package:download"))
    assert response["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert "note" not in archive.read("followups.csv").decode().splitlines()[0]
    response = client.post(reverse("package:download"), {"include_notes": "1"})
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert "Note courte" in archive.read("followups.csv").decode()
    entries = JournalEntry.objects.filter(action="download", object_type="ceis.package")
    assert [e.payload["include_notes"] for e in entries.order_by("id")] == [False, True]
    assert all(e.user == client.user for e in entries)


def test_download_is_post_only(client_for):
    client = client_for(Role.ADMIN)
    assert client.get(reverse("package:download")).status_code == 405


def test_admin_navigation_has_the_entry(client_for):
    client = client_for(Role.ADMIN)
    assert reverse("package:index") in client.get(reverse("home")).content.decode()


def test_the_size_refusal_states_sizes_in_megabytes(settings):
    class Upload:
        size = int(50.5 * 2**20)

    settings.CEIS_UPLOAD_MAX_BYTES = 50 * 2**20
    assert views.check_zip_upload(Upload()) == (
        "Fichier trop volumineux : 50,5 Mo (maximum 50 Mo)."
    )
