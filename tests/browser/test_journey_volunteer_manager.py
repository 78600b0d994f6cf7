"""Journeys of a volunteer (the free-access counter on a phone) and of a manager (dashboard,
bilan, PDF)."""

import io
import re

import pypdf
import pytest
from playwright.sync_api import expect

from ceis.choices import Role
from ceis.tests.factories import PersonFactory
from villages.models import Visit
from villages.tests.factories import IndividualHelpFactory, VisitFactory

from .conftest import PHONE, SCREENSHOTS, login, shot

pytestmark = pytest.mark.browser


def test_volunteer_logs_two_visits_on_a_phone(page, make_user):
    volunteer = make_user(Role.VOLONTAIRE, first_name="Léa", last_name="Volontaire")
    page.set_viewport_size(PHONE)
    login(page, volunteer)
    panel = page.locator("section").filter(has=page.get_by_role("heading", name="Accueil libre"))
    expect(panel).to_be_visible()
    shot(page, "vol-01-accueil-telephone")

    # One tap from the home page.
    panel.get_by_role("button", name="+1 visite").click()
    expect(page.locator(".alert-success")).to_have_text("Visite enregistrée. 1 visite aujourd'hui.")

    # The second one from the full counter, helped by the volunteer.
    page.goto("/villages/accueil-libre/")
    page.get_by_text("Aidé·e par un volontaire").click()
    page.get_by_role("button", name="+1 visite").click()
    expect(page.locator(".vc-count")).to_contain_text("2 visites aujourd'hui, dont 1 aidée")
    shot(page, "vol-02-compteur-telephone")
    assert Visit.objects.count() == 2
    assert Visit.objects.filter(volunteer_help=True).count() == 1
    # Nothing wider than the phone's screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_manager_dashboard_bilan_and_pdf(page, make_user, site):
    manager = make_user(Role.MANAGER, first_name="Claire", last_name="Manager")
    VisitFactory.create_batch(17, site=site)
    for _ in range(6):
        IndividualHelpFactory(site=site, person=PersonFactory(site=site))

    login(page, manager)
    shot(page, "man-01-accueil")
    page.get_by_role("link", name="Tableau de bord").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tableau de bord")
    expect(page.get_by_role("row", name=re.compile("Passages en accès libre"))).to_contain_text(
        "17"
    )
    shot(page, "man-02-tableau-de-bord")

    page.get_by_role("link", name="Préparer le bilan").click()
    page.get_by_role("button", name="Créer le bilan").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bilan du")
    # In tests the PDF is built inside the request (eager tasks): about 12 s on a loaded machine.
    page.get_by_role("button", name="Générer le PDF").click(timeout=60_000)
    version = page.locator("[id^=version-]").first
    expect(version.get_by_text("Prêt", exact=True)).to_be_visible(timeout=60_000)
    shot(page, "man-03-bilan-pret")

    with page.expect_download() as info:
        version.get_by_role("link", name=re.compile("^Télécharger le PDF")).click()
    download = info.value
    assert download.suggested_filename.endswith(".pdf")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target = SCREENSHOTS.parent / download.suggested_filename
    download.save_as(target)
    text = " ".join(
        page.extract_text() for page in pypdf.PdfReader(io.BytesIO(target.read_bytes())).pages
    )
    text = re.sub(r"\s+", " ", text)
    assert re.search(r"\b17 passages dans l.espace en accès libre", text), text[:2000]
    assert re.search(r"\b6 accompagnements individuels", text), text[:2000]
