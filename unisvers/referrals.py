"""The referral list a France Travail adviser sends (XLSX or CSV): parsing and preview, then the
enrollment of the chosen rows into a cohort in one step.

Headers are matched whatever their case, accents and spaces ("Prénom", "PRENOM", "prenom";
"Identifiant FT", "N° identifiant", "Identifiant France Travail"). A column whose header is not
recognised is never dropped silently: the user maps it to a field or to « ignorer » (`mapping`,
column position → field code or IGNORE) before the preview, and reading a list with a column
neither recognised nor mapped is refused. Each row is previewed as a new person, an existing
person (the foundation's duplicate rule, `ceis.selectors.person_duplicates`) or an error.
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
    "nomdefamille": "last_name",
    "prenom": "first_name",
    "datedenaissance": "birth_date",
    "datenaissance": "birth_date",
    "identifiantfrancetravail": "france_travail_id",
    # The headers France Travail's exports and advisers' own lists use for the identifier.
    "identifiantft": "france_travail_id",
    "idft": "france_travail_id",
    "nidentifiant": "france_travail_id",  # « N° identifiant »
    "noidentifiant": "france_travail_id",  # « Nº identifiant », « No identifiant »
    "numeroidentifiant": "france_travail_id",
    "numerodidentifiant": "france_travail_id",
    "identifiantpoleemploi": "france_travail_id",
    "telephone": "phone",
    "telephoneportable": "phone",
    "portable": "phone",
    "email": "email",
    "mail": "email",
    "courriel": "email",
    "adressemail": "email",
    "conseiller": "adviser",
    "conseillere": "adviser",
    "conseillerreferent": "adviser",
    "datedorientation": "referral_date",
}
REQUIRED = ("last_name", "first_name")
# What a column of the list can be read as (the choices of the mapping step), or ignored.
FIELD_LABELS = {
    "last_name": "Nom",
    "first_name": "Prénom",
    "birth_date": "Date de naissance",
    "france_travail_id": "Identifiant France Travail",
    "phone": "Téléphone",
    "email": "E-mail",
    "adviser": "Conseiller ou conseillère",
    "referral_date": "Date d'orientation",
}
IGNORE = "ignorer"
MISSING_NAMES = "Colonnes « nom » et « prénom » introuvables dans la première ligne du fichier."
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


@dataclass(frozen=True)
class Column:
    """A column of the list: its position, its header as written, the field it is recognised as
    (None: not recognised, the user chooses)."""

    position: int
    label: str
    recognised: str | None


def _columns(cells) -> list[Column]:
    """The titled columns of a header row (a column without a title holds nothing to read)."""
    columns = []
    for position, cell in enumerate(cells):
        label = _cell_text(cell)
        if label:
            columns.append(Column(position, label, HEADERS.get(_header_key(label))))
    return columns


def read_header(source) -> list[Column]:
    """The columns of the list's header (its first non-blank row), read within the bounds."""
    for _number, cells in iter_table(source):
        if any(_cell_text(cell) for cell in cells):
            return _columns(cells)
    raise ReferralFileError("Le fichier est vide.")


def clean_mapping(mapping) -> dict[str, str]:
    """A mapping as the session or a job holds it: column position (text) → field or IGNORE."""
    if not isinstance(mapping, dict):
        return {}
    allowed = {*FIELD_LABELS, IGNORE}
    return {str(key): value for key, value in mapping.items() if value in allowed}


def column_fields(columns: list[Column], mapping: dict) -> dict[int, str | None]:
    """Where each column is read: its recognised field, else the user's choice (None: ignored
    or not chosen yet)."""
    fields = {}
    for column in columns:
        field_name = column.recognised or mapping.get(str(column.position))
        fields[column.position] = None if field_name == IGNORE else field_name
    return fields


def unmapped(columns: list[Column], mapping: dict) -> list[Column]:
    """The columns neither recognised nor mapped (to a field or to « ignorer »)."""
    return [c for c in columns if not c.recognised and str(c.position) not in mapping]


def mapping_errors(columns: list[Column], mapping: dict) -> list[str]:
    """What keeps this mapping from reading the list (French): a column not chosen, a field read
    from two columns, the names missing."""
    errors = [
        f"Choisissez où lire la colonne « {column.label} », ou « ignorer »."
        for column in unmapped(columns, mapping)
    ]
    seen: dict[str, Column] = {}
    fields = column_fields(columns, mapping)
    for column in columns:
        field_name = fields[column.position]
        if field_name is None:
            continue
        if field_name in seen:
            errors.append(
                f"« {FIELD_LABELS[field_name]} » serait lu dans deux colonnes : "
                f"« {seen[field_name].label} » et « {column.label} »."
            )
        else:
            seen[field_name] = column
    if any(name not in seen for name in REQUIRED):
        errors.append(MISSING_NAMES)
    return errors


def _header(cells, mapping: dict | None = None) -> list:
    columns = _columns(cells)
    mapping = clean_mapping(mapping or {})
    waiting = unmapped(columns, mapping)
    if any(
        name not in {c.recognised for c in columns} | set(mapping.values()) for name in REQUIRED
    ):
        raise ReferralFileError(MISSING_NAMES)
    if waiting:
        # Never dropped silently: the user maps each column or ignores it (the mapping step).
        raise ReferralFileError(
            "Colonnes non reconnues : "
            + ", ".join(f"« {column.label} »" for column in waiting)
            + ". Choisissez pour chacune le champ où la lire, ou « ignorer »."
        )
    errors = mapping_errors(columns, mapping)
    if errors:
        raise ReferralFileError(" ".join(errors))
    fields = column_fields(columns, mapping)
    return [fields.get(position) for position in range(len(cells))]


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
    for name in FIELD_LABELS:
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


def iter_referrals(source, mapping: dict | None = None) -> Iterator[ReferralRow]:
    """The rows of the list, parsed one at a time, each with its own errors (none checked
    against the database); blank rows are skipped, the first non-blank row is the header, read
    with the user's `mapping` of the columns it does not recognise."""
    header = raw_header = None
    for number, cells in iter_table(source):
        if not any(_cell_text(cell) for cell in cells):
            continue
        if header is None:
            header, raw_header = _header(cells, mapping), list(cells)
            continue
        yield _row(number, header, raw_header, cells)
    if header is None:
        raise ReferralFileError("Le fichier est vide.")


def read_referrals(source, mapping: dict | None = None) -> list[ReferralRow]:
    """Every row of a list small enough for one request (see CEIS_IMPORT_ASYNC_ROWS)."""
    return list(iter_referrals(source, mapping))


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


def preview(*, data: bytes, cohort: Cohort, user, mapping: dict | None = None) -> list[ReferralRow]:
    """Each row as new / existing / already enrolled / error."""
    rows = read_referrals(data, mapping)
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
