"""Agendas in the header, today's appointments on an agent's home, the person's appointments in
their file (ceis.navigation hooks). Managers and volunteers get nothing (perms.py)."""

from ceis.choices import Role
from ceis.navigation import HomePanel, NavItem

from . import perms, selectors

_AGENT_VIEWS = (Role.TRAVAILLEUR_SOCIAL, Role.MEDIATEUR_NUMERIQUE, Role.ADMIN)


def nav_items(user) -> list[NavItem]:
    if not perms.can_view_agendas(user):
        return []
    return [NavItem("Rendez-vous", "appointments:agenda_day", order=30)]


def home_panels(user, view) -> list[HomePanel]:
    if view not in _AGENT_VIEWS or not perms.can_view_agendas(user) or not perms.is_agent(user):
        return []
    return [
        HomePanel(
            "appointments/panels/today.html",
            {"appointments": selectors.today_for_agent(user=user)},
            order=5,
        )
    ]


def person_panels(user, person) -> list[HomePanel]:
    if not perms.can_view_agendas(user):
        return []
    return [
        HomePanel(
            "appointments/panels/person.html",
            {
                "person": person,
                **selectors.person_appointments(person=person, user=user),
                "can_book": perms.can_book(user),
            },
            order=35,
        )
    ]
