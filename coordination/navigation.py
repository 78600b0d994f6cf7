"""The partner directory in the header (under « Plus »), « Orientations en attente » on the home of
the agent who made them, the person's orientations in their file (ceis.navigation hooks).
Managers and volunteers get nothing (perms.py)."""

from ceis.choices import Role
from ceis.navigation import HomePanel, NavItem

from . import perms, selectors

_AGENT_VIEWS = (Role.TRAVAILLEUR_SOCIAL, Role.MEDIATEUR_NUMERIQUE, Role.ADMIN)


def nav_items(user) -> list[NavItem]:
    if not perms.can_view_partners(user):
        return []
    return [NavItem("Partenaires", "coordination:partner_list", order=60, secondary=True)]


def home_panels(user, view) -> list[HomePanel]:
    """Shown while the agent has orientations waiting for their outcome."""
    if view not in _AGENT_VIEWS or not perms.can_view_orientations(user):
        return []
    pending = selectors.pending_for_agent(user=user)
    if not pending:
        return []
    return [HomePanel("coordination/panels/todo.html", {"orientations": pending}, order=12)]


def person_panels(user, person) -> list[HomePanel]:
    if not perms.can_view_orientations(user):
        return []
    return [
        HomePanel(
            "coordination/panels/person.html",
            {
                "person": person,
                "orientations": selectors.person_orientations(person=person, user=user),
                "sources": selectors.source_records(person=person, user=user),
            },
            order=38,
        )
    ]
