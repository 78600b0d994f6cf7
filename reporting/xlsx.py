"""The bilan as an XLSX workbook (openpyxl): a cover sheet, then one sheet per section (the two
programmes, then appointments, orientations and messages) with
every indicator (key, label, value, numerator, denominator, definition), each breakdown code on
its own row, and the monthly table of Vill@ges connectés.

A bilan with `previous` (`bilan --compare`) gets two more columns after the denominator: the
previous year's value and the change (in % for counts, in points for rates); one with `years`
(`bilan --years`) gets a sheet of the key figures year by year.

It only lays out a `compute_bilan()` result; the small-count rule is `indicators.publication`.
"""

import datetime
import io

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ceis.spreadsheet import neutralise_cell

from .indicators.compare import PREVIOUS, YEARS, count_change, rate_change_points
from .indicators.definitions import (
    BREAKDOWN,
    CONFIDENCE,
    CONFIDENCE_FIELDS,
    COUNT,
    DEFINITIONS,
    MONTHLY,
    MONTHLY_COLUMNS,
    NULLABLE_COUNT,
    RATE,
    SECTIONS,
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
COMPARE_HEADER = ["Année précédente", "Évolution"]
COMPARE_WIDTHS = [16, 14]
MONTHLY_TITLE = "Activité mensuelle"
YEARS_TITLE = "Évolution annuelle"
PERCENT = "0.00%"
CHANGE_PERCENT = '+0" %";-0" %";0" %"'
CHANGE_POINTS = '+0.0" point";-0.0" point";0" point"'
DATE = "DD/MM/YYYY"
DATE_TIME = "DD/MM/YYYY HH:MM"
BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
WRAP = Alignment(wrap_text=True, vertical="top")


def build_bilan_xlsx(bilan: dict) -> bytes:
    workbook = Workbook()
    _cover(workbook.active, bilan)
    previous = bilan.get(PREVIOUS)
    for section, title in SECTIONS.items():
        if section not in bilan:
            continue  # a bilan stored before this section existed
        _programme_sheet(
            workbook.create_sheet(title),
            section,
            bilan[section],
            previous.get(section) if previous else None,
        )
    if bilan.get(YEARS):
        _years_sheet(workbook.create_sheet(YEARS_TITLE), bilan[YEARS])
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
        ("Du", _date(bilan["period"]["from"])),
        ("Au", _date(bilan["period"]["to"])),
        ("Site", bilan["site"] or "Tous les sites"),
        ("Calculé le", _local_time(bilan["generated_at"])),
        (
            "Règle de publication",
            "Pour les victimes de violences conjugales et les raisons d'abandon, un effectif de "
            "1 à 4 est publié « moins de 5 ».",
        ),
    ]
    if bilan.get(PREVIOUS):
        period = bilan[PREVIOUS]["period"]
        rows.insert(4, ("Comparé au", _date(period["from"])))
        rows.insert(5, ("jusqu'au", _date(period["to"])))
    for row in rows:
        sheet.append(row)
        if isinstance(row[1], datetime.date):
            sheet.cell(row=sheet.max_row, column=2).number_format = (
                DATE_TIME if isinstance(row[1], datetime.datetime) else DATE
            )
            sheet.cell(row=sheet.max_row, column=2).alignment = Alignment(horizontal="left")
    sheet["A1"].font = Font(bold=True, size=14)
    for cell in sheet["A"]:
        cell.font = BOLD
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 90


def _date(iso: str) -> datetime.date:
    return datetime.date.fromisoformat(iso)


def _local_time(iso: str) -> datetime.datetime:
    """A spreadsheet cell holds no time zone: the local time, as the reader lives it."""
    return timezone.localtime(datetime.datetime.fromisoformat(iso)).replace(tzinfo=None)


