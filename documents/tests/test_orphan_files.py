"""Files of the documents folder that no document names: left by an attachment whose request
rolled back after its row was written, or by a process killed between the file and the row.
They hold a person's papers and belong to nobody: the daily purge deletes them, and nothing
else (documents/storage.py, `orphan_files_purge`)."""

import datetime
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from ceis.choices import Role
from ceis.tests.factories import PersonFactory
from documents import storage
from documents.models import DocumentKind, DocumentProgramme, PersonDocument
from documents.services import document_attach
from documents.tasks import orphan_documents_purge_task
from documents.tests.factories import PDF_BYTES, PersonDocumentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_root(settings, tmp_path):
    settings.CEIS_DOCUMENTS_ROOT = tmp_path / "documents"


class RequestFailed(Exception):
    """What fails in the request after the document's row was written."""


def _attach_in_a_request_that_fails(person, user) -> None:
    with pytest.raises(RequestFailed), transaction.atomic():  # the request's transaction
        document_attach(
            person=person,
            programme=DocumentProgramme.UNISVERS,
            kind=DocumentKind.CV,
            title="CV",
            upload=SimpleUploadedFile("cv.pdf", PDF_BYTES),
            user=user,
        )
        raise RequestFailed


def _files() -> set[str]:
    return {path.name for path in storage.documents_root().iterdir()}


def _age(name: str, hours: float) -> None:
    stamp = (timezone.now() - datetime.timedelta(hours=hours)).timestamp()
    os.utime(storage.documents_root() / name, (stamp, stamp))


def test_the_file_of_a_rolled_back_attachment_goes_and_every_document_s_file_stays(site, make_user):
    person = PersonFactory(site=site)
    kept = PersonDocumentFactory(person=person)
    _attach_in_a_request_that_fails(person, make_user(Role.TRAVAILLEUR_SOCIAL, sites=[site]))
    assert PersonDocument.objects.count() == 1
    assert len(_files() - {kept.storage_name}) == 1  # the row is gone, its file is not
    for name in _files():
        _age(name, hours=2)

    assert orphan_documents_purge_task.delay().get() == 1

    assert _files() == {kept.storage_name}
    assert storage.file_path(kept.storage_name).read_bytes() == PDF_BYTES


def test_a_file_written_within_the_hour_may_be_an_upload_still_committing_and_stays(
    site, make_user
):
    person = PersonFactory(site=site)
    _attach_in_a_request_that_fails(person, make_user(Role.TRAVAILLEUR_SOCIAL, sites=[site]))
    (orphan,) = _files()
    _age(orphan, hours=0.5)

    assert storage.orphan_files_purge() == 0
    assert _files() == {orphan}
    # An hour after it was written, it goes.
    later = timezone.now() + datetime.timedelta(hours=1)
    assert storage.orphan_files_purge(now=later) == 1
    assert _files() == set()


def test_files_that_are_not_documents_are_never_touched():
    root = storage.documents_root()
    (root / ".gitkeep").write_bytes(b"")
    (root / "notes.txt").write_bytes(b"kept")
    (root / "folder").mkdir()
    for name in (".gitkeep", "notes.txt", "folder"):
        _age(name, hours=48)

    assert storage.orphan_files_purge() == 0
    assert _files() == {".gitkeep", "notes.txt", "folder"}


def test_many_orphans_beside_many_documents_are_told_apart_in_batches(site, monkeypatch):
    monkeypatch.setattr(storage, "ORPHAN_BATCH", 3)
    person = PersonFactory(site=site)
    documents = {PersonDocumentFactory(person=person).storage_name for _ in range(4)}
    orphans = {storage.store(SimpleUploadedFile("x.pdf", PDF_BYTES)) for _ in range(5)}
    for name in _files():
        _age(name, hours=3)

    assert storage.orphan_files_purge() == 5
    assert _files() == documents
    assert not orphans & _files()


def test_the_purge_is_scheduled_daily(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["documents-orphans-purge"]
    assert entry["task"] == "documents.tasks.orphan_documents_purge_task"
    assert entry["schedule"] == 24 * 60 * 60
