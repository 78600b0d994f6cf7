"""Dates of Unis'Vers: French public holidays, meeting days of a cohort, month arithmetic."""

import datetime
import functools

import holidays

from .choices import Weekday


def public_holidays(
    start: datetime.date, end: datetime.date, *, subdivision: str | None = None
) -> dict[datetime.date, str]:
    """French public holidays from `start` to `end` (both included), date → French name, in order.

    The one source of holidays for every calendar of the project (a cohort's meeting days, the
    data package's, the agendas), read from the `holidays` package, which keeps each holiday's
    history. Metropolitan France by default; `subdivision` is one of the package's codes for
    France ("57" for Moselle, "974" for La Réunion…).
    """
    days = {}
    for year in range(start.year, end.year + 1):
        days.update(_holidays_of(year, subdivision))
    return {day: name for day, name in sorted(days.items()) if start <= day <= end}


@functools.cache
def _holidays_of(year: int, subdivision: str | None) -> dict[datetime.date, str]:
    # Cached: a demo or a data package computes the calendars of hundreds of cohorts.
    return dict(holidays.country_holidays("FR", subdiv=subdivision, years=year, language="fr"))


def meeting_dates(
    start: datetime.date, end: datetime.date, weekdays: list[str]
) -> list[datetime.date]:
    """The dates from `start` to `end` (included) falling on `weekdays`, public holidays skipped."""
    wanted = Weekday.iso_numbers(weekdays)
    closed = public_holidays(start, end)
    days = []
    day = start
    while day <= end:
        if day.isoweekday() in wanted and day not in closed:
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
