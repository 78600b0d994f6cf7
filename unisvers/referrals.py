"""The referral list a France Travail adviser sends (XLSX or CSV): parsing and preview, then the
enrollment of the chosen rows into a cohort in one step.

Headers are matched whatever their case and accents ("Prénom", "PRENOM", "prenom"). Each row is
previewed as a new person, an existing person (the foundation's duplicate rule,
`ceis.selectors.person_duplicates`) or an error.
"""

import csv
import datetime
import io
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO
from xml.etree.ElementTree import ParseError

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from ceis.selectors import person_duplicates_bulk
from ceis.services import person_create
from ceis.text import normalize_name
from ceis.uploads import (
    NUL,
    DecodeProblem,
    UploadRefused,
    check_zip,
    decoded_lines,
    encoding_notice,
    raw_lines,
    sniff_encoding,
)

from . import services
from .choices import ReferralSource
from .models import Cohort

HEADERS = {
    "nom": "last_name",
    "prenom": "first_name",
    "datedenaissance": "birth_date",
    "identifiantfrancetravail": "france_travail_id",
    "telephone": "phone",
    "email": "email",
    "conseiller": "adviser",
    "conseillere": "adviser",
    "datedorientation": "referral_date",
}
REQUIRED = ("last_name", "first_name")
_DATE_FR = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_DATE_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T].*)?$")

NEW, EXISTING, ERROR, ENROLLED = "new", "existing", "error", "enrolled"
NUL_OOXML = "_x0000_"  # how a workbook writes a NUL (decoded only in some of its parts)


class ReferralFileError(Exception):
    """The file cannot be read as a referral list (French message)."""


@dataclass
class ReferralRow:
    number: int  # the line in the file (header = 1)
    values: dict
    errors: list[str] = field(default_factory=list)
    status: str = NEW
    person: object = None

    @property
    def label(self) -> str:
        return {
            NEW: "Nouvelle personne",
            EXISTING: "Personne existante",
            ERROR: "Erreur",
            ENROLLED: "Déjà inscrite",
        }[self.status]


def _header_key(text) -> str:
    return normalize_name(str(text or ""))


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _opener(source) -> Callable[[], BinaryIO]:
    """A function opening the file (a path on disk, or bytes) as a new binary stream."""
    if isinstance(source, bytes | bytearray):
        return lambda: io.BytesIO(source)
    return lambda: open(source, "rb")


def _size(source) -> int:
    return len(source) if isinstance(source, bytes | bytearray) else Path(source).stat().st_size


def is_xlsx(data: bytes) -> bool:
    return data[:4] == b"PK\x03\x04"


def _head(source) -> bytes:
    with _opener(source)() as stream:
        return stream.read(4)


def _check_columns(number: int, count: int) -> None:
    if count > settings.CEIS_UPLOAD_MAX_COLUMNS:
        raise ReferralFileError(
            f"Ligne {number} : plus de {settings.CEIS_UPLOAD_MAX_COLUMNS} colonnes : ce fichier "
            "n'est pas une liste d'orientation."
        )


def _check_rows(number: int) -> None:
    # The header is line 1: a list may hold CEIS_UPLOAD_MAX_ROWS people.
    if number > settings.CEIS_UPLOAD_MAX_ROWS + 1:
        raise ReferralFileError(
            f"Le fichier dépasse {settings.CEIS_UPLOAD_MAX_ROWS} lignes : découpez-le."
        )


def _workbook(source):
    from openpyxl import load_workbook

    try:
        with _opener(source)() as stream:
            check_zip(stream, compressed_size=_size(source), label="Le classeur")
        return load_workbook(_opener(source)(), read_only=True, data_only=True)
    except UploadRefused as refusal:
        raise ReferralFileError(str(refusal)) from None
    except Exception:
        raise ReferralFileError(
            "Classeur Excel illisible : il est tronqué ou endommagé. Enregistrez-le à nouveau."
        ) from None


