"""French public holidays, the one source of every calendar (ceis/calendar.py)."""

from datetime import date as D

import pytest

from ceis.calendar import public_holidays


@pytest.mark.parametrize(
    "day, name",
    [
        (D(2024, 4, 1), "Lundi de Pâques"),
        (D(2025, 4, 21), "Lundi de Pâques"),
        (D(2026, 4, 6), "Lundi de Pâques"),
        (D(2027, 3, 29), "Lundi de Pâques"),
        (D(2024, 5, 20), "Lundi de Pentecôte"),
        (D(2026, 5, 25), "Lundi de Pentecôte"),
        (D(2026, 5, 14), "Ascension"),
        (D(2026, 11, 11), "Armistice"),
        (D(2030, 11, 11), "Armistice"),
    ],
)
def test_public_holidays_are_the_french_ones(day, name):
    assert public_holidays(day, day) == {day: name}


def test_public_holidays_of_a_year_in_metropolitan_france_and_in_moselle():
    year = public_holidays(D(2026, 1, 1), D(2026, 12, 31))
    assert len(year) == 11 and list(year) == sorted(year)
    assert D(2026, 4, 3) not in year  # Vendredi saint: Alsace-Moselle only
    moselle = public_holidays(D(2026, 1, 1), D(2026, 12, 31), subdivision="57")
    assert D(2026, 4, 3) in moselle and D(2026, 12, 26) in moselle
