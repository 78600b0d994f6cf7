"""Orientation indicators (indicators.md, "Added keys", section `orientations`): one aggregate
query whatever the amount of data. This module is the reference definition
(`reference.compute_reference_bilan`); the bilan the application publishes runs the equal
hand-written statement of `statements.py`.

Readings of the spec (also in docs/indicators.md):
- An orientation is dated by its own date (`Orientation.date`), whatever its status's date.
- With `--site`, an orientation counts for the site of the record it was made from (a follow-up
  entry or an exit: its cohort's site; a help: the help's site), else for its partner's site.
  That site is stored on the orientation when it is made (`Orientation.site`, set by
  `Orientation.clean` from the same rule), so the bilan reads it without joining the records
  (here and in `statements.py`).
- `by_category`: the partner's category.
- `completed_rate`: `realisee` among the orientations of the period whose status is no longer
  `proposee` (accepted, done, refused or without follow-up).
"""

from django.db.models import Count, Q

from coordination.choices import OrientationStatus, PartnerCategory
from coordination.models import Orientation

from .codes import OrientationsCode
from .common import Period, breakdown, rate


def orientations_in(period: Period, site):
    orientations = Orientation.objects.filter(date__range=period.bounds)
    return orientations.filter(site=site) if site is not None else orientations


def compute(period: Period, site) -> dict:
    counts = {
        "count": Count("id"),
        "decided": Count("id", filter=~Q(status=OrientationStatus.PROPOSEE)),
        "done": Count("id", filter=Q(status=OrientationStatus.REALISEE)),
    }
    for code in PartnerCategory.values:
        counts[f"category:{code}"] = Count("id", filter=Q(partner__category=code))
    row = orientations_in(period, site).order_by().aggregate(**counts)
    categories = {
        key.removeprefix("category:"): value
        for key, value in row.items()
        if key.startswith("category:")
    }
    return {
        OrientationsCode.COUNT: int(row["count"] or 0),
        OrientationsCode.BY_CATEGORY: breakdown(PartnerCategory, categories),
        OrientationsCode.COMPLETED_RATE: rate(row["done"], row["decided"]),
    }
