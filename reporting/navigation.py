from ceis.choices import Role
from ceis.navigation import HomePanel, NavItem

from .perms import can_view_reporting


def nav_items(user):
    if not can_view_reporting(user):
        return []
    return [
        NavItem("Tableau de bord", "reporting:dashboard", order=60),
        NavItem("Bilans", "reporting:documents", order=61),
    ]


def home_panels(user, view):
    """The recent bilans, on the manager's home."""
    if view != Role.MANAGER or not can_view_reporting(user):
        return []
    from .selectors import bilan_documents_visible_to

    recent = list(bilan_documents_visible_to(user).prefetch_related("versions")[:3])
    return [HomePanel("reporting/_home_panel.html", {"recent": recent}, order=5)]
