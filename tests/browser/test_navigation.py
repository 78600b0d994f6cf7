"""The header holds on one line at 1280 px for every role, each role's home shows its own work,
and the screenshots of the README (docs/img/) are taken from these pages."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ceis.choices import Role
from ceis.tests.factories import PersonFactory, SiteFactory
from unisvers.tests.factories import CohortFactory, EnrollmentFactory
from villages.tests.factories import RegistrationFactory, SessionFactory, VisitFactory

from .conftest import DESKTOP, DOCS_IMG, force_login

pytestmark = pytest.mark.browser


def doc_shot(page, name, *, full_page=False):
    """A screenshot for the README: docs/img/ with CEIS_DOC_SCREENSHOTS=1, else test-output/."""
    DOCS_IMG.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(DOCS_IMG / f"{name}.png"), full_page=full_page)


def header_boxes(page) -> list[dict]:
    """The bounding boxes of the header's parts: the brand, each menu entry, the search box and
    the account button."""
    boxes = [page.locator(".ceis-header .navbar-brand").bounding_box()]
    entries = page.locator(".ceis-header .navbar-nav > .nav-item")
    boxes += [entries.nth(i).bounding_box() for i in range(entries.count())]
    search = page.locator(".ceis-header .ceis-search")
    if search.count():
        boxes.append(search.bounding_box())
    boxes.append(page.locator(".ceis-header .ceis-account").bounding_box())
    return boxes


def header_rows(boxes) -> list[float]:
    """The distinct vertical centres of the boxes (12 px apart or more): one line, one centre."""
    centres = sorted(box["y"] + box["height"] / 2 for box in boxes)
    rows = [centres[0]]
    for centre in centres[1:]:
        if centre - rows[-1] > 12:
            rows.append(centre)
    return rows


def demo_world(site):
    """A little of everyone's work, so that each home has something to show."""
    today = timezone.localdate()
    other = SiteFactory(code="MOSSON", name="CEIS de la Mosson")
    cohort = CohortFactory(
        site=site,
        name="Promotion de printemps",
        start_date=today - datetime.timedelta(days=3),
        end_date=today + datetime.timedelta(days=22),
        weekdays=["mon", "tue", "wed", "thu", "fri"],
    )
    for last, first in (("Martin", "Louise"), ("Bernard", "Hugo"), ("Diallo", "Awa")):
        EnrollmentFactory(
            cohort=cohort, person=PersonFactory(site=site, last_name=last, first_name=first)
        )
    session = SessionFactory(today=True, site=site, workshop__title="Découvrir sa tablette")
    for last, first in (("Leroy", "Ana"), ("Petit", "Jean"), ("Moreau", "Lina")):
        RegistrationFactory(
            session=session, person=PersonFactory(site=site, last_name=last, first_name=first)
        )
    in_two_days = timezone.localtime() + datetime.timedelta(days=2)
    SessionFactory(
        site=site,
        workshop__title="Envoyer un courriel",
        start=in_two_days.replace(hour=10, minute=0, second=0, microsecond=0),
    )
    for _ in range(3):
        VisitFactory(site=site)
    return cohort, session, other


ROLES = [
    (Role.ADMIN, "Claire", "Admin", "accueil-administrateur"),
    # The longest names still leave the header on one line.
    (Role.ADMIN, "Marie-Christine", "Dupont-Laurent de La Tour", None),
    (Role.MANAGER, "Marc", "Manager", "accueil-manager"),
    (Role.TRAVAILLEUR_SOCIAL, "Sonia", "Référente", "accueil-travailleur-social"),
    (Role.MEDIATEUR_NUMERIQUE, "Karim", "Médiateur", "accueil-mediateur"),
    (Role.VOLONTAIRE, "Paul", "Volontaire", "accueil-volontaire"),
]


@pytest.mark.parametrize(("role", "first", "last", "image"), ROLES)
def test_header_on_one_line_at_1280px_and_each_home(
    page, live_server, make_user, site, role, first, last, image
):
    cohort, _session, other = demo_world(site)
    sites = [site, other] if role in (Role.ADMIN, Role.MANAGER) else [site]
    user = make_user(role, sites=sites, first_name=first, last_name=last)
    if role == Role.TRAVAILLEUR_SOCIAL:
        cohort.referents.add(user)
    page.set_viewport_size(DESKTOP)
    force_login(page.context, user, live_server)
    page.goto("/")

    boxes = header_boxes(page)
    assert len(header_rows(boxes)) == 1, f"header on several lines for {role}"
    assert max(box["x"] + box["width"] for box in boxes) <= DESKTOP["width"]
    assert page.locator(".ceis-header").bounding_box()["height"] < 80
    search = page.locator(".ceis-header .ceis-search")
    if search.count():  # room left to type a name
        assert search.bounding_box()["width"] >= 150
    if image:
        doc_shot(page, image)


def test_admin_chooses_the_home_of_another_role(page, live_server, make_user, site):
    demo_world(site)
    admin = make_user(Role.ADMIN, first_name="Claire", last_name="Admin")
    force_login(page.context, admin, live_server)
    page.goto("/")
    expect(
        page.get_by_role("heading", name="Dernières entrées du journal des accès")
    ).to_be_visible()
    page.get_by_role("navigation", name="Choisir l'accueil affiché").get_by_role(
        "link", name="Médiateur numérique"
    ).click()
    expect(page.get_by_role("heading", name="Consigner un accompagnement")).to_be_visible()
    expect(
        page.get_by_role("heading", name="Dernières entrées du journal des accès")
    ).to_have_count(0)
    # The choice is kept: back home, the mediator's view again.
    page.goto("/")
    expect(page.get_by_role("heading", name="Consigner un accompagnement")).to_be_visible()


def test_plus_menu_opens_the_other_entries(page, live_server, make_user, site):
    admin = make_user(Role.ADMIN)
    force_login(page.context, admin, live_server)
    page.goto("/")
    nav = page.get_by_role("navigation", name="Navigation principale")
    nav.get_by_role("button", name="Plus de rubriques").click()
    nav.get_by_role("link", name="Journal des accès").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Journal")


def test_no_favicon_404(page, live_server, make_user):
    """The page's icon is served (no 404 in the console)."""
    failed = []
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
    force_login(page.context, make_user(Role.MEDIATEUR_NUMERIQUE), live_server)
    page.goto("/")
    icon = page.locator("link[rel=icon]").first.get_attribute("href")
    assert page.request.get(live_server.url + icon).status == 200
    assert failed == []
