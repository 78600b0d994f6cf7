"""The reference definition of the bilan: every indicator written with the Django ORM, one
module per section (`unisvers.py`, `villages.py`, `appointments.py`, `orientations.py`,
`messages.py`), in the words of docs/indicators.md.

The application runs the hand-written statements of `statements.py` instead (`compute_bilan`):
for one site the ORM's 16 queries cost as much Python as database time. This definition stays
the one to read and to change first; `reporting/tests/test_bilan_sql_baseline.py` proves the
statements give exactly its result, and `bench/bilan_bench.py` times both.
"""

import datetime

from ceis.models import Site

from . import appointments, envelope, messages, orientations, resolve_site, unisvers, villages
from .codes import Programme, Section
from .common import Period

__all__ = ["compute_reference_bilan"]


def compute_reference_bilan(
    *, date_from: datetime.date, date_to: datetime.date, site: Site | str | None = None
) -> dict:
    """What `compute_bilan` returns (same arguments, same result), computed by the ORM modules:
    15 queries, or 16 for a calendar year (which reads the targets), plus one to resolve a site
    code, whatever the amount of data."""
    period = Period(date_from, date_to)
    site = resolve_site(site)
    return envelope(
        period,
        site,
        {
            Programme.UNISVERS: unisvers.compute(period, site),
            Programme.VILLAGES: villages.compute(period, site),
            Section.APPOINTMENTS: appointments.compute(period, site),
            Section.ORIENTATIONS: orientations.compute(period, site),
            Section.MESSAGES: messages.compute(period, site),
        },
    )
