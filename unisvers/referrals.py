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
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from ceis.selectors import person_duplicates
from ceis.services import person_create
from ceis.text import normalize_name

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


def _rows_of_xlsx(data: bytes) -> list[list]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        raise ReferralFileError("Classeur Excel illisible.") from None
    sheet = workbook.worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _rows_of_csv(data: bytes) -> list[list]:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as error:
        raise ReferralFileError(f"Fichier CSV illisible ({error}).") from None


def is_xlsx(data: bytes) -> bool:
    return data[:4] == b"PK\x03\x04"


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


def read_referrals(data: bytes) -> list[ReferralRow]:
    """The rows of the list, parsed, each with its own errors (none checked against the DB)."""
    table = _rows_of_xlsx(data) if is_xlsx(data) else _rows_of_csv(data)
    table = [row for row in table if any(_cell_text(cell) for cell in row)]
    if not table:
        raise ReferralFileError("Le fichier est vide.")
    header = [HEADERS.get(_header_key(cell)) for cell in table[0]]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise ReferralFileError(
            "Colonnes « nom » et « prénom » introuvables dans la première ligne du fichier."
        )
    rows = []
    for number, cells in enumerate(table[1:], start=2):
        values = {}
        for name, cell in zip(header, cells, strict=False):
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
                    row.errors.append(f"{label} invalide « {raw} » (attendu JJ/MM/AAAA)")
                    row.values[name] = None
            else:
                row.values[name] = raw
        for name in REQUIRED:
            if not row.values[name]:
                row.errors.append(f"{'nom' if name == 'last_name' else 'prénom'} manquant")
        rows.append(row)
    return rows


def preview(*, data: bytes, cohort: Cohort, user) -> list[ReferralRow]:
    """Each row as new / existing / already enrolled / error."""
    rows = read_referrals(data)
    enrolled = set(cohort.enrollments.values_list("person_id", flat=True))
    for row in rows:
        if row.errors:
            row.status = ERROR
            continue
        matches = person_duplicates(
            user=user,
            last_name=row.values["last_name"],
            first_name=row.values["first_name"],
            birth_date=row.values["birth_date"],
        )
        if matches:
            row.person = matches[0]
            row.status = ENROLLED if row.person.pk in enrolled else EXISTING
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
                person = person_create(
                    user=user,
                    request=request,
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
