"""Accessibility (RGAA 4.1 / WCAG 2.1 AA): axe-core on every main page with 0 serious or critical
violation, keyboard-only completion of the register and of the check-in, visible focus, the skip
link and the page language."""

import datetime
import json

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ceis.choices import Role
from ceis.tests.factories import PersonFactory
from reporting.services import bilan_document_create
from unisvers.models import Attendance
from unisvers.tests.factories import CohortFactory, EnrollmentFactory
from villages.models import Registration
from villages.tests.factories import (
    AssessmentFactory,
    IndividualHelpFactory,
    RegistrationFactory,
    SessionFactory,
)

from .conftest import DESKTOP, PHONE, SCREENSHOTS, TABLET, axe, force_login

pytestmark = pytest.mark.browser

# What a focused element shows: its own outline or box-shadow, or, for Bootstrap's hidden
# `.btn-check` inputs, those of the label that follows it.
FOCUS_INDICATOR = r"""() => {
    let el = document.activeElement;
    if (!el || el === document.body) return null;
    if (el.classList.contains('btn-check') && el.nextElementSibling) el = el.nextElementSibling;
    const s = getComputedStyle(el);
    const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
    const shadow = s.boxShadow && s.boxShadow !== 'none';
    // Contrast of the outline with white (WCAG 1.4.11 asks 3:1 for a focus indicator).
    const lum = (rgb) => {
        const [r, g, b] = rgb.match(/[\d.]+/g).slice(0, 3).map(v => {
            v = v / 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const contrast = outline ? 1.05 / (lum(s.outlineColor) + 0.05) : null;
    return {tag: el.tagName, text: (el.innerText || el.value || '').trim().slice(0, 60),
            visible: outline || shadow, contrast: contrast};
}"""


TIMINGS = SCREENSHOTS.parent / "page-timings.tsv"


def record_timing(page, url):
    """The server's time to answer (request start → response end), kept in
    test-output/page-timings.tsv to read, never asserted: a timing depends on the machine's load
    (speed is measured by the commands under bench/; query counts are asserted in tests)."""
    ms = page.evaluate(
        "(() => { const n = performance.getEntriesByType('navigation')[0];"
        " return Math.round(n.responseEnd - n.requestStart); })()"
    )
    TIMINGS.parent.mkdir(parents=True, exist_ok=True)
    with TIMINGS.open("a", encoding="utf-8") as out:
        out.write(f"{ms}\t{url}\n")


def check_pages(page, urls, status=200):
    """axe on each URL; every serious or critical violation of every page, in one message."""
    report = {}
    for url in urls:
        response = page.goto(url)
        assert response.status == status, f"{url}: {response.status}"
        assert page.locator("html").get_attribute("lang") == "fr", url
        record_timing(page, url)
        for violation in axe(page):
            for node in violation["nodes"]:
                key = f"{violation['impact']} {violation['id']} {node['target']}"
                report.setdefault(key, {"summary": node["summary"], "pages": []})
                report[key]["pages"].append(url)
    assert not report, "axe (serious, critical):\n" + json.dumps(
        report, ensure_ascii=False, indent=1
    )