def _xlsx_rows(source) -> Iterator[tuple[int, tuple]]:
    workbook = _workbook(source)
    try:
        sheet = workbook.worksheets[0]
        # The size the sheet declares is refused before a row is read.
        _check_rows(sheet.max_row or 0)
        _check_columns(1, sheet.max_column or 0)
        limit = settings.CEIS_UPLOAD_MAX_COLUMNS
        rows = sheet.iter_rows(values_only=True, max_col=limit + 1)
        for number, row in enumerate(rows, start=1):
            _check_rows(number)
            if row and row[-1] is not None and len(row) > limit:
                _check_columns(number, len(row))
            yield number, row
    except (ParseError, zipfile.BadZipFile, zlib.error, EOFError, KeyError, OSError):
        raise ReferralFileError(
            "Classeur Excel illisible : il est tronqué ou endommagé (ou contient un caractère "
            "interdit). Enregistrez-le à nouveau."
        ) from None
    finally:
        workbook.close()


def csv_encoding(source) -> str:
    try:
        return sniff_encoding(_opener(source))
    except DecodeProblem as problem:
        raise ReferralFileError(f"Ligne {problem.line} : {problem.reason}") from None


def reading_notice(source) -> str:
    """What the page says about how the file was read ("" for UTF-8 and for a workbook)."""
    return "" if is_xlsx(_head(source)) else encoding_notice(csv_encoding(source))


def _csv_rows(source, encoding: str) -> Iterator[tuple[int, list]]:
    with _opener(source)() as stream:
        first = next(decoded_lines(stream, encoding), "")
    delimiter = ";" if first.count(";") > first.count(",") else ","
    with _opener(source)() as stream:
        reader = csv.reader(decoded_lines(stream, encoding), delimiter=delimiter)
        number = 1
        try:
            for cells in reader:
                _check_rows(number)
                _check_columns(number, len(cells))
                yield number, cells
                number = reader.line_num + 1
        except csv.Error as error:
            raise ReferralFileError(f"Ligne {number} : fichier CSV illisible ({error}).") from None
        except DecodeProblem as problem:
            raise ReferralFileError(f"Ligne {problem.line} : {problem.reason}") from None


def iter_table(source) -> Iterator[tuple[int, Sequence]]:
    """(line number, cells) of each row of the list, read one row at a time within the bounds of
    the settings; ReferralFileError (French, naming the line) on anything unreadable."""
    if is_xlsx(_head(source)):
        yield from _xlsx_rows(source)
    else:
        yield from _csv_rows(source, csv_encoding(source))


def count_rows(source) -> int | None:
    """The rows of the list (header aside) counted without parsing, or None when unknown (a
    sheet that does not declare its size): enough to choose the request or a background job."""
    if is_xlsx(_head(source)):
        workbook = _workbook(source)
        try:
            rows = workbook.worksheets[0].max_row
        finally:
            workbook.close()
        return max(rows - 1, 0) if rows else None
    with _opener(source)() as stream:
        try:
            return max(sum(1 for _ in raw_lines(stream)) - 1, 0)
        except DecodeProblem as problem:
            raise ReferralFileError(f"Ligne {problem.line} : {problem.reason}") from None


def parse_date(text: str) -> datetime.date | None:
    """dd/mm/yyyy or yyyy-mm-dd; ValueError otherwise."""
    if not text:
        return None
    for pattern, order in ((_DATE_FR, (3, 2, 1)), (_DATE_ISO, (1, 2, 3))):
        match = pattern.match(text)
        if match:
            year, month, day = (int(match.group(i)) for i in order)
            return datetime.date(year, month, day)
    raise ValueError(text)


def _header(cells) -> list:
    header = [HEADERS.get(_header_key(cell)) for cell in cells]
    if any(name not in header for name in REQUIRED):
        raise ReferralFileError(
            "Colonnes « nom » et « prénom » introuvables dans la première ligne du fichier."
        )
    return header


