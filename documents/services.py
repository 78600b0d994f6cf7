"""Writes of documents, journalled (security.md row 4): attach, delete; and the download's
journal entry. The payload names the kind and size, never the title nor the content."""

from django.db import transaction

from ceis.choices import JournalAction
from ceis.services import journal_record
from ceis.uploads import UploadRefused

from . import storage
from .models import PersonDocument


def document_check(upload) -> storage.FileType:
    """The type of an upload once its size and content are acceptable; UploadRefused else."""
    storage.check_size(upload.size)
    return storage.detect_type(upload.file, upload.size)


def document_attach(
    *, person, programme: str, kind: str, title: str, upload, user, request=None
) -> PersonDocument:
    file_type = document_check(upload)
    storage_name = storage.store(upload)
    try:
        with transaction.atomic():
            document = PersonDocument.objects.create(
                person=person,
                programme=programme,
                kind=kind,
                title=title,
                file_name=storage.safe_file_name(upload.name, file_type),
                storage_name=storage_name,
                content_type=file_type.content_type,
                size=upload.size,
                uploaded_by=user,
            )
            journal_record(
                action=JournalAction.CREATE,
                user=user,
                obj=document,
                request=request,
                payload={
                    "person": str(person.public_id),
                    "programme": programme,
                    "kind": kind,
                    "type": file_type.label,
                },
            )
    except BaseException:
        storage.delete_file(storage_name)
        raise
    return document


def document_downloaded(*, document, user, request=None) -> None:
    journal_record(
        action=JournalAction.DOWNLOAD,
        user=user,
        obj=document,
        request=request,
        payload={"person": str(document.person.public_id)},
    )


@transaction.atomic
def document_delete(*, document, user, request=None) -> None:
    """Delete the row; its file goes once committed (signals.py)."""
    journal_record(
        action=JournalAction.DELETE,
        user=user,
        obj=document,
        request=request,
        payload={"person": str(document.person.public_id), "kind": document.kind},
    )
    document.delete()


__all__ = ["UploadRefused", "document_attach", "document_delete", "document_downloaded"]
