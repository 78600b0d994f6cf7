"""Uploaded files waiting for a confirmation (data packages, France Travail referral files).

Both upload pages keep the file under `MEDIA_ROOT/uploads/<kind>/` between the upload and the
confirmation, and delete it once confirmed. A file whose confirmation never comes would keep
personal data on disk forever: `stale_uploads_purge` removes those older than
`CEIS_UPLOAD_MAX_AGE_HOURS` (24 by default), every day from Celery beat (docs/security.md § 4),
with the finished background imports (`ImportJob`) of that age.
"""

import datetime
import secrets
import zipfile
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from .models import ImportJob


def uploads_root() -> Path:
    return Path(settings.MEDIA_ROOT) / "uploads"


def upload_folder(kind: str) -> Path:
    """The folder of one kind of upload (`packages`, `referrals`), created on first use."""
    path = uploads_root() / kind
    path.mkdir(parents=True, exist_ok=True)
    return path


def upload_store(file, *, kind: str, suffix: str = "") -> tuple[str, Path]:
    """Keep an uploaded file until its confirmation, written chunk by chunk (never whole in
    memory) under a random name; return that token (what the session holds) and the path."""
    token = secrets.token_urlsafe(16)
    path = upload_folder(kind) / f"{token}{suffix}"
    with open(path, "wb") as out:
        for chunk in file.chunks():
            out.write(chunk)
    return token, path


def upload_stored(token: str | None, *, kind: str, suffix: str = "") -> Path | None:
    """The kept upload of `token`, or None: a token that is not one of ours (a session altered
    by hand) never reaches the file system."""
    if not token or not token.replace("-", "").replace("_", "").isalnum():
        return None
    path = upload_folder(kind) / f"{token}{suffix}"
    return path if path.is_file() else None


def stale_uploads_purge(*, now: datetime.datetime | None = None) -> int:
    """Delete uploaded files older than the allowed age; returns how many were deleted."""
    now = now or timezone.now()
    root = uploads_root()
    if not root.is_dir():
        _finished_jobs_purge(now=now)
        return 0
    limit = (now - datetime.timedelta(hours=settings.CEIS_UPLOAD_MAX_AGE_HOURS)).timestamp()
    deleted = 0
    for path in root.rglob("*"):
        if path.is_file() and not path.is_symlink() and path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)
            deleted += 1
    _finished_jobs_purge(now=now)
    return deleted


def _finished_jobs_purge(*, now: datetime.datetime) -> None:
    """The reports of long imports name people: they go with their files (no job runs longer
    than its task's time limit, far below this age)."""
    older_than = now - datetime.timedelta(hours=settings.CEIS_UPLOAD_MAX_AGE_HOURS)
    ImportJob.objects.filter(created_at__lt=older_than).delete()


class ImportFailure(Exception):
    """The import of an uploaded file is refused; the message is French, for the page."""


def job_path(job: ImportJob) -> Path:
    """The uploaded file a background import (ceis/imports.py) reads at each step."""
    return uploads_root() / job.upload


# Bounds checked before a file is parsed (security.md row 21) --------------------------------
#
# A zip is judged on its central directory alone (sizes as declared: Python's zipfile never
# expands a member past its declared size, and a member that lies fails its CRC check). Text is
# read line by line and a sheet row by row, so memory follows the row limit, not the file.

MAX_LINE_BYTES = 16 * 1024 * 1024  # a physical line (long notes of a package fit)
RATIO_FLOOR_BYTES = 1024 * 1024  # below this, a high compression ratio is harmless
NUL = "\x00"


class UploadRefused(Exception):
    """An upload refused before or while it is read; the message is French, for the user."""


def size_mo(size: int) -> str:
    """A size in megabytes (2^20 bytes), French style: "50,5"."""
    return f"{size / 2**20:.1f}".replace(".", ",").removesuffix(",0")


