"""Shapes shared by every indicator: periods, months, rates, breakdowns, ages, local dates.

Everything here is either pure Python on a handful of already-aggregated numbers, or a database
expression; nothing iterates over rows.
"""

import datetime
import math
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.db.models.functions import (
    ExtractDay,
    ExtractMonth,
    ExtractYear,
    TruncDate,
)
from django.db.models.lookups import LessThan

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


def round_half_up(value: Fraction, decimals: int) -> float:
    """Round a non-negative exact fraction half up (0.03125 → 0.0313), as a reader of a
    percentage expects; binary floats and Python's round() would give 0.0312."""
    scaled = math.floor(value * 10**decimals + Fraction(1, 2))
    return float(Decimal(scaled).scaleb(-decimals))


def rate(n: int, of: int) -> dict:
    """`{"n", "of", "rate"}`: rate = n / of to 4 decimals, `None` when `of` is 0."""
    n, of = int(n or 0), int(of or 0)
    return {"n": n, "of": of, "rate": round_half_up(Fraction(n, of), RATE_DECIMALS) if of else None}


def mean(total, count) -> float | None:
    """Exact mean of integers from their sum and count, to 2 decimals; `None` when none."""
    if not count:
        return None
    return round_half_up(Fraction(int(total), int(count)), MEAN_DECIMALS)


def breakdown(choices, counts: dict) -> dict:
    """Every code of a `TextChoices`, in the list's order, zeros included."""
    return {code: int(counts.get(code) or 0) for code in choices.values}


def local_date(field: str) -> TruncDate:
    """The calendar date of a date-time in the project's time zone: a session held on
    31 December at 23:30 in Montpellier belongs to that day, not to 1 January in UTC."""
    return TruncDate(field, tzinfo=ZoneInfo(settings.TIME_ZONE))


def age_at(reference, *, birth_date: str, birth_year: str):
    """Whole years at `reference` (an expression or field name yielding a date).

    With a birth date: the difference of years, minus one before the birthday (the person born
    on 29 February has their birthday on 1 March in common years, like `Person.age_on`). With a
    birth year only: reference year − birth year (indicators.md). Otherwise NULL.
    """
    reference = F(reference) if isinstance(reference, str) else reference
    ref_month_day = ExtractMonth(reference) * 100 + ExtractDay(reference)
    birth_month_day = ExtractMonth(birth_date) * 100 + ExtractDay(birth_date)
    before_birthday = Case(
        When(LessThan(ref_month_day, birth_month_day), then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    return Case(
        When(
            Q(**{f"{birth_date}__isnull": False}),
            then=ExtractYear(reference) - ExtractYear(birth_date) - before_birthday,
        ),
        When(
            Q(**{f"{birth_year}__isnull": False}),
            then=ExtractYear(reference) - F(birth_year),
        ),
        default=Value(None),
        output_field=IntegerField(),
    )
