"""Vill@ges connectés' part of merging two persons (ceis.merge): one registration per session."""

from .choices import Attendance, RegistrationStatus

_STATUS_RANK = {
    RegistrationStatus.INSCRIT: 2,
    RegistrationStatus.LISTE_ATTENTE: 1,
    RegistrationStatus.ANNULE: 0,
}


def _rank(registration) -> tuple:
    # Present first, then the firmest status, then the earlier registration (waiting list order).
    return (
        registration.attendance == Attendance.PRESENT,
        registration.attendance == Attendance.ABSENT,
        _STATUS_RANK.get(registration.status, 0),
        -registration.registered_at.timestamp(),
    )


def registration_resolve(kept, removed):
    """Both persons registered for one session: the registration that says the most (present,
    then registered before waiting before cancelled), the kept person's on a tie."""
    return removed if _rank(removed) > _rank(kept) else kept


RESOLVERS = {"villages.Registration": registration_resolve}