def check_zip(source, *, compressed_size: int, label: str = "L'archive") -> list[zipfile.ZipInfo]:
    """The members of the zip `source` (a path or a binary file), once its compressed size,
    number of members, total uncompressed size and expansion ratio are within the settings;
    raises UploadRefused otherwise. Nothing is decompressed."""
    if compressed_size > settings.CEIS_UPLOAD_MAX_BYTES:
        raise UploadRefused(
            f"Fichier trop volumineux : {size_mo(compressed_size)} Mo "
            f"(maximum {size_mo(settings.CEIS_UPLOAD_MAX_BYTES)} Mo)."
        )
    try:
        with zipfile.ZipFile(source) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        raise UploadRefused(
            f"{label} est illisible : ce n'est pas une archive zip complète (fichier tronqué ?)."
        ) from None
    finally:
        if hasattr(source, "seek"):
            source.seek(0)
    if len(members) > settings.CEIS_UPLOAD_ZIP_MAX_MEMBERS:
        raise UploadRefused(
            f"{label} contient {len(members)} fichiers (maximum "
            f"{settings.CEIS_UPLOAD_ZIP_MAX_MEMBERS})."
        )
    expanded = sum(member.file_size for member in members)
    cap = settings.CEIS_UPLOAD_ZIP_MAX_UNCOMPRESSED_BYTES
    if expanded > cap:
        raise UploadRefused(
            f"{label} est refusée : son contenu décompressé ferait {size_mo(expanded)} Mo "
            f"(maximum {size_mo(cap)} Mo)."
        )
    ratio = expanded / max(compressed_size, 1)
    if expanded > RATIO_FLOOR_BYTES and ratio > settings.CEIS_UPLOAD_ZIP_MAX_RATIO:
        raise UploadRefused(
            f"{label} est refusée : son contenu se décompresse {ratio:.0f} fois "
            f"(maximum {settings.CEIS_UPLOAD_ZIP_MAX_RATIO} fois), comme une « bombe zip »."
        )
    return members


class DecodeProblem(UploadRefused):
    """A line that cannot be read: `reason` says why, `line` where."""

    def __init__(self, reason: str, line: int):
        super().__init__(f"ligne {line} : {reason}")
        self.reason = reason
        self.line = line


def raw_lines(stream) -> Iterator[tuple[int, bytes]]:
    """(line number, bytes) of a binary stream, each line bounded by MAX_LINE_BYTES."""
    number = 0
    while True:
        raw = stream.readline(MAX_LINE_BYTES + 1)
        if not raw:
            return
        number += 1
        if len(raw) > MAX_LINE_BYTES:
            raise DecodeProblem(f"ligne trop longue (plus de {size_mo(MAX_LINE_BYTES)} Mo)", number)
        yield number, raw


def _bad_byte(raw: bytes, error: UnicodeDecodeError) -> str:
    return f"0x{raw[error.start]:02X}"


def decoded_lines(stream, encoding: str) -> Iterator[str]:
    """The lines of a binary stream decoded with `encoding`; DecodeProblem names the line of
    the first byte that does not decode."""
    for number, raw in raw_lines(stream):
        try:
            yield raw.decode(encoding)
        except UnicodeDecodeError as error:
            raise DecodeProblem(
                f"octet {_bad_byte(raw, error)} invalide en {_LABELS[encoding]}", number
            ) from None


_LABELS = {"utf-8-sig": "UTF-8", "utf-8": "UTF-8", "cp1252": "Windows-1252"}
FALLBACK_ENCODING = "cp1252"


def sniff_encoding(open_stream) -> str:
    """UTF-8 (a BOM accepted) when every line decodes, else Windows-1252 (the superset of
    latin-1 that spreadsheets write), read line by line; DecodeProblem when neither fits, naming
    the line of the first invalid byte. `open_stream()` returns a new binary stream each time."""
    try:
        with open_stream() as stream:
            for _line in decoded_lines(stream, "utf-8-sig"):
                pass
        return "utf-8-sig"
    except DecodeProblem:
        pass
    try:
        with open_stream() as stream:
            for _line in decoded_lines(stream, FALLBACK_ENCODING):
                pass
    except DecodeProblem as problem:
        raise DecodeProblem(
            f"{problem.reason} : le fichier n'est ni en UTF-8 ni en Windows-1252 (latin-1). "
            "Enregistrez-le en « CSV UTF-8 » puis envoyez-le à nouveau.",
            problem.line,
        ) from None
    return FALLBACK_ENCODING


def encoding_notice(encoding: str) -> str:
    """What the page says when a file was not UTF-8 (its accents may be wrong)."""
    if encoding == FALLBACK_ENCODING:
        return (
            "Ce fichier n'est pas en UTF-8 : il a été lu en Windows-1252 (latin-1). "
            "Vérifiez les accents des noms dans l'aperçu."
        )
    return ""
