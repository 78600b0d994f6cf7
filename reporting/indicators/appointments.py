"""Appointment indicators (indicators.md, "Added keys", section `appointments`): one aggregate
query whatever the amount of data. This module is the reference definition
(`reference.compute_reference_bilan`); the bilan the application publishes runs the equal
hand-written statement of `statements.py`.

Readings of the spec (also in docs/indicators.md):
- An appointment is dated by the local date (Europe/Paris) of its start, compared through the
  UTC instants of the period's local midnights, like a session.
- With `--site`, an appointment counts for its own site.
- `booked` counts every status, cancelled (`excuse`) ones included; `no_show_rate` compares
  `non_honore` with the appointments whose outcome is known (`honore` + `non_honore`): an
  appointment still `prevu` or cancelled is in neither.
- `people`: distinct persons with at least one `honore` appointment in the period. An
  appointment alone never makes a person "reached" for `villages.people`.
"""

from django.db.models import Count, Q

from appointments.choices import AppointmentKind, AppointmentStatus
from appointments.models import Appointment

from .codes import AppointmentsCode
from .common import Period, breakdown, rate


def appointments_in(period: Period, site):
    start, end = period.instants
    appointments = Appointment.objects.filter(start__gte=start, start__lt=end)
    return appointments.filter(site=site) if site is not None else appointments


def compute(period: Period, site) -> dict:
    counts = {"booked": Count("id")}
    for code in AppointmentStatus.values:
        counts[f"status:{code}"] = Count("id", filter=Q(status=code))
    for code in AppointmentKind.values:
        counts[f"kind:{code}"] = Count("id", filter=Q(kind=code))
    counts["people"] = Count("person_id", distinct=True, filter=Q(status=AppointmentStatus.HONORE))
    row = appointments_in(period, site).order_by().aggregate(**counts)
    by_status = breakdown(AppointmentStatus, _picked(row, "status:"))
    no_show = by_status[AppointmentStatus.NON_HONORE]
    return {
        AppointmentsCode.BOOKED: int(row["booked"] or 0),
        AppointmentsCode.BY_STATUS: by_status,
        AppointmentsCode.BY_KIND: breakdown(AppointmentKind, _picked(row, "kind:")),
        AppointmentsCode.NO_SHOW_RATE: rate(no_show, by_status[AppointmentStatus.HONORE] + no_show),
        AppointmentsCode.PEOPLE: int(row["people"] or 0),
    }


def _picked(row: dict, prefix: str) -> dict:
    return {key[len(prefix) :]: value for key, value in row.items() if key.startswith(prefix)}
