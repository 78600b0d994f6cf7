"""Unis'Vers entries in the navigation, the home page, the header's search and the person file.

Nothing at all for roles without access (mediator, volunteer): need-to-know is decided in perms.
"""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from ceis.choices import Role
from ceis.navigation import HomePanel, NavItem

from . import perms, selectors
from .models import Enrollment


def nav_items(user) -> list[NavItem]:
    if not perms.can_access(user):
        return []
    items = [NavItem("Unis'Vers", "unisvers:cohort_list", order=20)]
    if user.has_perm("unisvers.view_event"):
        items.append(NavItem("Événements", "unisvers:event_list", order=21, secondary=True))
    if perms.can_manage_targets(user):
        items.append(NavItem("Objectifs", "unisvers:target_list", order=80, secondary=True))
    return items


def home_panels(user, view) -> list[HomePanel]:
    """The social worker's to-do list and cohorts (their home only)."""
    if view != Role.TRAVAILLEUR_SOCIAL or not perms.can_view_participants(user):
        return []
    todo = selectors.todo_for(user, limit=selectors.TODO_PANEL_ROWS)
    return [
        HomePanel("unisvers/panels/_todo.html", {"todo": todo}, order=10),
        HomePanel(
            "unisvers/panels/_my_cohorts.html", {"cohorts": selectors.my_cohorts(user)}, order=11
        ),
    ]


def person_panels(user, person) -> list[HomePanel]:
    if not perms.can_view_participants(user):
        return []
    enrollments = selectors.participant_enrollments(person=person, user=user)
    return [
        HomePanel(
            "unisvers/panels/_person.html",
            {"person": person, "enrollments": enrollments},
            order=20,
        )
    ]


def programme_files(user, view, persons) -> dict[int, str]:
    """A social worker works on a participant's page: for the persons enrolled in a cohort the
    user sees (one query for the whole list)."""
    if view != Role.TRAVAILLEUR_SOCIAL or not perms.can_view_participants(user):
        return {}
    by_id = {person.pk: person for person in persons}
    enrolled = set(
        Enrollment.objects.visible_to(user)
        .filter(person_id__in=by_id)
        .values_list("person_id", flat=True)
    )
    return {
        person_id: reverse("unisvers:participant", args=[by_id[person_id].public_id])
        for person_id in enrolled
    }


def after_appointment_url(user, appointment) -> str | None:
    """An honoured appointment with a social worker opens the participant's follow-up form, dated
    the day of the appointment, when the user writes in one of their enrollments
    (ceis.navigation hook)."""
    if not appointment.agent.has_role(Role.TRAVAILLEUR_SOCIAL):
        return None
    person = appointment.person
    if not selectors.enrollments_in_charge(person=person, user=user).exists():
        return None
    day = timezone.localtime(appointment.start).date()
    url = reverse("unisvers:participant", args=[person.public_id])
    return f"{url}?{urlencode({'date': day.isoformat()})}#ajout-suivi"
