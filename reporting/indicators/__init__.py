"""The bilan's indicators: `compute_bilan()` is the only source of every published figure.

The dashboard, the JSON of `manage.py bilan`, the XLSX and the PDF all read its result; the
definitions they print come from `definitions.py`, the small-count rule from `publication.py`.
"""

import datetime

from ceis.models import Site

from . import appointments, messages, orientations, unisvers, villages
from .codes import Programme, Section
from .common import Period

SCHEMA = "ceis.bilan/1"

__all__ = ["SCHEMA", "compute_bilan"]


def compute_bilan(
    *, date_from: datetime.date, date_to: datetime.date, site: Site | str | None = None
) -> dict:
    """The whole `ceis.bilan/1` structure for `[date_from, date_to]` (both included).

    `site` is a `Site`, a site code or `None` for every site. Raises `ValueError` when
    `date_from` is after `date_to` and `Site.DoesNotExist` for an unknown code. The number of
    queries is fixed (15, or 16 for a calendar year, plus one to resolve a site code), whatever
    the amount of data.
    """
    period = Period(date_from, date_to)
    if isinstance(site, str):
        site = Site.objects.get(code=site)
    return {
        "schema": SCHEMA,
        "period": {"from": date_from.isoformat(), "to": date_to.isoformat()},
        "site": site.code if site is not None else None,
        "generated_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        Programme.UNISVERS: unisvers.compute(period, site),
        Programme.VILLAGES: villages.compute(period, site),
        Section.APPOINTMENTS: appointments.compute(period, site),
        Section.ORIENTATIONS: orientations.compute(period, site),
        Section.MESSAGES: messages.compute(period, site),
    }
