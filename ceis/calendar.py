"""The calendar both programmes share: French public holidays.

The one source of holidays for every calendar of the project (a cohort's meeting days, the
data package's, the agendas), read from the `holidays` package, which keeps each holiday's
history and France's subdivisions.
"""

import datetime
import functools

import holidays


def public_holidays(
    start: datetime.date, end: datetime.date, *, subdivision: str | None = None
) -> dict[datetime.date, str]:
    """French public holidays from `start` to `end` (both included), date → French name, in order.

    Metropolitan France by default; `subdivision` is one of the `holidays` package's codes for
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
