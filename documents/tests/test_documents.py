"""Documents of a person: accepted by content, refused in French, served through the checked view
only, journalled, deleted with their file (delete page, person deletion, retention)."""

import io
import json
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ceis.choices import JournalAction, Role
from ceis.models import JournalEntry
from ceis.retention import persons_anonymise
from ceis.tests.factories import PersonFactory
from documents import storage
from documents.models import PersonDocument
from documents.tests.factories import PDF_BYTES, PersonDocumentFactory


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01" + b"\x00" * 64
PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64
ODT_BYTES = _zip({"mimetype": storage.ODT_MIMETYPE, "content.xml": b"<office:document-content/>"})
DOCX_BYTES = _zip(
    {
        "[Content_Types].xml": b'<Types><Override PartName="/word/document.xml" ContentType="'
        + storage.DOCX_MAIN
        + b'"/></Types>',
        "word/document.xml": b"<w:document/>",
    }
)
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 64 + b"This program cannot be run"


@pytest.fixture
def person(site):
    return PersonFactory(site=site, last_name="Martin", first_name="Inès")


def _upload(client, person, name, content, *, title="Mon document", kind="cv"):
    url = reverse("documents:upload", kwargs={"person_id": person.public_id})
    return client.post(
        url, {"kind": kind, "title": title, "file": SimpleUploadedFile(name, content)}
    )


@pytest.mark.parametrize(
    ("name", "content", "content_type", "file_name"),
    [
        ("CV Inès.pdf", PDF_BYTES, "application/pdf", "CV-Ines.pdf"),
        ("photo.JPEG", JPEG_BYTES, "image/jpeg", "photo.jpg"),
        ("scan.png", PNG_BYTES, "image/png", "scan.png"),
        ("lettre.odt", ODT_BYTES, "application/vnd.oasis.opendocument.text", "lettre.odt"),
        (
            "../../etc/attestation.docx",
            DOCX_BYTES,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "attestation.docx",
        ),
        # The content decides, not the name: a PDF named .png is stored as a PDF.
        ("faux.png", PDF_BYTES, "application/pdf", "faux.pdf"),
    ],
)
def test_each_accepted_type_is_recognised_by_its_content(
    client_for, person, name, content, content_type, file_name
):
    client = client_for(Role.TRAVAILLEUR_SOCIAL)
    response = _upload(client, person, name, content)
    assert response.status_code == 302
    assert response["Location"].endswith(f"/personnes/{person.public_id}/#documents")
    document = PersonDocument.objects.get(person=person)
    assert (document.content_type, document.file_name, document.size) == (
        content_type,
        file_name,
        len(content),
    )
    assert document.uploaded_by == client.user
    path = storage.file_path(document.storage_name)
    assert path.read_bytes() == content
    # Outside static and media files, under its own private root.
    assert path.parent == storage.documents_root()
    entry = JournalEntry.objects.get(
        action=JournalAction.CREATE, object_type="documents.persondocument"
    )
    assert entry.payload["kind"] == "cv" and "Mon document" not in json.dumps(entry.payload)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("cv.pdf", EXE_BYTES),  # a renamed program
        ("cv.docx", _zip({"readme.txt": b"pas un document"})),  # a zip without its marker
        ("cv.odt", _zip({"mimetype": b"application/x-autre"})),
        ("cv.pdf", b"<html><script>alert(1)</script></html>"),
    ],
)
def test_a_file_that_is_not_an_accepted_type_is_refused_in_french(
    client_for, person, name, content
):
    client = client_for(Role.TRAVAILLEUR_SOCIAL)
    response = _upload(client, person, name, content, title="Titre gardé")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Ce fichier n&#x27;est pas accepté" in page
    assert "son contenu a été vérifié" in page
    assert 'value="Titre gardé"' in page  # what was typed is kept
    assert not PersonDocument.objects.exists()
    assert not any(storage.documents_root().iterdir())


def test_a_file_of_10_mb_is_accepted_and_one_byte_more_is_refused(client_for, person, settings):
    client = client_for(Role.TRAVAILLEUR_SOCIAL)
    limit = 10 * 1024 * 1024
    assert limit == settings.CEIS_DOCUMENT_MAX_BYTES
    too_big = _upload(client, person, "gros.pdf", PDF_BYTES + b"0" * (limit + 1 - len(PDF_BYTES)))
    assert too_big.status_code == 200
    assert "Fichier trop volumineux : 10 Mo (maximum 10 Mo)" in too_big.content.decode()
    assert not PersonDocument.objects.exists()
    just = _upload(client, person, "juste.pdf", PDF_BYTES + b"0" * (limit - len(PDF_BYTES)))
    assert just.status_code == 302
    assert PersonDocument.objects.get().size == limit


