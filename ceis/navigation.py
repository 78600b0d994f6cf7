"""Role-based navigation, home pages and links to a person, gathered from each app.

Each app may define `navigation.py` with:
- `nav_items(user) -> list[NavItem]`: its entries in the header;
- `home_panels(user, view) -> list[HomePanel]`: its panels on the home page of the role `view`
  (a `Role` code): each role's home shows that role's work, nothing else;
- `person_panels(user, person) -> list[HomePanel]`: its part of the identity file;
- `programme_files(user, view, persons) -> dict[int, str]`: the page of its programme where the
  role `view` works on each of these persons (its "programme file"), by person id;
- `after_appointment_url(user, appointment) -> str | None`: the record an honoured appointment
  opens, prefilled with the person and the day (an individual help, a follow-up entry).
The layout, the home page, the header's search and the person file show what they return. An
app returns nothing for a role that may not see its data (need-to-know is decided there, in its
perms.py).
"""

from dataclasses import dataclass, field

from django.urls import reverse

from . import perms
from .choices import Role
from .hooks import app_modules

# The header holds this many entries besides "Accueil" on one line at 1280 px (with the search
# box and the account button, for the longest French labels); the others go in "Plus".
NAV_BAR_LIMIT = 5
# The home views, in the order of the admin's choice (the most encompassing first).
HOME_VIEWS = [
    Role.ADMIN,
    Role.MANAGER,
    Role.TRAVAILLEUR_SOCIAL,
    Role.MEDIATEUR_NUMERIQUE,
    Role.VOLONTAIRE,
]
HOME_VIEW_SESSION_KEY = "ceis_home_view"


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    order: int = 50
    # An entry used now and then (settings, lists of reference): always under "Plus".
    secondary: bool = False

    @property
    def url(self) -> str:
        return reverse(self.url_name)


@dataclass(frozen=True)
class NavBar:
    main: list[NavItem]
    more: list[NavItem]


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
        items.append(NavItem("Journal des accès", "journal", order=90, secondary=True))
    if perms.can_manage_staff(user):
        items.append(NavItem("Équipe", "staff:list", order=92, secondary=True))
    if user.is_authenticated and user.is_ceis_admin:
        items.append(NavItem("Paquet de données", "package:index", order=95, secondary=True))
    items.extend(_gathered("nav_items", user))
    return sorted(items, key=lambda item: item.order)


def nav_bar(items: list[NavItem]) -> NavBar:
    """The header's entries (`nav_items(user)`, in order): all of them on the bar when they
    fit, else the first `NAV_BAR_LIMIT` main entries on the bar and the rest in "Plus"."""
    if len(items) <= NAV_BAR_LIMIT:
        return NavBar(main=list(items), more=[])
    main = [item for item in items if not item.secondary][:NAV_BAR_LIMIT]
    more = [item for item in items if item not in main]
    return NavBar(main=main, more=more)


def home_views(user) -> list[str]:
    """The homes this user may choose between: an admin sees every role's, others their own."""
    if not user.is_authenticated:
        return []
    if user.is_ceis_admin:
        return list(HOME_VIEWS)
    return [role for role in HOME_VIEWS if role in user.roles]


def home_view(user, session, wanted: str | None = None) -> str | None:
    """The role whose home (and programme files) this user works in: `wanted` when allowed
    (kept in the session), else the one chosen before, else the user's primary role."""
    allowed = home_views(user)
    if wanted in allowed:
        session[HOME_VIEW_SESSION_KEY] = wanted
        return wanted
    chosen = session.get(HOME_VIEW_SESSION_KEY)
    if chosen in allowed:
        return chosen
    return user.primary_role


def home_panels(user, view: str | None = None) -> list[HomePanel]:
    view = view or user.primary_role
    return sorted(_gathered("home_panels", user, view), key=lambda panel: panel.order)


def person_panels(user, person) -> list[HomePanel]:
    return sorted(_gathered("person_panels", user, person), key=lambda panel: panel.order)


def programme_files(user, view, persons) -> dict[int, str]:
    """The programme page of each person for the role `view` (first app that has one); a person
    without one is left out (the caller links to the identity file)."""
    found: dict[int, str] = {}
    persons = list(persons)
    for module in app_modules("navigation"):
        hook = getattr(module, "programme_files", None)
        if hook and persons:
            for person_id, url in hook(user, view, persons).items():
                found.setdefault(person_id, url)
    return found


def after_appointment_url(user, appointment) -> str | None:
    """Where marking an appointment honoured leads: the first programme that offers a record
    for it (none: the appointment's page)."""
    for module in app_modules("navigation"):
        hook = getattr(module, "after_appointment_url", None)
        url = hook(user, appointment) if hook else None
        if url:
            return url
    return None


def _gathered(function: str, *args) -> list:
    """What each programme's `navigation.<function>(*args)` returns, in `PROGRAMMES` order."""
    found = []
    for module in app_modules("navigation"):
        hook = getattr(module, function, None)
        if hook:
            found.extend(hook(*args))
    return found
