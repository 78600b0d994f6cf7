"""Reading a package: the CSV files of a folder or a zip, parsed cell by cell into Python values.

Every problem becomes a `PackageError` (`file:line: column: message`); reading never stops at the
first one. Line numbers are those of the file as a text editor shows them (the header is line 1,
a quoted field spanning several lines keeps the line where its record starts).

Each file's encoding and separator are found as it is read, so that a file saved by a French
spreadsheet (Windows-1252, semicolons) is read as well as the format's UTF-8 and commas: the
encoding is UTF-8 (a BOM accepted) when every line decodes, else Windows-1252; the separator is
the one among comma, semicolon and tab that splits the header into the most known columns. Both
are named in the report (`FileFormat`).
"""

import codecs
import contextlib
import csv
import datetime
import functools
import itertools
import re
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from ceis.spreadsheet import restore_cell
from ceis.uploads import (
    FALLBACK_ENCODING,
    NUL,
    DecodeProblem,
    UploadRefused,
    check_zip,
    raw_lines,
    size_mo,
)

from .spec import FILES, MANIFEST, Column, FileSpec

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# ASCII digits only (\d would take "٣" for 3), few enough for int() and any bound.
_INT = re.compile(r"^-?[0-9]{1,18}$")
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


DELIMITERS = {",": "virgule", ";": "point-virgule", "\t": "tabulation"}
ENCODINGS = {"utf-8": "UTF-8", FALLBACK_ENCODING: "Windows-1252 (latin-1)"}


@dataclass
class FileFormat:
    """How a file was read: what the report names."""

    encoding: str = "utf-8"  # "utf-8" or FALLBACK_ENCODING
    bom: bool = False
    delimiter: str = ","

    def __str__(self):
        encoding = ENCODINGS[self.encoding] + (" avec BOM" if self.bom else "")
        return f"{encoding}, séparateur {DELIMITERS[self.delimiter]}"


def formats_summary(formats: dict[str, FileFormat]) -> list[str]:
    """The report's lines on how the files were read: one line when they all agree, else one
    line per way of reading naming its files; a warning when a file was not UTF-8 (its accents
    are worth a look). A file without accents is plain UTF-8 whatever saved it."""
    if not formats:
        return []
    groups: dict[str, list[str]] = {}
    for name, file_format in formats.items():
        groups.setdefault(str(file_format), []).append(name)
    if len(groups) == 1 and len(formats) > 1:
        lines = [f"Tous les fichiers : {next(iter(groups))}."]
    else:
        lines = [f"{text} : {', '.join(names)}." for text, names in groups.items()]
    legacy = [name for name, f in formats.items() if f.encoding == FALLBACK_ENCODING]
    if legacy:
        lines.append(
            f"Pas en UTF-8 : {', '.join(legacy)}, lu{'s' if len(legacy) > 1 else ''} en "
            "Windows-1252 ; vérifiez les accents après l'import."
        )
    return lines


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
    format: FileFormat = field(default_factory=FileFormat)


class PackageSourceError(Exception):
    """The path is neither a folder nor a readable zip."""


def _check_folder(files: list[Path]) -> None:
    """A folder's CSV files within the same bounds as a zip's members."""
    if len(files) > settings.CEIS_UPLOAD_ZIP_MAX_MEMBERS:
        raise PackageSourceError(
            f"Le dossier contient {len(files)} fichiers CSV (maximum "
            f"{settings.CEIS_UPLOAD_ZIP_MAX_MEMBERS})."
        )
    total = sum(file.stat().st_size for file in files)
    cap = settings.CEIS_UPLOAD_ZIP_MAX_UNCOMPRESSED_BYTES
    if total > cap:
        raise PackageSourceError(
            f"Le dossier est refusé : ses fichiers CSV font {size_mo(total)} Mo "
            f"(maximum {size_mo(cap)} Mo)."
        )


@contextlib.contextmanager
def _zip_member(path: Path, member: str):
    with zipfile.ZipFile(path) as archive, archive.open(member) as stream:
        yield stream