def _programme_sheet(sheet, programme: str, figures: dict, previous: dict | None = None):
    compare = previous is not None
    header = list(HEADER)
    if compare:
        header[5:5] = COMPARE_HEADER
    _header(sheet, header)
    texts_at = 7 if compare else 5  # the definition's column (0-based)
    monthly = None
    for key, definition in DEFINITIONS[programme].items():
        value = figures[key]
        base = [key, definition.label]
        texts = [definition.definition, definition.denominator]
        before = previous[key] if compare else None
        if definition.kind == RATE:
            now_published = published_rate(programme, key, value)
            extra = None
            if compare:
                before_published = published_rate(programme, key, before)
                extra = (
                    before_published["rate"],
                    rate_change_points(now_published, before_published),
                )
            _rate_row(sheet, base, now_published, texts, extra)
        elif definition.kind == BREAKDOWN:
            # No total: a help with two themes counts in both, so a sum would mislead.
            sheet.append([*base, None, None, None, *([None, None] if compare else []), *texts])
            labels = definition.code_labels()
            for code, count in value.items():
                shown = published_count(programme, key, count)
                row = [f"{key}.{code}", labels[code], shown]
                if compare:
                    shown_before = published_count(programme, key, before.get(code))
                    row += [None, None, shown_before, count_change(shown, shown_before)]
                sheet.append(row)
                if compare:
                    sheet.cell(row=sheet.max_row, column=7).number_format = CHANGE_PERCENT
        elif definition.kind == CONFIDENCE:
            sheet.append([*base, None, None, None, *([None, None] if compare else []), *texts])
            for field, label in CONFIDENCE_FIELDS.items():
                row = [f"{key}.{field}", label]
                if field == "improved_rate":
                    extra = None
                    if compare:
                        extra = (
                            before[field]["rate"],
                            rate_change_points(value[field], before[field]),
                        )
                    _rate_row(sheet, row, value[field], [], extra)
                else:
                    sheet.append([*row, value[field]])
        elif definition.kind == MONTHLY:
            sheet.append(
                [
                    *base,
                    f"voir le tableau « {MONTHLY_TITLE} »",
                    None,
                    None,
                    *([None, None] if compare else []),
                    *texts,
                ]
            )
            monthly = value
        else:
            row = [*base, value, None, None]
            if compare:
                row += [before, count_change(value, before)]
            sheet.append([*row, *texts])
            if compare:
                sheet.cell(row=sheet.max_row, column=7).number_format = CHANGE_PERCENT
    for row in sheet.iter_rows(min_row=2):
        row[texts_at].alignment = WRAP
        row[texts_at + 1].alignment = WRAP
    if monthly is not None:
        _monthly_table(sheet, monthly)
    widths = list(WIDTHS)
    if compare:
        widths[5:5] = COMPARE_WIDTHS
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "C2"


def _rate_row(sheet, base: list, value: dict, texts: list, compare: tuple | None = None):
    """`compare`: (the previous rate, the change in points), or None without a comparison."""
    sheet.append([*base, value["rate"], value["n"], value["of"], *(compare or ()), *texts])
    if isinstance(value["rate"], float):
        sheet.cell(row=sheet.max_row, column=3).number_format = PERCENT
    if compare is not None:
        if isinstance(compare[0], float):
            sheet.cell(row=sheet.max_row, column=6).number_format = PERCENT
        sheet.cell(row=sheet.max_row, column=7).number_format = CHANGE_POINTS


def _years_sheet(sheet, years: list[dict]):
    """The counts and rates of each programme, one column per calendar year (`bilan --years`)."""
    _header(sheet, ["Clé", "Indicateur", *(bilan["period"]["from"][:4] for bilan in years)])
    for programme, title in SECTIONS.items():
        if any(programme not in bilan for bilan in years):
            continue  # a bilan stored before this section existed
        sheet.append([None, title])
        sheet.cell(row=sheet.max_row, column=2).font = BOLD
        for key, definition in DEFINITIONS[programme].items():
            if definition.kind in (COUNT, NULLABLE_COUNT):
                sheet.append([key, definition.label, *(bilan[programme][key] for bilan in years)])
            elif definition.kind == RATE:
                rates = [published_rate(programme, key, bilan[programme][key]) for bilan in years]
                sheet.append([key, definition.label, *(rate["rate"] for rate in rates)])
                for column, rate in enumerate(rates, start=3):
                    if isinstance(rate["rate"], float):
                        sheet.cell(row=sheet.max_row, column=column).number_format = PERCENT
    sheet.column_dimensions["A"].width = 34
    sheet.column_dimensions["B"].width = 60
    sheet.freeze_panes = "C2"


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
