"""Shapes shared by every indicator: periods, months, rates, breakdowns, ages, local dates.

Everything here is either pure Python on a handful of already-aggregated numbers, or a database
expression; nothing iterates over rows.
"""

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.db.models import (
    Case,
    DateField,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Replace, Substr, TruncDate, TruncMonth
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
    def instants(self) -> tuple[datetime.datetime, datetime.datetime]:
        """`[local midnight of start, local midnight after end)`: a date-time is in the period
        exactly when its local date is. Comparing the stored UTC values with these two bounds
        lets the database use an index, and converts no row."""
        zone = ZoneInfo(settings.TIME_ZONE)
        following = self.end + datetime.timedelta(days=1)
        return (
            datetime.datetime.combine(self.start, datetime.time(0), zone),
            datetime.datetime.combine(following, datetime.time(0), zone),
        )

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


def month_of(day):
    """The month of a date (field name or expression), to group by: its first day on
    PostgreSQL (`date_trunc`), its "YYYY-MM" text on SQLite, where a date is text and Django's
    `TruncMonth` would call Python for every row. `month_label()` reads either."""
    day = F(day) if isinstance(day, str) else day
    if connection.vendor == "sqlite":
        return Substr(day, 1, 7)
    return TruncMonth(day, output_field=DateField())


def month_label(month) -> str:
    """ "YYYY-MM" from what `month_of` gives back (a date or the text itself)."""
    return month if isinstance(month, str) else f"{month.year:04d}-{month.month:02d}"


def _utc_offsets(period: Period) -> list[tuple[datetime.datetime, datetime.datetime, int]]:
    """`(from, to, seconds)`: the project time zone's UTC offset on the intervals covering the
    period (and a day either side), from zoneinfo's transitions, found by bisection."""
    zone = ZoneInfo(settings.TIME_ZONE)
    moment = datetime.datetime.combine(
        period.start - datetime.timedelta(days=1), datetime.time(0), datetime.UTC
    )
    last = datetime.datetime.combine(
        period.end + datetime.timedelta(days=2), datetime.time(0), datetime.UTC
    )

    def offset(at):
        return int(at.astimezone(zone).utcoffset().total_seconds())

    intervals, begin, current = [], moment, offset(moment)
    day = datetime.timedelta(days=1)
    while moment < last:
        step = min(moment + day, last)
        if offset(step) != current:
            low, high = moment, step  # the change happens in (low, high]
            while high - low > datetime.timedelta(seconds=1):
                middle = low + (high - low) / 2
                low, high = (middle, high) if offset(middle) == current else (low, middle)
            intervals.append((begin, high, current))
            begin, current = high, offset(high)
        moment = step
    intervals.append((begin, last, current))
    return intervals


def local_date(expression, period: Period):
    """The calendar date, in the project's time zone, of a date-time (field name or
    expression), for values in `period` (any other value may get a wrong date: filter them
    out in the same query).

    PostgreSQL converts natively (`AT TIME ZONE`). SQLite has no time zones, and Django's
    conversion calls Python once per row; here SQLite's own `date(value, '+N seconds')` adds the
    offset of the interval the value falls in (winter or summer time), so nothing leaves C."""
    if connection.vendor != "sqlite":
        return TruncDate(expression, tzinfo=ZoneInfo(settings.TIME_ZONE))
    expression = F(expression) if isinstance(expression, str) else expression
    *changes, (_, _, final) = _utc_offsets(period)
    # The intervals follow each other: the first one whose end is after the value holds it.
    shift = Case(
        *(
            When(LessThan(expression, end), then=Value(f"{seconds:+d} seconds"))
            for _, end, seconds in changes
        ),
        default=Value(f"{final:+d} seconds"),
        output_field=TextField(),
    )
    return Func(expression, shift, function="date", output_field=DateField())


def date_key(expression):
    """A date as the integer YYYYMMDD, portably, naming the date once (an expression such as
    a subquery is then evaluated once). PostgreSQL formats it with `to_char`; on SQLite a date
    is the text YYYY-MM-DD, and dropping the hyphens is the key, without Django's per-row
    Python date functions."""
    expression = F(expression) if isinstance(expression, str) else expression
    if connection.vendor == "sqlite":
        return Cast(Replace(expression, Value("-"), Value("")), IntegerField())
    digits = Func(expression, Value("YYYYMMDD"), function="to_char", output_field=TextField())
    return Cast(digits, IntegerField())


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
