"""The bilan's indicators: `compute_bilan()` is the only source of every published figure.

The dashboard, the JSON of `manage.py bilan`, the XLSX and the PDF all read its result; the
definitions they print come from `definitions.py`, the small-count rule from `publication.py`.

Two computations of the same figures live here (issue #17):
- `compute_bilan` (this module) is what the application runs: the six hand-written SQL
  statements of `statements.py`, one per section and one for the anonymous attendees.
- `reference.compute_reference_bilan` is the readable definition of every indicator, with the
  Django ORM, one module per section (`unisvers.py`, `villages.py`, `appointments.py`,
  `orientations.py`, `messages.py`); it is what the statements are proved equal to, key by key,
  by `reporting/tests/test_bilan_sql_baseline.py` on both engines.
"""

import datetime

from ceis.models import Site

from . import statements
from .common import Period

SCHEMA = "ceis.bilan/1"

__all__ = ["SCHEMA", "compute_bilan"]


def compute_bilan(
    *, date_from: datetime.date, date_to: datetime.date, site: Site | str | None = None
) -> dict:
    """The whole `ceis.bilan/1` structure for `[date_from, date_to]` (both included).

    `site` is a `Site`, a site code or `None` for every site. Raises `ValueError` when
    `date_from` is after `date_to` and `Site.DoesNotExist` for an unknown code. The number of
    queries is fixed (6, plus one to resolve a site code), whatever the amount of data.
    """
    period = Period(date_from, date_to)
    site = resolve_site(site)
    return envelope(period, site, statements.sections(period, site))


def resolve_site(site: Site | str | None) -> Site | None:
    """The `Site` of a code (one query), or the `Site` or `None` given."""
    return Site.objects.get(code=site) if isinstance(site, str) else site


def envelope(period: Period, site: Site | None, sections: dict) -> dict:
    """The top level of `ceis.bilan/1` around the five sections."""
    return {
        "schema": SCHEMA,
        "period": {"from": period.start.isoformat(), "to": period.end.isoformat()},
        "site": site.code if site is not None else None,
        "generated_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        **sections,
    }
