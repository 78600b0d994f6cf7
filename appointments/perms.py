"""Who may do what with appointments. Views, templates, navigation and selectors ask these
functions.

- `travailleur_social`, `mediateur_numerique`: the agents. They read the agendas of their sites,
  book, move and cancel, and declare their own opening hours and absences.
- `admin`: everything, on every site.
- `manager`: nothing nominative (the bilan's aggregates only); `volontaire`: nothing.
"""

from ceis.choices import Role

AGENT_ROLES = (Role.TRAVAILLEUR_SOCIAL, Role.MEDIATEUR_NUMERIQUE)

_AGENT = [
    "view_appointment",
    "add_appointment",
    "change_appointment",
    "view_openinghours",
    "add_openinghours",
    "change_openinghours",
    "delete_openinghours",
    "view_absence",
    "add_absence",
    "change_absence",
    "delete_absence",
]

ROLE_PERMISSIONS = {
    Role.TRAVAILLEUR_SOCIAL: _AGENT,
    Role.MEDIATEUR_NUMERIQUE: _AGENT,
    Role.VOLONTAIRE: [],
    Role.MANAGER: [],
    Role.ADMIN: [*_AGENT, "delete_appointment"],
}


SOCIAL_KINDS = ("entretien_social", "entretien_sortie")


def sees_social_appointments(user) -> bool:
    """A social worker's appointments, and any social interview, tell that the person is followed
    in Unis'Vers: the mediator never sees Unis'Vers data (security.md row 3), so only who may read
    participant files sees them (the permission is named, the programme is not imported)."""
    return user.has_perm("unisvers.view_enrollment")


def can_view_agendas(user) -> bool:
    return user.has_perm("appointments.view_appointment")


def can_book(user) -> bool:
    return user.has_perm("appointments.add_appointment")


def can_change(user) -> bool:
    return user.has_perm("appointments.change_appointment")


def can_manage_own_hours(user) -> bool:
    """Each agent declares their own opening hours and absences (admins too, for theirs)."""
    return user.has_perm("appointments.change_openinghours")


def is_agent(user) -> bool:
    """Whether appointments are booked with this user."""
    return user.is_authenticated and user.has_role(*AGENT_ROLES)
