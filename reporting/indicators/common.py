"""Shapes shared by every indicator: periods, months, rates, breakdowns, ages, local dates.

Everything here is either pure Python on a handful of already-aggregated numbers, or a database
expression; nothing iterates over rows.
"""

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import ExpressionWrapper, F, IntegerField, Value
from django.db.models.functions import (
    Cast,
    Coalesce,
    ExtractDay,
    ExtractMonth,
    ExtractYear,
    TruncDate,
)

RATE_DECIMALS = 4
MEAN_DECIMALS = 2


@dataclass(frozen=True)
class Period:
    """A closed interval of dates `[start, end]` (both included)."""

    start: datetime.date
    end: datetime.date

    def __post_init__(self):
        if self.start > self.end:
            raise ValueError("La date de début est postérieure à la date de fin.")

    @property
    def bounds(self) -> tuple[datetime.date, datetime.date]:
        """For `__range` lookups, which include both ends like the spec."""
        return (self.start, self.end)

    @property
    def calendar_year(self) -> int | None:
        """The year when the period is exactly 1 January → 31 December of one year."""
        if (
            self.start.year == self.end.year
            and (self.start.month, self.start.day) == (1, 1)
            and (self.end.month, self.end.day) == (12, 31)
        ):
            return self.start.year
        return None

    def months(self) -> list["Month"]:
        """Every calendar month the period touches, in order, clipped to the period."""
        months = []
        year, month = self.start.year, self.start.month
        while (year, month) <= (self.end.year, self.end.month):
            first = datetime.date(year, month, 1)
            following = datetime.date(year + month // 12, month % 12 + 1, 1)
            last = following - datetime.timedelta(days=1)
            months.append(
                Month(
                    label=f"{year:04d}-{month:02d}",
                    period=Period(max(first, self.start), min(last, self.end)),
                )
            )
            year, month = following.year, following.month
        return months


@dataclass(frozen=True)
class Month:
    label: str  # "2019-01"
    period: Period  # the part of the month inside the bilan's period


def rate(n: int, of: int) -> dict:
    """`{"n", "of", "rate"}`: rate = n / of rounded to 4 decimals, `None` when `of` is 0.

    Rounding is Python's `round()` of the quotient, the plain reading of "rounded to 4
    decimals": a tie at the 5th decimal is decided on the binary float (1/32 = 0.03125 is exact
    and goes to even: 0.0312); every other quotient rounds to the nearest."""
    n, of = int(n or 0), int(of or 0)
    return {"n": n, "of": of, "rate": round(n / of, RATE_DECIMALS) if of else None}


def mean(total, count) -> float | None:
    """Mean of integers from their sum and count, rounded like `rate` to 2 decimals; `None`
    when there is none."""
    if not count:
        return None
    return round(int(total) / int(count), MEAN_DECIMALS)


def breakdown(choices, counts: dict) -> dict:
    """Every code of a `TextChoices`, in the list's order, zeros included."""
    return {code: int(counts.get(code) or 0) for code in choices.values}


def local_date(field: str) -> TruncDate:
    """The calendar date of a date-time in the project's time zone: a session held on
    31 December at 23:30 in Montpellier belongs to that day, not to 1 January in UTC."""
    return TruncDate(field, tzinfo=ZoneInfo(settings.TIME_ZONE))


def date_key(expression):
    """A date as the integer YYYYMMDD, portably. The cast matters: PostgreSQL's EXTRACT returns
    a numeric, and numeric division would turn whole years into fractions."""
    expression = F(expression) if isinstance(expression, str) else expression
    return Cast(
        ExtractYear(expression) * 10000 + ExtractMonth(expression) * 100 + ExtractDay(expression),
        IntegerField(),
    )


def birth_key(*, birth_date: str, birth_year: str):
    """The birth date as YYYYMMDD; a person known only by birth year counts as born on
    1 January, which makes their age "reference year − birth year" as indicators.md says.
    NULL when neither is known. The birth date wins when both are set (like `Person.age_on`)."""
    return Coalesce(
        date_key(birth_date),
        F(birth_year) * 10000 + Value(101),
        output_field=IntegerField(),
    )


def age_from_keys(reference_key, birth):
    """Whole years between two YYYYMMDD integers: (reference − birth) div 10000 counts the
    birthdays passed, so the person born on 29 February turns a year older on 1 March in
    common years, like `Person.age_on`. NULL when the birth is unknown."""
    return ExpressionWrapper((reference_key - birth) / Value(10000), output_field=IntegerField())


def age_at(reference, *, birth_date: str, birth_year: str):
    """Whole years at `reference` (a date field name or expression), see `age_from_keys`."""
    return age_from_keys(
        date_key(reference), birth_key(birth_date=birth_date, birth_year=birth_year)
    )
