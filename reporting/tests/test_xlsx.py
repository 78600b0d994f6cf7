"""The XLSX holds the JSON's values, with the publication rule applied."""

import datetime
import io

import pytest
from openpyxl import load_workbook

from reporting.indicators import compute_bilan
from reporting.indicators.compare import compute_with_previous, compute_years
from reporting.indicators.definitions import (
    BREAKDOWN,
    CONFIDENCE,
    DEFINITIONS,
    MONTHLY,
    RATE,
)
from reporting.indicators.publication import SMALL_COUNT_LABEL, published_count, published_rate
from reporting.xlsx import HEADER, MONTHLY_TITLE, YEARS_TITLE, build_bilan_xlsx
from unisvers.choices import DropoutReason, ExitOutcome
from villages.tests.factories import IndividualHelpFactory, RegistrationFactory

from .helpers import D, cohort, enrollment, person, session_at

pytestmark = pytest.mark.django_db

SHEETS = {
    "unisvers": "Unis'Vers",
    "villages": "Vill@ges connectés",
    "appointments": "Rendez-vous",
    "orientations": "Orientations",
    "messages": "Messages",
}


@pytest.fixture
def bilan(site):
    group = cohort(site, D(2019, 1, 7), D(2019, 12, 20))
    for index in range(7):
        enrollment(
            group,
            person(site, birth_year=1980),
            household="seul",
            domestic_violence=index < 2,  # 2 of 7: a small count
            exit_date=D(2019, 6, 28),
            exit_outcome=ExitOutcome.ABANDON if index < 6 else ExitOutcome.EMPLOI_DURABLE,
            # 5 dropouts for health (published), 1 for moving (hidden).
            dropout_reason=(
                "" if index == 6 else DropoutReason.DEMENAGEMENT if index == 5 else "sante"
            ),
            confidence_entry=3,
            confidence_exit=5 + index % 2,
        )
    who = person(site)
    IndividualHelpFactory(site=site, person=who, date=D(2019, 2, 4))
    RegistrationFactory(session=session_at(site, D(2019, 3, 4)), person=who, present=True)
    return compute_bilan(date_from=D(2019, 1, 1), date_to=D(2019, 12, 31))


def rows_by_key(sheet) -> dict:
    rows = {}
    for row in sheet.iter_rows(min_row=2, values_only=True):
        if row[0] == MONTHLY_TITLE:
            break
        rows[row[0]] = row
    return rows


def monthly_rows(sheet) -> list:
    values = list(sheet.iter_rows(values_only=True))
    start = next(i for i, row in enumerate(values) if row[0] == MONTHLY_TITLE)
    return values[start + 2 :]


def test_xlsx_values_equal_the_json(bilan):
    workbook = load_workbook(io.BytesIO(build_bilan_xlsx(bilan)))
    assert workbook.sheetnames == ["Bilan", *SHEETS.values()]
    cover = {row[0]: row[1] for row in workbook["Bilan"].iter_rows(values_only=True)}
    # Real dates, shown as 01/01/2019 (ux.md: never ISO in what a person reads).
    assert cover["Du"] == datetime.datetime(2019, 1, 1)
    assert cover["Au"] == datetime.datetime(2019, 12, 31)
    assert workbook["Bilan"]["B3"].number_format == "DD/MM/YYYY"
    assert cover["Site"] == "Tous les sites"

    for programme, title in SHEETS.items():
        sheet = workbook[title]
        assert [cell.value for cell in sheet[1]] == HEADER
        rows = rows_by_key(sheet)
        figures = bilan[programme]
        for key, definition in DEFINITIONS[programme].items():
            row = rows[key]
            assert row[1] == definition.label
            assert row[5] == definition.definition
            value = figures[key]
            if definition.kind == RATE:
                published = published_rate(programme, key, value)
                assert (row[2], row[3], row[4]) == (
                    published["rate"],
                    published["n"],
                    published["of"],
                ), key
            elif definition.kind == BREAKDOWN:
                for code, count in value.items():
                    assert rows[f"{key}.{code}"][2] == published_count(programme, key, count)
                    assert rows[f"{key}.{code}"][1] == definition.code_labels()[code]
            elif definition.kind == CONFIDENCE:
                for field in ("assessed", "mean_entry", "mean_exit"):
                    assert rows[f"{key}.{field}"][2] == value[field]
                improved = rows[f"{key}.improved_rate"]
                assert (improved[2], improved[3], improved[4]) == (
                    value["improved_rate"]["rate"],
                    value["improved_rate"]["n"],
                    value["improved_rate"]["of"],
                )
            elif definition.kind == MONTHLY:
                table = monthly_rows(sheet)
                assert table == [
                    (
                        m["month"],
                        m["people"],
                        m["attended"],
                        m["individual_helps"],
                        None,
                        None,
                        None,
                    )
                    for m in value
                ]
            else:
                assert row[2] == value, key


