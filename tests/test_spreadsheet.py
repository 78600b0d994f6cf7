"""No live formula in files meant for spreadsheets, and an exact data package round trip
(security.md row 22)."""

import csv
import datetime
import io

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from ceis.models import Person
from ceis.package.exporter import export_package
from ceis.spreadsheet import neutralise_cell, restore_cell
from ceis.tests.factories import PersonFactory
from reporting.indicators import compute_bilan
from reporting.xlsx import build_bilan_xlsx

NAMES = [
    '=HYPERLINK("http://x","y")',
    "=cmd|' /C calc'!A0",
    "+1",
    "-2",
    "@SUM(1)",
    "\tTabulation",
    "\rRetour",
    "'Apostrophe",
    "''=deux apostrophes",
    "Dupont-Martin",
]


@pytest.mark.parametrize("value", NAMES)
def test_a_cell_is_neutralised_and_restored_exactly(value):
    written = neutralise_cell(value)
    assert not written.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert restore_cell(written) == value


def test_plain_texts_are_left_as_they_are():
    assert neutralise_cell("Dupont-Martin") == "Dupont-Martin"
    assert neutralise_cell("") == ""
    # an apostrophe typed in a file made by another tool is not a mark
    assert restore_cell("'Ti Punch") == "'Ti Punch"


def _people_rows(folder) -> dict[str, dict]:
    with open(folder / "people.csv", encoding="utf-8", newline="") as file:
        return {row["ref"]: row for row in csv.DictReader(file)}


@pytest.mark.django_db
def test_names_with_formulas_are_exported_inert_and_come_back_identical(tmp_path, site):
    people = [
        PersonFactory(site=site, last_name=name, first_name=name, commune="=1+1").public_id
        for name in NAMES
    ]
    export_package(tmp_path / "export")

    rows = _people_rows(tmp_path / "export")
    for public_id in people:
        row = rows[str(public_id)]
        for column in ("last_name", "first_name", "commune"):
            assert not row[column].startswith(("=", "+", "-", "@", "\t", "\r")), row[column]
    assert rows[str(people[0])]["last_name"] == '\'=HYPERLINK("http://x","y")'

    out = io.StringIO()
    call_command("import_package", str(tmp_path / "export"), stdout=out)
    assert f"people.csv : 0 créés, 0 modifiés, {len(NAMES)} inchangés" in out.getvalue()

    Person.objects.all().delete()
    call_command("import_package", str(tmp_path / "export"), stdout=io.StringIO())
    imported = sorted(Person.objects.values_list("last_name", "first_name", "commune"))
    assert imported == sorted((name, name, "=1+1") for name in NAMES)


@pytest.mark.django_db
def test_the_bilan_workbook_has_no_formula_even_for_a_site_named_like_one(monkeypatch):
    bilan = compute_bilan(date_from=datetime.date(2026, 1, 1), date_to=datetime.date(2026, 12, 31))
    bilan["site"] = '=HYPERLINK("http://x","y")'
    workbook = load_workbook(io.BytesIO(build_bilan_xlsx(bilan)))
    cells = [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
    assert '\'=HYPERLINK("http://x","y")' in [cell.value for cell in cells]
