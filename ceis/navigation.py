"""Role-based navigation and home panels, gathered from each app.

Each app may define `navigation.py` with `nav_items(user) -> list[NavItem]`,
`home_panels(user) -> list[HomePanel]` and `person_panels(user, person) -> list[HomePanel]`;
the layout, the home page and the person file show what they return. An app returns nothing
for a role that may not see its data (need-to-know is decided there, in its perms.py).
"""

from dataclasses import dataclass, field

from django.urls import reverse

from . import perms
from .hooks import app_modules


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    order: int = 50

    @property
    def url(self) -> str:
        return reverse(self.url_name)


@dataclass
class HomePanel:
    template: str
    context: dict = field(default_factory=dict)
    order: int = 50


def nav_items(user) -> list[NavItem]:
    items = []
    if perms.can_view_person_file(user):  # not volunteers: no directory (security.md row 18)
        items.append(NavItem("Personnes", "persons:list", order=10))
    if perms.can_view_journal(user):
        items.append(NavItem("Journal des accès", "journal", order=90))
    if perms.can_manage_staff(user):
        items.append(NavItem("Équipe", "staff:list", order=92))
    if user.is_authenticated and user.is_ceis_admin:
        items.append(NavItem("Paquet de données", "package:index", order=95))
    items.extend(_gathered("nav_items", user))
    return sorted(items, key=lambda item: item.order)


def home_panels(user) -> list[HomePanel]:
    return sorted(_gathered("home_panels", user), key=lambda panel: panel.order)


def person_panels(user, person) -> list[HomePanel]:
    return sorted(_gathered("person_panels", user, person), key=lambda panel: panel.order)


def _gathered(function: str, *args) -> list:
    """What each programme's `navigation.<function>(*args)` returns, in `PROGRAMMES` order."""
    found = []
    for module in app_modules("navigation"):
        hook = getattr(module, function, None)
        if hook:
            found.extend(hook(*args))
    return found
