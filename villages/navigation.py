"""Vill@ges entries in the header, the home page, the header's search and the person file
(ceis.navigation hooks).

Need-to-know is decided here through perms.py: the volunteer gets the counter and today's
check-ins, the manager the calendar's figures, nobody without the permission sees a person's
Vill@ges history.
"""

import datetime
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from ceis.choices import Role
from ceis.navigation import HomePanel, NavItem

from . import perms, selectors


def nav_items(user) -> list[NavItem]:
    items = []
    if perms.can_view_sessions(user):
        items.append(NavItem("Séances", "villages:session_week", order=40))
    if perms.can_view_helps(user):
        items.append(NavItem("Accompagnements", "villages:help_list", order=41))
    if perms.can_log_visit(user):
        # The volunteer's main page; a mediator reaches it from the home's help box too.
        secondary = perms.can_log_help(user)
        items.append(
            NavItem("Accueil libre", "villages:visit_counter", order=42, secondary=secondary)
        )
    if perms.can_view_workshops(user):
        items.append(NavItem("Ateliers", "villages:workshop_list", order=43, secondary=True))
    return items


# The homes that show Vill@ges' work: the counter for volunteers, the help box for mediators,
# the sessions of the week for the three of them with managers.
_SESSION_VIEWS = (Role.VOLONTAIRE, Role.MEDIATEUR_NUMERIQUE, Role.MANAGER)


def home_panels(user, view) -> list[HomePanel]:
    panels = []
    if view == Role.VOLONTAIRE and perms.can_log_visit(user):
        panels.append(
            HomePanel(
                "villages/panels/counter.html",
                {"counts": selectors.visit_counts_today(user=user)},
                order=10,
            )
        )
    if view in _SESSION_VIEWS and perms.can_view_sessions(user):
        today = timezone.localdate()
        # "This week" as the next seven days, so that a Friday still shows next Tuesday.
        week = list(
            selectors.sessions_between(
                user=user, start=today, end=today + datetime.timedelta(days=8)
            )
        )
        panels.append(
            HomePanel(
                "villages/panels/sessions.html",
                {
                    "today_sessions": [
                        s for s in week if timezone.localtime(s.start).date() == today
                    ],
                    "week_sessions": [
                        s for s in week if timezone.localtime(s.start).date() > today
                    ],
                    "can_view_registrations": perms.can_view_registrations(user),
                    "can_checkin": perms.can_checkin(user),
                    "can_manage": perms.can_manage_sessions(user),
                },
                order=20,
            )
        )
    if view == Role.MEDIATEUR_NUMERIQUE and perms.can_log_help(user):
        panels.append(HomePanel("villages/panels/quick_help.html", {}, order=15))
    return panels


def programme_files(user, view, persons) -> dict[int, str]:
    """A mediator works on a person's Vill@ges page (helps, sessions, assessments)."""
    if view != Role.MEDIATEUR_NUMERIQUE or not perms.can_view_person_history(user):
        return {}
    return {
        person.pk: reverse("villages:person_file", args=[person.public_id]) for person in persons
    }


def person_panels(user, person) -> list[HomePanel]:
    if not perms.can_view_person_history(user):
        return []
    history = selectors.person_history(person=person, user=user)
    assessments = history["assessments"]
    return [
        HomePanel(
            "villages/panels/person.html",
            {
                "person": person,
                "registrations": history["registrations"][:5],
                "registration_count": len(history["registrations"]),
                "helps": history["helps"][:5],
                "help_count": len(history["helps"]),
                "visit_count": len(history["visits"]),
                "latest_assessment": assessments[-1] if assessments else None,
                "assessment_count": len(assessments),
                "can_log_help": perms.can_log_help(user),
                "can_assess": perms.can_assess(user),
            },
            order=40,
        )
    ]


def after_appointment_url(user, appointment) -> str | None:
    """An honoured appointment with a mediator opens the individual-help form, prefilled with
    the person and the day (ceis.navigation hook)."""
    if not appointment.agent.has_role(Role.MEDIATEUR_NUMERIQUE) or not perms.can_log_help(user):
        return None
    day = timezone.localtime(appointment.start).date()
    query = urlencode({"personne": appointment.person.public_id, "date": day.isoformat()})
    return f"{reverse('villages:help_create')}?{query}"