def _row(number: int, header: list, raw_header, cells) -> ReferralRow:
    values = {}
    for position, (name, cell) in enumerate(zip(header, cells, strict=False)):
        if isinstance(cell, str) and (NUL in cell or NUL_OOXML in cell):
            # Refused by PostgreSQL: the file is refused here, naming the place.
            column = _cell_text(raw_header[position]) or f"n° {position + 1}"
            raise ReferralFileError(
                f"Ligne {number}, colonne « {column} » : caractère nul interdit "
                "(le fichier est peut-être endommagé)."
            )
        if name:
            values[name] = cell if isinstance(cell, datetime.date) else _cell_text(cell)
    row = ReferralRow(number=number, values={})
    for name in HEADERS.values():
        raw = values.get(name, "")
        if name in ("birth_date", "referral_date"):
            if isinstance(raw, datetime.datetime):
                raw = raw.date()
            if isinstance(raw, datetime.date):
                row.values[name] = raw
                continue
            try:
                row.values[name] = parse_date(raw)
            except ValueError:
                label = "date de naissance" if name == "birth_date" else "date d'orientation"
                row.values[name] = None
                row.errors.append(f"{label} invalide « {raw} » (attendu JJ/MM/AAAA)")
        else:
            row.values[name] = raw
    for name in REQUIRED:
        if not row.values[name]:
            row.errors.append(f"{'nom' if name == 'last_name' else 'prénom'} manquant")
    return row


def iter_referrals(source) -> Iterator[ReferralRow]:
    """The rows of the list, parsed one at a time, each with its own errors (none checked
    against the database); blank rows are skipped, the first non-blank row is the header."""
    header = raw_header = None
    for number, cells in iter_table(source):
        if not any(_cell_text(cell) for cell in cells):
            continue
        if header is None:
            header, raw_header = _header(cells), list(cells)
            continue
        yield _row(number, header, raw_header, cells)
    if header is None:
        raise ReferralFileError("Le fichier est vide.")


def read_referrals(source) -> list[ReferralRow]:
    """Every row of a list small enough for one request (see CEIS_IMPORT_ASYNC_ROWS)."""
    return list(iter_referrals(source))


def classify(rows: list[ReferralRow], *, cohort: Cohort, user, enrolled: set) -> None:
    """Mark each row new / existing / already enrolled / error: one query per batch of rows
    (`ceis.selectors.person_duplicates_bulk`, the foundation's duplicate rule)."""
    candidates = [row for row in rows if not row.errors]
    for row in rows:
        if row.errors:
            row.status = ERROR
    found = person_duplicates_bulk(
        user=user,
        candidates=[
            (row.values["last_name"], row.values["first_name"], row.values["birth_date"])
            for row in candidates
        ],
    )
    for row, person in zip(candidates, found, strict=True):
        if person is not None:
            row.person = person
            row.status = ENROLLED if person.pk in enrolled else EXISTING


def preview(*, data: bytes, cohort: Cohort, user) -> list[ReferralRow]:
    """Each row as new / existing / already enrolled / error."""
    rows = read_referrals(data)
    enrolled = set(cohort.enrollments.values_list("person_id", flat=True))
    classify(rows, cohort=cohort, user=user, enrolled=enrolled)
    return rows


@transaction.atomic
def enroll_referrals(
    *, cohort: Cohort, rows: list[ReferralRow], chosen: set[int], entry_date, user, request=None
) -> int:
    """Create the new persons and enroll every chosen row; all or nothing. Raises
    ValidationError with a message naming the line."""
    count = 0
    for row in rows:
        if row.number not in chosen:
            continue
        if row.status in (ERROR, ENROLLED):
            raise ValidationError(
                f"Ligne {row.number} : {row.label.lower()}, elle ne peut pas être inscrite."
            )
        values = row.values
        try:
            person = row.person
            if person is None:
                # `classify` matched the row against the persons by the same rule: it is new.
                person = person_create(
                    user=user,
                    request=request,
                    allow_duplicate=True,
                    site=cohort.site,
                    last_name=values["last_name"],
                    first_name=values["first_name"],
                    birth_date=values["birth_date"],
                    france_travail_id=values["france_travail_id"][:20],
                    phone=values["phone"][:30],
                    email=values["email"],
                )
            services.enrollment_create(
                cohort=cohort,
                person=person,
                user=user,
                request=request,
                entry_date=entry_date,
                referral_source=ReferralSource.FRANCE_TRAVAIL,
                referral_adviser=values["adviser"][:200],
                referral_date=values["referral_date"],
            )
        except ValidationError as error:
            raise ValidationError(f"Ligne {row.number} : {' '.join(error.messages)}") from None
        count += 1
    return count
