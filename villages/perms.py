"""Who may do what in Vill@ges connectés. Views, templates and navigation ask these functions.

- `mediateur_numerique`: everything of the programme on their sites.
- `volontaire`: free-access visits, checking people in at a session (including a walk-in, with a
  minimal person record, granted by the core), and nothing else: no help record, no assessment,
  no session planning, no person's Vill@ges history.
- `manager`: read-only catalogue and session calendar with figures (seats, attendance); no names.
- `admin`: everything.
"""

import datetime

from django.utils import timezone

from ceis.choices import Role

_MEDIATOR = [
    "view_workshop",
    "add_workshop",
    "change_workshop",
    "delete_workshop",
    "view_session",
    "add_session",
    "change_session",
    "delete_session",
    "view_registration",
    "add_registration",
    "change_registration",
    "checkin_registration",
    "view_individualhelp",
    "add_individualhelp",
    "change_individualhelp",
    "delete_individualhelp",
    "view_visit",
    "add_visit",
    "view_assessment",
    "add_assessment",
]

ROLE_PERMISSIONS = {
    Role.MEDIATEUR_NUMERIQUE: _MEDIATOR,
    Role.VOLONTAIRE: ["view_session", "checkin_registration", "view_visit", "add_visit"],
    Role.MANAGER: ["view_workshop", "view_session"],
    Role.ADMIN: [*_MEDIATOR, "delete_registration", "delete_visit", "delete_assessment"],
    Role.TRAVAILLEUR_SOCIAL: [],
}


def can_view_workshops(user) -> bool:
    return user.has_perm("villages.view_workshop")


def can_manage_workshops(user) -> bool:
    return user.has_perm("villages.change_workshop")


def can_view_sessions(user) -> bool:
    return user.has_perm("villages.view_session")


def can_manage_sessions(user) -> bool:
    return user.has_perm("villages.change_session")


def can_view_registrations(user) -> bool:
    """Names of the people registered to a session."""
    return user.has_perm("villages.view_registration")


def can_register(user) -> bool:
    return user.has_perm("villages.add_registration")


def can_checkin(user) -> bool:
    return user.has_perm("villages.checkin_registration")


def can_view_helps(user) -> bool:
    return user.has_perm("villages.view_individualhelp")


def can_log_help(user) -> bool:
    return user.has_perm("villages.add_individualhelp")


def leads_sessions(user) -> bool:
    """Mediators lead the sessions they plan: a new session names them as its facilitator."""
    return user.has_role(Role.MEDIATEUR_NUMERIQUE)


def can_log_visit(user) -> bool:
    return user.has_perm("villages.add_visit")


# A visit counted by mistake is undone by whoever counted it, within this time; later (or
# another's), only by a role that may delete visits (admins).
VISIT_UNDO_WINDOW = datetime.timedelta(minutes=15)


def can_undo_visit(user, visit, *, now=None) -> bool:
    if user.has_perm("villages.delete_visit"):
        return True
    recent = (now or timezone.now()) - visit.created_at <= VISIT_UNDO_WINDOW
    return can_log_visit(user) and visit.recorded_by_id == user.pk and recent


def can_assess(user) -> bool:
    return user.has_perm("villages.add_assessment")


def can_view_person_history(user) -> bool:
    """A person's Vill@ges history (registrations, helps, visits, assessments)."""
    return user.has_perm("villages.view_individualhelp") and user.has_perm(
        "villages.view_assessment"
    )