def read_sources(path: Path) -> dict[str, Callable]:
    """An opener of each `.csv` of the package (a binary stream, read line by line), by file
    name, once the folder or the zip is within the bounds of the settings (subfolders of a zip
    ignored when the files sit at its root; a zip holding one folder is read inside it)."""
    path = Path(path)
    if path.is_dir():
        files = [p for p in path.iterdir() if p.suffix == ".csv" and p.is_file()]
        _check_folder(files)
        return {p.name: functools.partial(open, p, "rb") for p in files}
    if not path.is_file():
        raise PackageSourceError(f"{path} : ni dossier ni fichier.")
    try:
        members = check_zip(path, compressed_size=path.stat().st_size)
    except UploadRefused as error:
        raise PackageSourceError(f"{path.name} : {error}") from None
    names = [m.filename for m in members if m.filename.endswith(".csv")]
    names = [name for name in names if "__MACOSX" not in name]
    by_name: dict[str, str] = {}
    # Files at the root win over files in a folder (a zip of the folder itself).
    for name in sorted(names, key=lambda n: n.count("/"), reverse=True):
        by_name[name.rsplit("/", 1)[-1]] = name
    return {short: functools.partial(_zip_member, path, name) for short, name in by_name.items()}


def count_rows(path: Path) -> int:
    """About how many records the package holds (its lines, headers aside), counted without
    parsing: enough to choose between the request and a background job."""
    total = 0
    for opener in read_sources(path).values():
        with opener() as stream:
            lines = sum(1 for _ in raw_lines(stream))
        total += max(lines - 1, 0)
    return total


@functools.cache
def _codes(choices) -> dict[str, str]:
    """The list's codes by their case-folded form: `F`, `Alumni` or `PRESENT` name the code as
    `domain.md` writes it, which is what is stored."""
    return {value.casefold(): value for value in choices.values}


def _code(choices, text: str) -> str:
    try:
        return _codes(choices)[text.casefold()]
    except KeyError:
        raise ValueError(f"code inconnu « {text} »") from None


def parse_cell(column: Column, raw: str):
    """The Python value of a cell, or raise ValueError with the French message."""
    text = restore_cell(raw.strip())  # the exporter's formula mark (security.md row 22)
    if column.kind in ("text", "ref"):
        return text
    if column.kind == "code":
        return _code(column.choices, text) if text else text
    if column.kind == "codes":
        return [_code(column.choices, code.strip()) for code in text.split("|") if code.strip()]
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


class RowBudget:
    """The rows a package may still hold (CEIS_UPLOAD_MAX_ROWS, its files taken together)."""

    def __init__(self, limit: int | None = None):
        self.limit = settings.CEIS_UPLOAD_MAX_ROWS if limit is None else limit
        self.used = 0
        self.exceeded = False


class _BadByte(Exception):
    def __init__(self, byte: int, line: int):
        self.byte, self.line = byte, line


def _decoded(stream, file_format: FileFormat):
    """The lines of a binary stream in `file_format.encoding` (a UTF-8 BOM noted and dropped);
    _BadByte on the first byte that does not decode."""
    for number, raw in raw_lines(stream):
        if number == 1 and raw.startswith(codecs.BOM_UTF8):
            file_format.bom = True
            raw = raw[len(codecs.BOM_UTF8) :]
        try:
            yield raw.decode(file_format.encoding)
        except UnicodeDecodeError as error:
            raise _BadByte(raw[error.start], number) from None


def parse_file(
    spec: FileSpec,
    source,
    errors: list,
    budget: RowBudget | None = None,
    formats: dict[str, FileFormat] | None = None,
):
    """The parsed rows of one file (None when it cannot be read); `source()` opens its bytes.
    Read as UTF-8 first; a file where a byte is not UTF-8 (and without a BOM) is read again as
    Windows-1252, what French spreadsheets write. How it was read goes to `formats`."""
    budget = budget or RowBudget()
    used = budget.used
    for encoding in ("utf-8", FALLBACK_ENCODING):
        file_format = FileFormat(encoding=encoding)
        found: list[PackageError] = []
        try:
            with source() as stream:
                lines = _decoded(stream, file_format)
                parsed = _parse_lines(spec, lines, found, budget, file_format)
        except _BadByte as bad:
            if encoding == "utf-8" and not file_format.bom:
                budget.used, budget.exceeded = used, False
                continue
            expected = "UTF-8 avec BOM" if file_format.bom else "ni UTF-8 ni Windows-1252"
            message = f"encodage invalide ({expected}) : octet 0x{bad.byte:02X}"
            errors.append(PackageError(spec.filename, bad.line, "-", message))
            return None
        except DecodeProblem as problem:
            errors.append(PackageError(spec.filename, problem.line, "-", problem.reason))
            return None
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as error:
            errors.append(
                PackageError(spec.filename, 0, "-", f"fichier endommagé dans l'archive ({error})")
            )
            return None
        errors.extend(found)
        if formats is not None:
            formats[spec.filename] = file_format
        if parsed is not None:
            parsed.format = file_format
        return parsed
    raise AssertionError("unreachable")


