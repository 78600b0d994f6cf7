"""Open data: a bilan's publishable figures in long form (one row per figure), described by a
Table Schema (frictionless), ready for a data.gouv.fr upload (indicators.md, "Open data").

Columns `section,key,code,n,of,rate,published`: `published` is the text a reader sees, the
publication rule applied; where it hides a count ("moins de 5", "non publié"), `n`, `of` and
`rate` are empty, so that no cell gives the count back. A confidential breakdown whose hidden
counts could be worked out from its published total is withheld whole
(`publication.breakdown_withheld`).
"""

import csv
import io
import json
import zipfile

from .indicators.definitions import (
    BREAKDOWN,
    CONFIDENCE,
    CONFIDENCE_FIELDS,
    DEFINITIONS,
    MONTHLY,
    MONTHLY_COLUMNS,
    RATE,
)
from .indicators.publication import (
    SMALL_COUNT_LABEL,
    WITHHELD_LABEL,
    breakdown_withheld,
    is_confidential,
    is_small,
)
from .texts import format_count, format_decimal, format_rate

COLUMNS = ["section", "key", "code", "n", "of", "rate", "published"]
CSV_NAME = "bilan.csv"
SCHEMA_NAME = "schema.json"


def _row(section, key, code="", *, n=None, of=None, rate=None, published):
    return {
        "section": section,
        "key": key,
        "code": code,
        "n": n,
        "of": of,
        "rate": rate,
        "published": published,
    }


def _count_row(section, key, code, count):
    return _row(section, key, code, n=count, published=format_count(count))


def _rate_row(section, key, code, value):
    if is_confidential(section, key) and is_small(value["n"]):
        return _row(section, key, code, published=SMALL_COUNT_LABEL)
    return _row(
        section, key, code, n=value["n"], of=value["of"], rate=value["rate"],
        published=format_rate(value),
    )  # fmt: skip


def bilan_rows(bilan: dict) -> list[dict]:
    """Every figure of the catalogue (`definitions.py`) in `bilan`, in the JSON's order."""
    rows = []
    for section, definitions in DEFINITIONS.items():
        if section not in bilan:
            continue  # a version published before this section existed keeps its figures
        figures = bilan[section]
        for key, item in definitions.items():
            value = figures[key]
            if item.kind == RATE:
                rows.append(_rate_row(section, key, "", value))
            elif item.kind == BREAKDOWN:
                withheld = breakdown_withheld(section, key, value)
                for code, count in value.items():
                    if withheld:
                        rows.append(_row(section, key, code, published=WITHHELD_LABEL))
                    elif is_confidential(section, key) and is_small(count):
                        rows.append(_row(section, key, code, published=SMALL_COUNT_LABEL))
                    else:
                        rows.append(_count_row(section, key, code, count))
            elif item.kind == CONFIDENCE:
                for field in CONFIDENCE_FIELDS:
                    part = value[field]
                    if field == "improved_rate":
                        rows.append(_rate_row(section, key, field, part))
                    elif field == "assessed":
                        rows.append(_count_row(section, key, field, part))
                    else:  # a mean of self-ratings: no count to give
                        rows.append(_row(section, key, field, published=format_decimal(part)))
            elif item.kind == MONTHLY:
                for month in value:
                    for column in MONTHLY_COLUMNS:
                        if column == "month":
                            continue
                        count = month[column]
                        code = f"{month['month']}.{column}"
                        rows.append(_count_row(section, key, code, count))
            else:
                rows.append(_count_row(section, key, "", value))
    return rows


def bilan_csv(bilan: dict) -> str:
    """The long form as CSV text (UTF-8, comma, header line; an empty cell is a missing value)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in bilan_rows(bilan):
        writer.writerow({name: "" if value is None else value for name, value in row.items()})
    return out.getvalue()


def table_schema() -> dict:
    """The Table Schema of the CSV (https://specs.frictionlessdata.io/table-schema/)."""
    sections = list(DEFINITIONS)
    return {
        "$schema": "https://specs.frictionlessdata.io/schemas/table-schema.json",
        "fields": [
            {
                "name": "section",
                "title": "Dispositif",
                "description": (
                    "unisvers (Unis'Vers), villages (Vill@ges connectés), appointments "
                    "(rendez-vous), orientations (orientations vers les partenaires) ou "
                    "messages (SMS et e-mails envoyés)."
                ),
                "type": "string",
                "constraints": {"required": True, "enum": sections},
            },
            {
                "name": "key",
                "title": "Indicateur",
                "description": "Code de l'indicateur (clé du bilan ceis.bilan/1).",
                "type": "string",
                "constraints": {
                    "required": True,
                    "enum": sorted({key for keys in DEFINITIONS.values() for key in keys}),
                },
            },
            {
                "name": "code",
                "title": "Modalité",
                "description": (
                    "Code de la modalité d'une répartition, partie d'un indicateur composé, ou "
                    "mois (AAAA-MM.mesure) ; vide pour un indicateur simple."
                ),
                "type": "string",
                "constraints": {"pattern": r"[a-z0-9_]+|\d{4}-\d{2}\.[a-z_]+"},
            },
            {
                "name": "n",
                "title": "Effectif",
                "description": "Nombre compté ; vide quand la règle de publication le masque.",
                "type": "integer",
                "constraints": {"minimum": 0},
            },
            {
                "name": "of",
                "title": "Dénominateur",
                "description": "Dénominateur d'un taux ; vide pour un effectif ou s'il est masqué.",
                "type": "integer",
                "constraints": {"minimum": 0},
            },
            {
                "name": "rate",
                "title": "Taux",
                "description": (
                    "n / of arrondi à 4 décimales ; vide si of vaut 0 ou s'il est masqué."
                ),
                "type": "number",
                "constraints": {"minimum": 0},
            },
            {
                "name": "published",
                "title": "Valeur publiée",
                "description": (
                    "Le chiffre tel qu'un lecteur le voit, règle de publication appliquée : "
                    "« moins de 5 » pour un effectif de 1 à 4 des indicateurs confidentiels, "
                    "« non publié » pour une répartition retenue entière, « — » si non calculable."
                ),
                "type": "string",
                "constraints": {"required": True},
            },
        ],
        "missingValues": [""],
    }


def datapackage(name: str, title: str) -> dict:
    return {
        "name": name,
        "title": title,
        "licenses": [{"name": "etalab-2.0", "title": "Licence Ouverte / Open Licence 2.0"}],
        "resources": [
            {
                "name": "bilan",
                "path": CSV_NAME,
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": SCHEMA_NAME,
            }
        ],
    }


def opendata_zip(bilan: dict, *, name: str, title: str) -> bytes:
    """The CSV, its `schema.json` and a `datapackage.json` that binds them, in one ZIP file."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(CSV_NAME, bilan_csv(bilan))
        archive.writestr(SCHEMA_NAME, json.dumps(table_schema(), ensure_ascii=False, indent=2))
        archive.writestr(
            "datapackage.json",
            json.dumps(datapackage(name, title), ensure_ascii=False, indent=2),
        )
    return buffer.getvalue()
