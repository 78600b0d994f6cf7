"""Reading a package: the CSV files of a folder or a zip, parsed cell by cell into Python values.

Every problem becomes a `PackageError` (`file:line: column: message`); reading never stops at the
first one. Line numbers are those of the file as a text editor shows them (the header is line 1,
a quoted field spanning several lines keeps the line where its record starts).
"""

import csv
import datetime
import functools
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from django.utils import timezone

from ceis.spreadsheet import restore_cell

from .spec import FILES, MANIFEST, Column, FileSpec

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_INT = re.compile(r"^-?\d+$")
FIELD_SIZE_LIMIT = 16 * 1024 * 1024
_TRUE = {"1", "oui", "true"}
_FALSE = {"0", "non", "false"}


@dataclass(frozen=True)
class PackageError:
    file: str
    line: int
    column: str
    message: str

    def __str__(self):
        return f"{self.file}:{self.line}: {self.column}: {self.message}"


@dataclass
class Row:
    line: int
    values: dict  # column name → parsed value (None or "" when empty)
    ok: bool = True  # False when a cell could not be parsed (the row is only used for its key)


@dataclass
class ParsedFile:
    spec: FileSpec
    columns: set[str] = field(default_factory=set)  # the columns present in the header
    rows: list[Row] = field(default_factory=list)


class PackageSourceError(Exception):
    """The path is neither a folder nor a readable zip."""


def read_sources(path: Path) -> dict[str, bytes]:
    """The bytes of each `.csv` of the package, by file name (subfolders of a zip ignored
    when the files sit at its root; a zip holding one folder is read inside that folder)."""
    path = Path(path)
    if path.is_dir():
        return {p.name: p.read_bytes() for p in path.iterdir() if p.suffix == ".csv"}
    if not path.is_file():
        raise PackageSourceError(f"{path} : ni dossier ni fichier.")
    try:
        with zipfile.ZipFile(path) as archive:
            names = [n for n in archive.namelist() if n.endswith(".csv") and "__MACOSX" not in n]
            by_name: dict[str, bytes] = {}
            # Files at the root win over files in a folder (a zip of the folder itself).
            for name in sorted(names, key=lambda n: n.count("/"), reverse=True):
                by_name[name.rsplit("/", 1)[-1]] = archive.read(name)
            return by_name
    except (zipfile.BadZipFile, OSError) as error:
        raise PackageSourceError(f"{path} : archive zip illisible ({error}).") from None


def _decode(spec_name: str, data: bytes, errors: list) -> str | None:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        errors.append(PackageError(spec_name, line, "-", "encodage invalide (UTF-8 attendu)"))
        return None


@functools.cache
def _codes(choices) -> frozenset[str]:
    return frozenset(choices.values)


def parse_cell(column: Column, raw: str):
    """The Python value of a cell, or raise ValueError with the French message."""
    text = restore_cell(raw.strip())  # the exporter's formula mark (security.md row 22)
    if column.kind in ("text", "code", "ref"):
        if column.kind == "code" and text and text not in _codes(column.choices):
            raise ValueError(f"code inconnu « {text} »")
        return text
    if column.kind == "codes":
        codes = [code.strip() for code in text.split("|") if code.strip()]
        unknown = [code for code in codes if code not in _codes(column.choices)]
        if unknown:
            raise ValueError(f"code inconnu « {unknown[0]} »")
        return codes
    if not text:
        return None
    if column.kind == "date":
        try:
            if not _DATE.match(text):
                raise ValueError
            return datetime.date.fromisoformat(text)
        except ValueError:
            raise ValueError(f"date invalide « {text} » (attendu AAAA-MM-JJ)") from None
    if column.kind == "datetime":
        try:
            if not _DATE.match(text[:10]) or len(text) < 16:
                raise ValueError
            value = datetime.datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(
                f"date-heure invalide « {text} » (attendu AAAA-MM-JJTHH:MM, "
                "éventuellement avec un décalage horaire)"
            ) from None
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        return value
    if column.kind == "bool":
        lowered = text.lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise ValueError(f"booléen invalide « {text} » (attendu 1 ou 0, oui ou non)")
    if column.kind == "int":
        if not _INT.match(text):
            raise ValueError(f"nombre entier invalide « {text} »")
        value = int(text)
        low, high = column.bounds or (None, None)
        if column.bounds and not (low <= value <= high):
            raise ValueError(f"valeur hors de l'intervalle {low}–{high} « {text} »")
        return value
    raise AssertionError(column.kind)


