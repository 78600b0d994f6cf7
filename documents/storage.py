"""Where documents are kept and what they may be (domain.md: PDF, JPEG, PNG, ODT, DOCX, at most
10 MB, type checked by content).

Files live under `CEIS_DOCUMENTS_ROOT` (default `var/documents/`), outside static and media
files, so the web server never serves them: only `views.document_download` reads them. Each file
has a random name; the name the user gave is kept, sanitised, for the download only.

The type is read from the content, never from the name: the first bytes of a PDF, a JPEG or a PNG;
an ODT or a DOCX is a zip whose central directory is bounded first (`ceis.uploads.check_zip`),
then one small member is read: `mimetype` for an ODT, `[Content_Types].xml` for a DOCX.
"""

import datetime
import logging
import re
import secrets
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from ceis.uploads import UploadRefused, check_zip, size_mo

logger = logging.getLogger(__name__)

ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
DOCX_MAIN = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
# A zip member read to tell an ODT or a DOCX: never more than this.
MAX_MEMBER_BYTES = 256 * 1024


@dataclass(frozen=True)
class FileType:
    label: str
    extension: str
    content_type: str


PDF = FileType("PDF", "pdf", "application/pdf")
JPEG = FileType("JPEG", "jpg", "image/jpeg")
PNG = FileType("PNG", "png", "image/png")
ODT = FileType("ODT", "odt", "application/vnd.oasis.opendocument.text")
DOCX = FileType(
    "DOCX",
    "docx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
)

REFUSED_TYPE = (
    "Ce fichier n'est pas accepté : seuls les PDF, les images JPEG ou PNG et les documents "
    "ODT ou DOCX le sont (son contenu a été vérifié, pas seulement son nom)."
)


def documents_root() -> Path:
    root = Path(settings.CEIS_DOCUMENTS_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    return root


def file_path(storage_name: str) -> Path | None:
    """The file of a document, or None for a name that is not one of ours."""
    if not storage_name or not storage_name.replace("-", "").replace("_", "").isalnum():
        return None
    return documents_root() / storage_name


def delete_file(storage_name: str) -> None:
    path = file_path(storage_name)
    if path is not None:
        path.unlink(missing_ok=True)


def check_size(size: int) -> None:
    limit = settings.CEIS_DOCUMENT_MAX_BYTES
    if size > limit:
        raise UploadRefused(
            f"Fichier trop volumineux : {size_mo(size)} Mo (maximum {size_mo(limit)} Mo)."
        )
    if size == 0:
        raise UploadRefused("Ce fichier est vide.")


def _zip_type(stream, size: int) -> FileType:
    members = {
        member.filename: member
        for member in check_zip(stream, compressed_size=size, label="Le document")
    }
    try:
        with zipfile.ZipFile(stream) as archive:
            for name, wanted, found_type in (
                ("mimetype", ODT_MIMETYPE, ODT),
                ("[Content_Types].xml", DOCX_MAIN, DOCX),
            ):
                member = members.get(name)
                if member is None or member.file_size > MAX_MEMBER_BYTES:
                    continue
                with archive.open(member) as opened:
                    content = opened.read(MAX_MEMBER_BYTES)
                if (content.strip() == wanted) if found_type is ODT else (wanted in content):
                    return found_type
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, RuntimeError):
        pass  # an encrypted or broken member: not a document we accept
    finally:
        stream.seek(0)
    raise UploadRefused(REFUSED_TYPE)


def detect_type(stream, size: int) -> FileType:
    """The type of an uploaded file read from its content; UploadRefused (French) otherwise."""
    stream.seek(0)
    head = stream.read(16)
    stream.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"PK\x03\x04"):
        return _zip_type(stream, size)
    raise UploadRefused(REFUSED_TYPE)


def safe_file_name(name: str, file_type: FileType) -> str:
    """The user's file name without its path, accents, spaces or any character a file system or
    a header could misread, with the extension of the type found in the content."""
    stem = Path(name.replace("\\", "/")).name.rsplit(".", 1)[0] if name else ""
    stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-_")[:80] or "document"
    return f"{stem}.{file_type.extension}"


def store(upload) -> str:
    """Write an upload under a random name, chunk by chunk; return that name."""
    name = secrets.token_urlsafe(24)
    with open(documents_root() / name, "xb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return name


# A file younger than this may be an upload whose row is not committed yet: never an orphan.
ORPHAN_MIN_AGE = datetime.timedelta(hours=1)
# Names looked up in the database per query.
ORPHAN_BATCH = 500


def orphan_files_purge(*, now: datetime.datetime | None = None) -> int:
    """Delete the files of the documents folder that no document names, once older than
    `ORPHAN_MIN_AGE`; returns how many were deleted (scheduled daily: documents/tasks.py).

    `services.document_attach` writes the file before the row and deletes it if its own
    transaction fails; a file is still left behind when a transaction around it (the request's)
    rolls back after the row was written, or when the process is killed between the two. Those
    files belong to nobody, and hold a person's papers: they go."""
    from .models import PersonDocument

    root = Path(settings.CEIS_DOCUMENTS_ROOT)
    if not root.is_dir():
        return 0
    limit = ((now or timezone.now()) - ORPHAN_MIN_AGE).timestamp()
    old = [
        path
        for path in root.iterdir()
        if file_path(path.name) == path
        and path.is_file()
        and not path.is_symlink()
        and path.stat().st_mtime < limit
    ]
    deleted = 0
    for start in range(0, len(old), ORPHAN_BATCH):
        batch = {path.name: path for path in old[start : start + ORPHAN_BATCH]}
        named = set(
            PersonDocument.objects.filter(storage_name__in=batch).values_list(
                "storage_name", flat=True
            )
        )
        for name, path in batch.items():
            if name not in named:
                path.unlink(missing_ok=True)
                deleted += 1
    if deleted:
        logger.warning("Documents folder: %s file(s) that no document names deleted", deleted)
    return deleted
