"""The bilan as an XLSX workbook (openpyxl): a cover sheet, then one sheet per programme with
every indicator (key, label, value, numerator, denominator, definition), each breakdown code on
its own row, and the monthly table of Vill@ges connectés.

It only lays out a `compute_bilan()` result; the small-count rule is `indicators.publication`.
"""

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ceis.spreadsheet import neutralise_cell

from .indicators.definitions import (
    BREAKDOWN,
    CONFIDENCE,
    CONFIDENCE_FIELDS,
    DEFINITIONS,
    MONTHLY,
    MONTHLY_COLUMNS,
    PROGRAMMES,
    RATE,
)
from .indicators.publication import published_count, published_rate

HEADER = [
    "Clé",
    "Indicateur",
    "Valeur",
    "Numérateur",
    "Dénominateur",
    "Définition",
    "Base du dénominateur",
]
WIDTHS = [34, 48, 14, 14, 14, 80, 50]
MONTHLY_TITLE = "Activité mensuelle"
PERCENT = "0.00%"
BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
WRAP = Alignment(wrap_text=True, vertical="top")


def build_bilan_xlsx(bilan: dict) -> bytes:
    workbook = Workbook()
    _cover(workbook.active, bilan)
    for programme, title in PROGRAMMES.items():
        _programme_sheet(workbook.create_sheet(title), programme, bilan[programme])
    _neutralise_formulas(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _neutralise_formulas(workbook):
    """openpyxl makes a formula of any text starting with `=`: every text cell is written as
    text (security.md row 22), whatever sheet or row it came from."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.value = neutralise_cell(cell.value)


def _cover(sheet, bilan: dict):
    sheet.title = "Bilan"
    rows = [
        ("Bilan du CEIS", ""),
        ("Format", bilan["schema"]),
        ("Du", bilan["period"]["from"]),
        ("Au", bilan["period"]["to"]),
        ("Site", bilan["site"] or "Tous les sites"),
        ("Calculé le", bilan["generated_at"]),
        (
            "Règle de publication",
            "Pour les victimes de violences conjugales et les raisons d'abandon, un effectif de "
            "1 à 4 est publié « moins de 5 ».",
        ),
    ]
    for row in rows:
        sheet.append(row)
    sheet["A1"].font = Font(bold=True, size=14)
    for cell in sheet["A"]:
        cell.font = BOLD
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 90


def _programme_sheet(sheet, programme: str, figures: dict):
    _header(sheet, HEADER)
    monthly = None
    for key, definition in DEFINITIONS[programme].items():
        value = figures[key]
        base = [key, definition.label]
        texts = [definition.definition, definition.denominator]
        if definition.kind == RATE:
            _rate_row(sheet, base, published_rate(programme, key, value), texts)
        elif definition.kind == BREAKDOWN:
            # No total: a help with two themes counts in both, so a sum would mislead.
            sheet.append([*base, None, None, None, *texts])
            labels = definition.code_labels()
            for code, count in value.items():
                sheet.append(
                    [f"{key}.{code}", labels[code], published_count(programme, key, count)]
                )
        elif definition.kind == CONFIDENCE:
            sheet.append([*base, None, None, None, *texts])
            for field, label in CONFIDENCE_FIELDS.items():
                row = [f"{key}.{field}", label]
                if field == "improved_rate":
                    _rate_row(sheet, row, value[field], [])
                else:
                    sheet.append([*row, value[field]])
        elif definition.kind == MONTHLY:
            sheet.append([*base, f"voir le tableau « {MONTHLY_TITLE} »", None, None, *texts])
            monthly = value
        else:
            sheet.append([*base, value, None, None, *texts])
    for row in sheet.iter_rows(min_row=2):
        row[5].alignment = WRAP
        row[6].alignment = WRAP
    if monthly is not None:
        _monthly_table(sheet, monthly)
    for index, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "C2"


def _rate_row(sheet, base: list, value: dict, texts: list):
    sheet.append([*base, value["rate"], value["n"], value["of"], *texts])
    if isinstance(value["rate"], float):
        sheet.cell(row=sheet.max_row, column=3).number_format = PERCENT


def _monthly_table(sheet, monthly: list):
    sheet.append([])
    sheet.append([MONTHLY_TITLE])
    sheet.cell(row=sheet.max_row, column=1).font = BOLD
    _header(sheet, list(MONTHLY_COLUMNS.values()))
    for month in monthly:
        sheet.append([month[column] for column in MONTHLY_COLUMNS])


def _header(sheet, titles: list):
    sheet.append(titles)
    for cell in sheet[sheet.max_row]:
        cell.font = BOLD
        cell.fill = HEADER_FILL