def test_download_is_an_attachment_never_sniffed_nor_stored_and_journalled(client_for, person):
    client = client_for(Role.MEDIATEUR_NUMERIQUE)
    document = PersonDocumentFactory(person=person, programme="villages", file_name="CV-Ines.pdf")
    response = client.get(reverse("documents:download", kwargs={"public_id": document.public_id}))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Disposition"] == 'attachment; filename="CV-Ines.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    entry = JournalEntry.objects.get(action=JournalAction.DOWNLOAD)
    assert (entry.user, entry.object_ref) == (client.user, str(document.public_id))


def test_a_document_of_another_sites_person_answers_404(client_for, other_site):
    document = PersonDocumentFactory(person=PersonFactory(site=other_site, last_name="Ailleurs"))
    for role in (Role.TRAVAILLEUR_SOCIAL, Role.MEDIATEUR_NUMERIQUE):
        client = client_for(role)
        for name in ("documents:download", "documents:delete"):
            response = client.get(reverse(name, kwargs={"public_id": document.public_id}))
            assert response.status_code == 404, (role, name)
            assert "Ailleurs" not in response.content.decode()
    assert PersonDocument.objects.filter(pk=document.pk).exists()


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.TRAVAILLEUR_SOCIAL, 200),
        (Role.MEDIATEUR_NUMERIQUE, 404),  # never Unis'Vers data (security.md row 3)
        (Role.ADMIN, 200),
        (Role.VOLONTAIRE, 404),  # names only, never a document (security.md row 18)
        (Role.MANAGER, 404),  # aggregates only
    ],
)
def test_who_may_read_a_unisvers_document_of_their_sites_person(client_for, person, role, status):
    document = PersonDocumentFactory(person=person, programme="unisvers")
    client = client_for(role)
    response = client.get(reverse("documents:download", kwargs={"public_id": document.public_id}))
    assert response.status_code == status
    delete = client.get(reverse("documents:delete", kwargs={"public_id": document.public_id}))
    assert delete.status_code == status


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.TRAVAILLEUR_SOCIAL, 404),  # the mediator's file is not Unis'Vers's
        (Role.MEDIATEUR_NUMERIQUE, 200),
        (Role.ADMIN, 200),
        (Role.VOLONTAIRE, 404),
        (Role.MANAGER, 404),
    ],
)
def test_who_may_read_a_villages_document_of_their_sites_person(client_for, person, role, status):
    document = PersonDocumentFactory(person=person, programme="villages")
    client = client_for(role)
    response = client.get(reverse("documents:download", kwargs={"public_id": document.public_id}))
    assert response.status_code == status


@pytest.mark.parametrize(
    ("role", "programme"),
    [
        (Role.TRAVAILLEUR_SOCIAL, "unisvers"),
        (Role.MEDIATEUR_NUMERIQUE, "villages"),
        (Role.VOLONTAIRE, None),
        (Role.MANAGER, None),
    ],
)
def test_an_upload_goes_to_the_uploaders_programme_file(client_for, person, role, programme):
    """A social worker or the mediator has one programme file: the document goes to it, even
    if the form is forged to name the other one."""
    client = client_for(role)
    url = reverse("documents:upload", kwargs={"person_id": person.public_id})
    upload = client.post(
        url,
        {
            "programme": "villages" if programme == "unisvers" else "unisvers",
            "kind": "cv",
            "title": "CV",
            "file": SimpleUploadedFile("cv.pdf", PDF_BYTES),
        },
    )
    if programme is None:
        assert upload.status_code == 404
        assert not PersonDocument.objects.exists()
    else:
        assert upload.status_code == 302
        assert PersonDocument.objects.get().programme == programme


def test_an_admin_chooses_the_programme_file_and_the_mediator_sees_only_hers(client_for, person):
    admin = client_for(Role.ADMIN)
    url = reverse("documents:upload", kwargs={"person_id": person.public_id})
    refused = admin.post(
        url, {"kind": "cv", "title": "Sans dossier", "file": SimpleUploadedFile("a.pdf", PDF_BYTES)}
    )
    assert refused.status_code == 200 and not PersonDocument.objects.exists()
    for programme, title in (("unisvers", "Attestation de stage"), ("villages", "Attestation CAF")):
        response = admin.post(
            url,
            {
                "programme": programme,
                "kind": "attestation",
                "title": title,
                "file": SimpleUploadedFile("a.pdf", PDF_BYTES),
            },
        )
        assert response.status_code == 302

    def panel(role):
        page = client_for(role).get(person.get_absolute_url()).content.decode()
        return page.split('id="titre-documents"')[1].split("</section>")[0]

    assert "Attestation CAF" in panel(Role.MEDIATEUR_NUMERIQUE)
    assert "Attestation de stage" not in panel(Role.MEDIATEUR_NUMERIQUE)
    assert "Attestation de stage" in panel(Role.TRAVAILLEUR_SOCIAL)
    assert "Attestation CAF" not in panel(Role.TRAVAILLEUR_SOCIAL)