def today_cohort(site, worker, persons):
    today = timezone.localdate()
    cohort = CohortFactory(
        site=site,
        name="Promo accessible",
        start_date=today - datetime.timedelta(days=7),
        end_date=today + datetime.timedelta(days=35),
        weekdays=["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
        referents=[worker],
    )
    for person in persons:
        EnrollmentFactory(cohort=cohort, person=person, entry_date=cohort.start_date)
    return cohort, cohort.meeting_days.filter(date__lte=today).order_by("-date").first()


def test_axe_login_and_error_pages(page, live_server, make_user):
    check_pages(page, ["/connexion/", "/mot-de-passe/oubli/"])
    force_login(page.context, make_user(Role.VOLONTAIRE), live_server)
    check_pages(page, ["/unisvers/"], status=403)
    check_pages(page, ["/personnes/00000000-0000-0000-0000-000000000000/"], status=404)


def test_axe_social_worker_pages(page, live_server, make_user, site):
    worker = make_user(Role.TRAVAILLEUR_SOCIAL)
    person = PersonFactory(site=site)
    cohort, day = today_cohort(site, worker, [person, PersonFactory(site=site)])
    force_login(page.context, worker, live_server)
    c = f"/unisvers/promotions/{cohort.public_id}"
    check_pages(
        page,
        [
            "/",
            "/personnes/",
            f"/personnes/{person.public_id}/",
            "/personnes/nouvelle/",
            f"/personnes/{person.public_id}/modifier/",
            "/unisvers/",
            "/unisvers/promotions/nouvelle/",
            f"{c}/",
            f"{c}/registre/{day.date:%Y-%m-%d}/",
            f"{c}/inscrire/?q={person.last_name}",
            f"{c}/inscrire/nouvelle-personne/",
            f"{c}/inscrire/{PersonFactory(site=site).public_id}/",
            f"/unisvers/participants/{person.public_id}/",
            f"/unisvers/inscriptions/{cohort.enrollments.first().public_id}/sortie/",
            f"/unisvers/inscriptions/{cohort.enrollments.first().public_id}/transmettre/",
            "/unisvers/evenements/",
            "/unisvers/temoignages/",
        ],
    )


def test_axe_mediator_pages(page, live_server, make_user, site):
    mediator = make_user(Role.MEDIATEUR_NUMERIQUE)
    person = PersonFactory(site=site)
    session = SessionFactory(site=site, capacity=1, start=timezone.now())
    RegistrationFactory(session=session, person=person)
    RegistrationFactory(session=session, status="liste_attente")
    help_ = IndividualHelpFactory(site=site, person=person)
    assessment = AssessmentFactory(site=site, person=person)
    force_login(page.context, mediator, live_server)
    s = f"/villages/seances/{session.public_id}"
    check_pages(
        page,
        [
            "/",
            "/villages/seances/",
            "/villages/seances/mois/",
            "/villages/seances/passees/",
            "/villages/seances/nouvelle/",
            f"{s}/",
            f"{s}/pointage/",
            "/villages/ateliers/",
            "/villages/accompagnements/",
            "/villages/accompagnements/nouveau/",
            f"/villages/accompagnements/nouveau/?q={person.last_name}",
            f"/villages/accompagnements/{help_.public_id}/",
            "/villages/accueil-libre/",
            f"/villages/personnes/{person.public_id}/",
            f"/villages/personnes/{person.public_id}/diagnostic/",
            f"/villages/diagnostics/{assessment.public_id}/",
        ],
    )


def test_axe_volunteer_pages(page, live_server, make_user, site):
    volunteer = make_user(Role.VOLONTAIRE)
    session = SessionFactory(site=site, start=timezone.now())
    RegistrationFactory(session=session)
    force_login(page.context, volunteer, live_server)
    page.set_viewport_size({"width": 390, "height": 844})
    check_pages(
        page,
        ["/", "/villages/accueil-libre/", f"/villages/seances/{session.public_id}/pointage/"],
    )


def test_axe_manager_pages(page, live_server, make_user, site):
    manager = make_user(Role.MANAGER)
    today = timezone.localdate()
    IndividualHelpFactory(site=site)
    document = bilan_document_create(
        user=manager, date_from=today.replace(month=1, day=1), date_to=today
    )
    cohort, _ = today_cohort(site, make_user(Role.TRAVAILLEUR_SOCIAL), [PersonFactory(site=site)])
    force_login(page.context, manager, live_server)
    check_pages(
        page,
        [
            "/",
            "/bilans/",
            "/bilans/documents/",
            "/bilans/documents/nouveau/",
            f"/bilans/documents/{document.public_id}/",
            f"/unisvers/promotions/{cohort.public_id}/",
            f"/unisvers/promotions/{cohort.public_id}/referents/",
            "/unisvers/objectifs/",
            "/villages/seances/passees/",
        ],
    )


def test_axe_admin_pages(page, live_server, make_user, site):
    admin = make_user(Role.ADMIN)
    force_login(page.context, admin, live_server)
    check_pages(page, ["/", "/journal/"])


def test_skip_link_language_and_visible_focus(page, live_server, make_user, site):
    force_login(page.context, make_user(Role.TRAVAILLEUR_SOCIAL), live_server)
    page.goto("/unisvers/")
    assert page.locator("html").get_attribute("lang") == "fr"
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Aller au contenu")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    assert page.evaluate(FOCUS_INDICATOR)["visible"]
    page.keyboard.press("Enter")
    expect(page.locator("#contenu")).to_be_focused()
    # Every element reached with Tab on the page shows where the focus is.
    page.goto("/unisvers/")
    missing = []
    for _ in range(25):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS_INDICATOR)
        if focus and not (focus["visible"] and (focus["contrast"] or 3) >= 3):
            missing.append(focus)
    assert not missing, f"focus invisible : {missing}"