def sniff_delimiter(header: str, known: set[str]) -> str:
    """The separator that splits the header line into the most known column names (then into
    the most cells); a comma when nothing tells."""

    def score(delimiter):
        try:
            cells = next(csv.reader([header], delimiter=delimiter))
        except (csv.Error, StopIteration):
            return (0, 0)
        return (sum(cell.strip() in known for cell in cells), len(cells))

    return max(DELIMITERS, key=score)


def _parse_lines(
    spec: FileSpec, lines, errors: list, budget: RowBudget, file_format: FileFormat
) -> ParsedFile | None:
    name = spec.filename
    parsed = ParsedFile(spec=spec)
    known = {column.name for column in spec.columns}
    # Long free texts (notes, quotes) exceed the csv module's default of 128 KB per field.
    csv.field_size_limit(max(csv.field_size_limit(), FIELD_SIZE_LIMIT))
    first = next(lines, None)
    if first is not None:
        file_format.delimiter = sniff_delimiter(first, known)
        lines = itertools.chain([first], lines)
    reader = csv.reader(lines, delimiter=file_format.delimiter, strict=True)
    try:
        header = next(reader, None)
    except csv.Error as error:
        errors.append(PackageError(name, 1, "-", f"CSV invalide ({error})"))
        return None
    if not header or header == []:
        errors.append(PackageError(name, 1, "-", "ligne d'en-tête absente"))
        return None
    if len(header) > settings.CEIS_UPLOAD_MAX_COLUMNS:
        errors.append(
            PackageError(
                name,
                1,
                "-",
                f"{len(header)} colonnes (maximum {settings.CEIS_UPLOAD_MAX_COLUMNS})",
            )
        )
        return None
    header = [column.strip() for column in header]
    ok = True
    seen = set()
    for column in header:
        if column in seen:
            errors.append(PackageError(name, 1, column, "colonne en double"))
            ok = False
        seen.add(column)
        if column not in known:
            expected = ", ".join(column.name for column in spec.columns)
            message = f"colonne inconnue (colonnes de ce fichier : {expected})"
            errors.append(PackageError(name, 1, column or "-", message))
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
        budget.used += 1
        if budget.used > budget.limit:
            budget.exceeded = True
            errors.append(
                PackageError(
                    name,
                    start,
                    "-",
                    f"le paquet dépasse {budget.limit} lignes au total : il est refusé sans "
                    "être lu plus loin",
                )
            )
            return None
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
            if NUL in raw:
                # Accepted by the csv module, refused by PostgreSQL: caught here, with its place.
                errors.append(PackageError(name, start, column.name, "caractère nul interdit"))
                value, row_ok = parse_cell(column, ""), False
                values[column.name] = value
                continue
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


def read_package(
    path: Path,
) -> tuple[dict, dict[str, str], list[PackageError], set[str], dict[str, FileFormat]]:
    """Parse every file of the package: (files by name, manifest, errors, names of the files
    present but unreadable — references to them are not checked, to avoid a cascade —, how each
    file was read, by file name in import order)."""
    errors: list[PackageError] = []
    formats: dict[str, FileFormat] = {}
    sources = read_sources(path)
    budget = RowBudget()
    manifest: dict[str, str] = {}
    if MANIFEST.filename not in sources:
        errors.append(PackageError(MANIFEST.filename, 0, "-", "fichier obligatoire absent"))
    else:
        parsed = parse_file(MANIFEST, sources[MANIFEST.filename], errors, budget, formats)
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
            parsed = None
            if not budget.exceeded:
                parsed = parse_file(spec, sources[spec.filename], errors, budget, formats)
            if parsed is None:
                broken.add(spec.name)
            else:
                files[spec.name] = parsed
    return files, manifest, errors, broken, formats