def test_the_person_file_lists_documents_and_offers_the_upload(client_for, person):
    PersonDocumentFactory(person=person, title="Attestation de stage", kind="attestation")
    client = client_for(Role.TRAVAILLEUR_SOCIAL)
    page = client.get(person.get_absolute_url()).content.decode()
    assert 'id="titre-documents"' in page
    assert "Attestation de stage" in page
    assert "Joindre un document" in page
    assert 'enctype="multipart/form-data"' in page


def test_delete_asks_for_confirmation_then_removes_the_file(
    client_for, person, django_capture_on_commit_callbacks
):
    document = PersonDocumentFactory(person=person, title="Vieux CV")
    path = storage.file_path(document.storage_name)
    client = client_for(Role.TRAVAILLEUR_SOCIAL)
    url = reverse("documents:delete", kwargs={"public_id": document.public_id})
    confirm = client.get(url)
    assert "Supprimer le document « Vieux CV » ?" in confirm.content.decode()
    assert PersonDocument.objects.exists() and path.is_file()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    assert not PersonDocument.objects.exists()
    assert not path.exists()
    assert JournalEntry.objects.filter(action=JournalAction.DELETE).count() == 1


def test_the_persons_deletion_removes_the_files(
    client_for, person, django_capture_on_commit_callbacks
):
    path = storage.file_path(PersonDocumentFactory(person=person).storage_name)
    client = client_for(Role.ADMIN)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("persons:delete", kwargs={"public_id": person.public_id}))
    assert response.status_code == 302
    assert not PersonDocument.objects.exists()
    assert not path.exists()


def test_retention_removes_the_documents_and_their_files(
    person, django_capture_on_commit_callbacks
):
    kept = PersonDocumentFactory(person=PersonFactory(site=person.site))
    path = storage.file_path(PersonDocumentFactory(person=person).storage_name)
    with django_capture_on_commit_callbacks(execute=True):
        assert persons_anonymise(person_ids=[person.pk]) == 1
    assert list(PersonDocument.objects.all()) == [kept]
    assert not path.exists()
    assert storage.file_path(kept.storage_name).is_file()


def test_the_right_of_access_export_lists_documents_by_name_not_content(client_for, person):
    PersonDocumentFactory(person=person, title="Attestation France Travail", file_name="att.pdf")
    client = client_for(Role.ADMIN)
    response = client.get(reverse("persons:export", kwargs={"public_id": person.public_id}))
    export = json.loads(response.content)
    (record,) = export["records"]["documents.PersonDocument"]
    assert (record["title"], record["file_name"]) == ("Attestation France Travail", "att.pdf")
    assert "%PDF" not in response.content.decode()


def test_a_document_moved_to_another_person_keeps_its_file(client_for, person):
    """A merge moves the row (its file name does not depend on the person)."""
    document = PersonDocumentFactory(person=PersonFactory(site=person.site))
    document.person = person
    document.save()
    client = client_for(Role.TRAVAILLEUR_SOCIAL)
    response = client.get(reverse("documents:download", kwargs={"public_id": document.public_id}))
    assert b"".join(response.streaming_content) == PDF_BYTES


@pytest.fixture(autouse=True)
def _private_root(settings, tmp_path):
    settings.CEIS_DOCUMENTS_ROOT = tmp_path / "documents"


def test_a_document_sent_twice_is_attached_once(client_for, person):
    """The upload form carries a submission token (security.md row 24)."""
    client = client_for(Role.TRAVAILLEUR_SOCIAL)
    page = client.get(reverse("documents:upload", kwargs={"person_id": person.public_id}))
    token = re.search(r'name="submission_token" value="([^"]+)"', page.content.decode()).group(1)
    url = reverse("documents:upload", kwargs={"person_id": person.public_id})
    responses = [
        client.post(
            url,
            {
                "kind": "cv",
                "title": "CV",
                "submission_token": token,
                "file": SimpleUploadedFile("cv.pdf", PDF_BYTES),
            },
        )
        for _ in range(2)
    ]
    assert [r.status_code for r in responses] == [302, 302]
    assert responses[0]["Location"] == responses[1]["Location"]
    assert PersonDocument.objects.count() == 1
    assert len(list(storage.documents_root().iterdir())) == 1
