"""Vill@ges printables: the attendance sheet (feuille d'émargement) of a workshop session, with
the people registered and blank rows for those who come without registering. The PDF is
rendered by `ceis.printables` (nothing fetched)."""

from django.conf import settings
from django.utils import timezone

from .choices import RegistrationStatus

# A sheet always leaves room for walk-ins, and fills its page when few are registered.
MIN_BLANK_ROWS = 5
ROWS_PER_PAGE = 17


def session_sheet(session) -> dict:
    registered = list(
        session.registrations.filter(status=RegistrationStatus.INSCRIT)
        .select_related("person")
        .order_by("person__last_name", "person__first_name", "pk")
    )
    rows = [(r.person.last_name.upper(), r.person.first_name) for r in registered]
    blank = max(MIN_BLANK_ROWS, ROWS_PER_PAGE - len(rows))
    return {
        "session": session,
        "site": session.site,
        "rows": rows,
        "blank_rows": range(len(rows) + 1, len(rows) + blank + 1),
        "organisation": settings.CEIS_ORGANISATION_NAME,
        "printed_on": timezone.localdate(),
    }
