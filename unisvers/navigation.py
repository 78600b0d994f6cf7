"""Unis'Vers entries in the navigation, the home page and the person file.

Nothing at all for roles without access (mediator, volunteer): need-to-know is decided in perms.
"""

from ceis.navigation import HomePanel, NavItem

from . import perms, selectors


def nav_items(user) -> list[NavItem]:
    if not perms.can_access(user):
        return []
    items = [NavItem("Unis'Vers", "unisvers:cohort_list", order=20)]
    if user.has_perm("unisvers.view_event"):
        items.append(NavItem("Événements", "unisvers:event_list", order=21))
    if perms.can_manage_targets(user):
        items.append(NavItem("Objectifs", "unisvers:target_list", order=80))
    return items


def home_panels(user) -> list[HomePanel]:
    if not perms.can_view_participants(user):
        return []
    todo = selectors.todo_for(user)
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