def tab_to(page, predicate, limit=60):
    """Press Tab until `predicate` (JS, on document.activeElement `el`) is true."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => {{ const el = document.activeElement; return !!({predicate}); }}"):
            focus = page.evaluate(FOCUS_INDICATOR)
            assert focus["visible"], f"focus invisible : {focus}"
            return
    raise AssertionError(f"Tab n'atteint jamais : {predicate}")


def test_register_with_the_keyboard_only(page, live_server, make_user, site):
    worker = make_user(Role.TRAVAILLEUR_SOCIAL)
    first, second = PersonFactory(site=site), PersonFactory(site=site)
    cohort, day = today_cohort(site, worker, [first, second])
    enrollment = cohort.enrollments.get(person=second)
    force_login(page.context, worker, live_server)
    page.goto(f"/unisvers/promotions/{cohort.public_id}/registre/{day.date:%Y-%m-%d}/")
    # Into the second person's group (on "Présent·e", checked), then the arrow to "excusé·e".
    tab_to(page, f"el.name === 'status-{enrollment.public_id}'")
    page.keyboard.press("ArrowRight")
    expect(page.locator(f"#s-{enrollment.public_id}-absent_excuse")).to_be_checked()
    tab_to(page, "el.type === 'submit'")
    page.keyboard.press("Enter")
    expect(page.locator(".alert-success")).to_contain_text("1 présent·e sur 2")
    statuses = dict(Attendance.objects.values_list("person_id", "status"))
    assert statuses == {first.pk: "present", second.pk: "absent_excuse"}


def test_checkin_with_the_keyboard_only(page, live_server, make_user, site):
    volunteer = make_user(Role.VOLONTAIRE)
    session = SessionFactory(site=site, start=timezone.now())
    first = RegistrationFactory(session=session)
    second = RegistrationFactory(session=session)
    force_login(page.context, volunteer, live_server)
    page.set_viewport_size(TABLET)
    page.goto(f"/villages/seances/{session.public_id}/pointage/")
    tab_to(page, "el.classList.contains('vc-toggle')")
    page.keyboard.press("Enter")
    expect(page.locator(f"#inscription-{first.public_id} .vc-toggle")).to_have_attribute(
        "aria-pressed", "true"
    )
    # The focus stays on the row just swapped: one more Tab reaches the next person.
    tab_to(page, "el.classList.contains('vc-toggle')", limit=3)
    page.keyboard.press(" ")
    expect(page.locator(f"#inscription-{second.public_id} .vc-toggle")).to_have_attribute(
        "aria-pressed", "true"
    )
    attendance = dict(Registration.objects.values_list("pk", "attendance"))
    assert attendance == {first.pk: "present", second.pk: "present"}


def test_pages_reflow_on_desktop_tablet_and_phone(page, live_server, make_user, site):
    """No horizontal scrolling at 1280, 768 and 390 px (WCAG 1.4.10): the header of the roles
    with the most menu entries, the register, the check-in, the help form, the dashboard."""
    worker = make_user(Role.TRAVAILLEUR_SOCIAL)
    cohort, day = today_cohort(site, worker, [PersonFactory(site=site) for _ in range(3)])
    session = SessionFactory(site=site, start=timezone.now())
    RegistrationFactory(session=session)
    pages = {
        worker: [
            "/",
            f"/unisvers/promotions/{cohort.public_id}/",
            f"/unisvers/promotions/{cohort.public_id}/registre/{day.date:%Y-%m-%d}/",
        ],
        make_user(Role.MEDIATEUR_NUMERIQUE): [
            "/",
            f"/villages/seances/{session.public_id}/",
            f"/villages/seances/{session.public_id}/pointage/",
            "/villages/accompagnements/nouveau/",
        ],
        make_user(Role.VOLONTAIRE): ["/", "/villages/accueil-libre/"],
        make_user(Role.MANAGER): ["/", "/bilans/"],
        make_user(Role.ADMIN): ["/", "/journal/"],
    }
    too_wide = []
    for user, urls in pages.items():
        page.context.clear_cookies()
        force_login(page.context, user, live_server)
        for viewport in (DESKTOP, TABLET, PHONE):
            page.set_viewport_size(viewport)
            for url in urls:
                page.goto(url)
                width = page.evaluate("document.documentElement.scrollWidth")
                if width > viewport["width"]:
                    too_wide.append(f"{user.username} {url} à {viewport['width']} px : {width}")
    assert not too_wide, "\n".join(too_wide)
