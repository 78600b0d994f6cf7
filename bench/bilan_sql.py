"""The bilan's sections (`unisvers`, `villages`, `appointments`, `orientations`, `messages`) in
hand-written SQL: the baseline of `bench/bilan_bench.py` and `bench/bilan_explain.py`.

The statements are the application's own (`reporting/indicators/statements.py`, what
`compute_bilan` runs since issue #17): the best hand-written SQL we have is the one the
application sends. This wrapper adds only what a bare SQL client would do, finding the site's
id from its code in one query, so that the benchmarks time the statements without Django's
model layer around them.

    bilan_sql(connection, date_from, date_to, site_code=None)
        -> {"unisvers": …, "villages": …, "appointments": …, "orientations": …, "messages": …}
"""

import datetime

from ceis.models import Site
from reporting.indicators.common import Period
from reporting.indicators.statements import SECTIONS, sections

__all__ = ["SECTIONS", "bilan_sql"]


def bilan_sql(connection, date_from: datetime.date, date_to: datetime.date, site_code=None):
    """The five sections for `[date_from, date_to]`, every site or one site (by code), comparable
    key by key with `compute_bilan`'s. Raises `LookupError` for an unknown code."""
    period = Period(date_from, date_to)
    site = None
    if site_code is not None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT id FROM ceis_site WHERE code = %s", [site_code])
            found = cursor.fetchone()
        if found is None:
            raise LookupError(f"Site inconnu : {site_code}")
        site = Site(pk=found[0], code=site_code)  # the id is all the statements read
    return sections(period, site, connection=connection)
