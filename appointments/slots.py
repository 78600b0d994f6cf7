"""Free slots: an agent's opening hours on a day, minus public holidays, absences and the
appointments that hold their time, cut in slots of the chosen duration (pure functions)."""

import datetime
from dataclasses import dataclass

from django.utils import timezone


@dataclass(frozen=True)
class Window:
    start: datetime.datetime
    end: datetime.datetime


def opening_windows(day: datetime.date, hours) -> list[Window]:
    """The day's opening hours (`start`/`end` times of `OpeningHours` rows of that weekday) as
    local datetimes, in order."""
    tz = timezone.get_current_timezone()
    windows = [
        Window(
            datetime.datetime.combine(day, h.start, tzinfo=tz),
            datetime.datetime.combine(day, h.end, tzinfo=tz),
        )
        for h in hours
        if h.weekday == day.weekday()
    ]
    return sorted(windows, key=lambda w: w.start)


def free_slots(
    *,
    day: datetime.date,
    hours,
    taken,
    duration_min: int,
    holidays=(),
    not_before: datetime.datetime | None = None,
) -> list[datetime.datetime]:
    """The starts of the free slots of `duration_min` minutes on `day`.

    `hours`: the agent's opening hours at the site (any weekday); `taken`: (start, end) pairs
    that hold the agent's time (busy appointments on every site, absences); `holidays`: dates
    without any slot; `not_before`: no slot starting earlier (now, for today). A slot that
    meets something taken starts again at its end, so that a 9 h 15 appointment leaves 9 h 45
    free rather than a whole half-hour lost.
    """
    if day in holidays or duration_min <= 0:
        return []
    length = datetime.timedelta(minutes=duration_min)
    taken = sorted(taken)
    slots = []
    for window in opening_windows(day, hours):
        start = window.start
        while start + length <= window.end:
            end = start + length
            blocking = [t_end for t_start, t_end in taken if t_start < end and t_end > start]
            if blocking:
                start = max(blocking).astimezone(
                    window.start.tzinfo
                )  # read from the database in UTC
                continue
            if not_before is None or start >= not_before:
                slots.append(start)
            start = end
    return slots
