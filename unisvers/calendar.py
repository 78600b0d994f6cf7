"""Dates of Unis'Vers: meeting days of a cohort (public holidays skipped), month arithmetic."""

import datetime

from ceis.calendar import public_holidays

from .choices import Weekday


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
