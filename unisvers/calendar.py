"""Dates of Unis'Vers: French public holidays, meeting days of a cohort, month arithmetic."""

import datetime

from .choices import Weekday


def easter_sunday(year: int) -> datetime.date:
    """Gregorian Easter (anonymous Gregorian algorithm)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    leap = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * leap) // 451
    month, day = divmod(h + leap - 7 * m + 114, 31)
    return datetime.date(year, month, day + 1)


def french_public_holidays(year: int) -> dict[datetime.date, str]:
    easter = easter_sunday(year)
    return {
        datetime.date(year, 1, 1): "Jour de l'an",
        easter + datetime.timedelta(days=1): "Lundi de Pâques",
        datetime.date(year, 5, 1): "Fête du travail",
        datetime.date(year, 5, 8): "Victoire 1945",
        easter + datetime.timedelta(days=39): "Ascension",
        easter + datetime.timedelta(days=50): "Lundi de Pentecôte",
        datetime.date(year, 7, 14): "Fête nationale",
        datetime.date(year, 8, 15): "Assomption",
        datetime.date(year, 11, 1): "Toussaint",
        datetime.date(year, 11, 11): "Armistice 1918",
        datetime.date(year, 12, 25): "Noël",
    }


def meeting_dates(
    start: datetime.date, end: datetime.date, weekdays: list[str]
) -> list[datetime.date]:
    """The dates from `start` to `end` (included) falling on `weekdays`, public holidays skipped."""
    wanted = Weekday.iso_numbers(weekdays)
    holidays = {}
    for year in range(start.year, end.year + 1):
        holidays.update(french_public_holidays(year))
    days = []
    day = start
    while day <= end:
        if day.isoweekday() in wanted and day not in holidays:
            days.append(day)
        day += datetime.timedelta(days=1)
    return days


def add_months(day: datetime.date, months: int) -> datetime.date:
    """`day` moved by `months`, clamped to the end of the month (31 May + 3 → 31 August)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    for candidate in (31, 30, 29, 28):
        try:
            return datetime.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise ValueError(day)
