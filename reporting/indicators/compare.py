"""Comparisons over time: the same period one year earlier, and one bilan per calendar year.

`one_year_before` is the one rule for "the same day a year earlier" (29 February has no twin in a
common year: it becomes 28 February); the dashboard, `bilan --compare`, the XLSX and the PDF all
shift a period with it, so they compare the same two periods.
"""

import datetime

from ceis.models import Site

from . import compute_bilan

PREVIOUS = "previous"
# The key under which the PDF and the XLSX receive the bilans of `compute_years`.
YEARS = "years"

__all__ = [
    "PREVIOUS",
    "YEARS",
    "compute_with_previous",
    "compute_years",
    "count_change",
    "one_year_before",
    "previous_period",
    "rate_change_points",
]


def one_year_before(day: datetime.date) -> datetime.date:
    """The same day one year earlier; 29 February gives 28 February."""
    if day.month == 2 and day.day == 29:
        return day.replace(year=day.year - 1, day=28)
    return day.replace(year=day.year - 1)


def previous_period(
    date_from: datetime.date, date_to: datetime.date
) -> tuple[datetime.date, datetime.date]:
    """`[date_from, date_to]` shifted back one year, each end by `one_year_before`."""
    return one_year_before(date_from), one_year_before(date_to)


def compute_with_previous(
    *, date_from: datetime.date, date_to: datetime.date, site: Site | str | None = None
) -> dict:
    """`compute_bilan` for the period, with a top-level `previous`: the whole bilan of the same
    period one year earlier, same site (indicators.md, "Comparison with the previous period")."""
    if isinstance(site, str):
        site = Site.objects.get(code=site)
    bilan = compute_bilan(date_from=date_from, date_to=date_to, site=site)
    previous_from, previous_to = previous_period(date_from, date_to)
    bilan[PREVIOUS] = compute_bilan(date_from=previous_from, date_to=previous_to, site=site)
    return bilan


def compute_years(*, first: int, last: int, site: Site | str | None = None) -> list[dict]:
    """One bilan per calendar year from `first` to `last` (both included), oldest first."""
    if first > last:
        raise ValueError("La première année est postérieure à la dernière.")
    if isinstance(site, str):
        site = Site.objects.get(code=site)
    return [
        compute_bilan(
            date_from=datetime.date(year, 1, 1), date_to=datetime.date(year, 12, 31), site=site
        )
        for year in range(first, last + 1)
    ]


def count_change(current, previous) -> float | None:
    """The change of a count as a fraction of the previous one (0.12 for +12 %); `None` when
    there is nothing to compare with (no previous count, or zero)."""
    if not isinstance(current, int) or not isinstance(previous, int) or previous == 0:
        return None
    return round((current - previous) / previous, 4)


def rate_change_points(current: dict | None, previous: dict | None) -> float | None:
    """The change of a rate in percentage points (3.0 for 84 % → 87 %); `None` when either rate
    is unknown or hidden by the publication rules."""
    values = [(item or {}).get("rate") for item in (current, previous)]
    if not all(isinstance(value, float | int) for value in values):
        return None
    return round((values[0] - values[1]) * 100, 1)