def test_xlsx_applies_the_small_count_rule_but_not_elsewhere(bilan):
    uv = bilan["unisvers"]
    # The JSON keeps exact figures.
    assert uv["domestic_violence_rate"] == {"n": 2, "of": 7, "rate": 0.2857}
    assert uv["dropout_reasons"]["demenagement"] == 1
    assert uv["dropout_reasons"]["sante"] == 5

    rows = rows_by_key(load_workbook(io.BytesIO(build_bilan_xlsx(bilan)))["Unis'Vers"])

    violence = rows["domestic_violence_rate"]
    assert violence[3] == SMALL_COUNT_LABEL
    assert violence[4] == 7
    assert violence[2] != 0.2857  # the percentage would give the count back
    assert rows["dropout_reasons.demenagement"][2] == SMALL_COUNT_LABEL
    assert rows["dropout_reasons.sante"][2] == 5
    assert rows["dropout_reasons.autre"][2] == 0
    # Other small counts are published as they are.
    assert rows["outcomes.emploi_durable"][2] == 1
    assert rows["confidence.assessed"][2] == 7
    assert rows["confidence.mean_exit"][2] == 5.43  # (4 × 5 + 3 × 6) / 7 = 5.428…


def test_xlsx_of_an_empty_bilan_keeps_nulls_empty(site):
    bilan = compute_bilan(date_from=D(2019, 1, 1), date_to=D(2019, 3, 31), site=site)
    workbook = load_workbook(io.BytesIO(build_bilan_xlsx(bilan)))
    rows = rows_by_key(workbook["Unis'Vers"])
    assert rows["target"][2] is None
    assert rows["attendance_rate"][2:5] == (None, 0, 0)
    assert [row[0] for row in monthly_rows(workbook["Vill@ges connectés"])] == [
        "2019-01",
        "2019-02",
        "2019-03",
    ]
    cover = {row[0]: row[1] for row in workbook["Bilan"].iter_rows(values_only=True)}
    assert cover["Site"] == "CEIS"


@pytest.fixture
def compared(site):
    """2018: 4 exits of which 3 positive; 2019: 5 exits of which 4 positive, 1 dropout."""
    for year, positive, dropouts in ((2018, 3, 1), (2019, 4, 1)):
        group = cohort(site, D(year, 1, 7), D(year, 6, 28))
        for index in range(positive + dropouts):
            enrollment(
                group,
                person(site),
                exit_date=D(year, 6, 28),
                exit_outcome=ExitOutcome.IAE if index < positive else ExitOutcome.ABANDON,
                dropout_reason="" if index < positive else "sante",
            )
    return compute_with_previous(date_from=D(2019, 1, 1), date_to=D(2019, 12, 31))


def test_a_compared_bilan_has_the_previous_value_and_the_change(compared):
    workbook = load_workbook(io.BytesIO(build_bilan_xlsx(compared)))
    sheet = workbook[SHEETS["unisvers"]]
    assert [cell.value for cell in sheet[1]][3:7] == [
        "Numérateur",
        "Dénominateur",
        "Année précédente",
        "Évolution",
    ]
    rows = rows_by_key(sheet)
    # Counts: the previous count and the change as a fraction (+25 %).
    assert rows["participants"][2] == 5 and rows["participants"][5] == 4
    assert rows["participants"][6] == 0.25
    # Rates: the previous rate and the change in points (80 % against 75 %: +5 points).
    assert rows["positive_exit_rate"][2] == 0.8 and rows["positive_exit_rate"][5] == 0.75
    assert rows["positive_exit_rate"][6] == 5.0
    cover = {row[0]: row[1] for row in workbook["Bilan"].iter_rows(values_only=True)}
    assert cover["Comparé au"] == datetime.datetime(2018, 1, 1)


def test_a_small_count_hidden_this_year_shows_no_change(compared):
    """The dropouts for health are 1 each year: "moins de 5" both years, and no change that
    would give the count back."""
    sheet = load_workbook(io.BytesIO(build_bilan_xlsx(compared)))[SHEETS["unisvers"]]
    row = rows_by_key(sheet)["dropout_reasons.sante"]
    assert row[2] == SMALL_COUNT_LABEL and row[5] == SMALL_COUNT_LABEL
    assert row[6] is None


def test_years_get_a_sheet_of_the_key_figures_year_by_year(site):
    group = cohort(site, D(2018, 3, 5), D(2018, 4, 13))
    enrollment(group, person(site), exit_date=D(2018, 4, 13), exit_outcome=ExitOutcome.IAE)
    years = compute_years(first=2017, last=2019)
    workbook = load_workbook(io.BytesIO(build_bilan_xlsx({**years[-1], "years": years})))
    sheet = workbook[YEARS_TITLE]
    assert [cell.value for cell in sheet[1]] == ["Clé", "Indicateur", "2017", "2018", "2019"]
    assert rows_by_key(sheet)["participants"][2:] == (0, 1, 0)
