"""The template package: every file of `ceis.package/1` with its header and one example row,
for a CCAS that fills its spreadsheets by hand.

The example rows name each other (the example person is enrolled in the example cohort, at the
example site) so that the template, imported as it is into an empty database, is a valid
package: each cell shows a value the import accepts. A column may carry its own `example`
(`ceis.package.spec.Column`); otherwise its kind gives one.
"""

import csv
import io
import zipfile

from django.utils import timezone

from .spec import FILES, FORMAT, MANIFEST, Column, FileSpec

EXAMPLE_DATE = "2026-01-05"  # a Monday, no public holiday
EXAMPLE_REF = "EX1"
EXAMPLE_CODE = "exemple"
README_NAME = "LISEZMOI.txt"
README = """Modèle de paquet de données CEIS (format ceis.package/1)

Chaque fichier CSV porte sa ligne d'en-tête et une ligne d'exemple. Remplacez la ligne
d'exemple par vos données (ou supprimez-la), gardez l'en-tête, puis envoyez le dossier
compressé en zip depuis la page « Paquet de données ».

- Séparateur : virgule, point-virgule ou tabulation (reconnu à l'import).
- Encodage : UTF-8 de préférence ; Windows-1252 (« CSV séparateur point-virgule » d'Excel)
  est aussi reconnu.
- Dates : AAAA-MM-JJ (2026-01-05) ; date et heure : AAAA-MM-JJTHH:MM (2026-01-05T14:00).
- Oui/non : 1 ou 0 (oui/non accepté) ; liste de codes : séparés par « | ».
- Codes : ceux de la documentation (majuscules ou minuscules indifférentes).
- Un fichier dont vous n'avez pas besoin peut être supprimé ; manifest.csv est obligatoire.
"""


def _key(spec: FileSpec) -> str:
    return EXAMPLE_CODE if spec.key == ("code",) else EXAMPLE_REF


KEYS = {spec.name: _key(spec) for spec in FILES}


def example_value(column: Column) -> str:
    """A cell the import accepts for `column`."""
    if column.example:
        return column.example
    if column.kind == "ref":
        return KEYS[column.target]
    if column.name == "ref":
        return EXAMPLE_REF
    if column.name == "code":
        return EXAMPLE_CODE
    if column.kind in ("code", "codes"):
        return column.choices.values[0]
    if column.kind == "date":
        return EXAMPLE_DATE
    if column.kind == "datetime":
        return f"{EXAMPLE_DATE}T14:00"
    if column.kind == "bool":
        return "1" if column.required else "0"
    if column.kind == "int":
        low, high = column.bounds or (0, 10)
        return str(low if high - low > 100 else (low + high) // 2)
    return "Exemple"


def template_rows(spec: FileSpec, agent: str | None = None) -> list[list[str]]:
    """The header and the example row; `agent` names the account of the `agent` columns (the
    import never creates accounts, so the template names one that exists: whoever downloads it)."""
    header = [column.name for column in spec.columns]
    row = [
        agent if agent and column.name == "agent" else example_value(column)
        for column in spec.columns
    ]
    return [header, row]


def _csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    # A BOM, so that a spreadsheet opening the file reads its accents as UTF-8.
    return buffer.getvalue().encode("utf-8-sig")


def template_zip_bytes(agent: str | None = None) -> bytes:
    """The zip of the template package: a readme, the manifest, one CSV per file; `agent` is
    the username written in the example rows that name an agent."""
    manifest = [
        ["key", "value"],
        ["format", FORMAT],
        ["exported_at", timezone.localtime().isoformat(timespec="seconds")],
        ["source", "modèle"],
    ]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(README_NAME, README.encode("utf-8"))
        archive.writestr(MANIFEST.filename, _csv(manifest))
        for spec in FILES:
            archive.writestr(spec.filename, _csv(template_rows(spec, agent)))
    return buffer.getvalue()