def parse_file(spec: FileSpec, data: bytes, errors: list) -> ParsedFile | None:
    name = spec.filename
    text = _decode(name, data, errors)
    if text is None:
        return None
    parsed = ParsedFile(spec=spec)
    # Long free texts (notes, quotes) exceed the csv module's default of 128 KB per field.
    csv.field_size_limit(max(csv.field_size_limit(), FIELD_SIZE_LIMIT))
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
    except csv.Error as error:
        errors.append(PackageError(name, 1, "-", f"CSV invalide ({error})"))
        return None
    if not header or header == []:
        errors.append(PackageError(name, 1, "-", "ligne d'en-tête absente"))
        return None
    header = [column.strip() for column in header]
    known = {column.name for column in spec.columns}
    ok = True
    seen = set()
    for column in header:
        if column in seen:
            errors.append(PackageError(name, 1, column, "colonne en double"))
            ok = False
        seen.add(column)
        if column not in known:
            errors.append(PackageError(name, 1, column or "-", "colonne inconnue"))
            ok = False
    for column in spec.columns:
        if column.required and column.name not in seen:
            errors.append(PackageError(name, 1, column.name, "colonne obligatoire absente"))
            ok = False
    if not ok:
        return None
    parsed.columns = seen
    columns = [spec.column(column) for column in header]
    absent = [column for column in spec.columns if column.name not in seen]
    line = reader.line_num + 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            errors.append(PackageError(name, line, "-", f"CSV invalide ({error})"))
            break
        start, line = line, reader.line_num + 1
        if not any(cell.strip() for cell in cells):
            continue  # blank lines are not records
        if len(cells) != len(columns):
            errors.append(
                PackageError(
                    name,
                    start,
                    "-",
                    f"{len(cells)} valeurs pour {len(columns)} colonnes",
                )
            )
            continue
        values = {column.name: parse_cell(column, "") for column in absent}
        row_ok = True
        for column, raw in zip(columns, cells, strict=True):
            try:
                value = parse_cell(column, raw)
            except ValueError as error:
                errors.append(PackageError(name, start, column.name, str(error)))
                value, row_ok = parse_cell(column, ""), False
                values[column.name] = value
                continue
            if column.required and value in (None, "", []):
                errors.append(PackageError(name, start, column.name, "valeur obligatoire"))
                row_ok = False
            values[column.name] = value
        parsed.rows.append(Row(line=start, values=values, ok=row_ok))
    return parsed


def read_package(path: Path) -> tuple[dict, dict[str, str], list[PackageError], set[str]]:
    """Parse every file of the package: (files by name, manifest, errors, names of the files
    present but unreadable — references to them are not checked, to avoid a cascade)."""
    errors: list[PackageError] = []
    sources = read_sources(path)
    manifest: dict[str, str] = {}
    if MANIFEST.filename not in sources:
        errors.append(PackageError(MANIFEST.filename, 0, "-", "fichier obligatoire absent"))
    else:
        parsed = parse_file(MANIFEST, sources[MANIFEST.filename], errors)
        for row in parsed.rows if parsed else ():
            manifest[row.values.get("key", "")] = row.values.get("value", "")
        if parsed and manifest.get("format") != "ceis.package/1":
            line = next((row.line for row in parsed.rows if row.values.get("key") == "format"), 1)
            found = manifest.get("format")
            message = (
                f"format « {found} » non pris en charge (attendu ceis.package/1)"
                if found
                else "la clé format est absente (attendu ceis.package/1)"
            )
            errors.append(PackageError(MANIFEST.filename, line, "value", message))
    known = {spec.filename for spec in FILES} | {MANIFEST.filename}
    for filename in sorted(set(sources) - known):
        errors.append(PackageError(filename, 0, "-", "fichier inconnu dans le paquet"))
    files, broken = {}, set()
    for spec in FILES:
        if spec.filename in sources:
            parsed = parse_file(spec, sources[spec.filename], errors)
            if parsed is None:
                broken.add(spec.name)
            else:
                files[spec.name] = parsed
    return files, manifest, errors, broken
