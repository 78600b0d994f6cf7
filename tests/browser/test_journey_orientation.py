"""Journey of an orientation (issue #20, its done-when): a social worker orients a participant
to France Travail at the exit, prints the fiche de liaison, and the orientation waits in the
to-do list until it is marked done. axe-core on each screen."""

import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from ceis.choices import Role
from ceis.tests.factories import PersonFactory
from coordination.choices import OrientationStatus
from coordination.models import Orientation, Partner
from coordination.services import partners_seed
from unisvers.tests.factories import CohortFactory, EnrollmentFactory

from .conftest import assert_no_axe_violations, field, shot, sign_in

pytestmark = pytest.mark.browser


def test_social_worker_orients_at_exit_prints_the_sheet_and_marks_it_done(page, make_user, site):
    worker = make_user(Role.TRAVAILLEUR_SOCIAL, first_name="Sophie", last_name="Martin")
    partners_seed(site)
    cohort = CohortFactory(site=site, referents=[worker], name="Promotion printemps")
    person = PersonFactory(
        site=site, last_name="Benali", first_name="Samia", phone="0612345678", email=""
    )
    EnrollmentFactory(cohort=cohort, person=person, exited=True)
    sign_in(page, worker)

    page.goto(f"/unisvers/participants/{person.public_id}/")
    page.get_by_role("link", name="Orienter vers un partenaire", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Orienter BENALI Samia vers un partenaire"
    )
    france_travail = Partner.objects.get(site=site, name="France Travail")
    expect(field(page, "Partenaire")).to_have_value(str(france_travail.pk))
    assert_no_axe_violations(page, "orientation")
    field(page, "Motif").fill("Inscription et recherche d'emploi")
    page.get_by_role("checkbox", name=re.compile("Coordonnées")).check()
    shot(page, "orientation-01-sortie")
    page.get_by_role("button", name="Enregistrer l'orientation").click()
    expect(page.locator(".alert-success")).to_contain_text("orienté·e vers « France Travail »")
    assert_no_axe_violations(page, "page de l'orientation")

    sheet = page.get_by_role("link", name="Imprimer la fiche de liaison (PDF)")
    response = page.request.get(sheet.get_attribute("href"))
    assert response.headers["content-type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
    assert "Samia Benali" in text and "0612345678" in text and "France Travail" in text

    page.goto("/")
    todo = page.get_by_role("region", name=re.compile("Orientations en attente"))
    expect(todo).to_contain_text("BENALI Samia vers France Travail")
    todo.get_by_role("link").first.click()
    field(page, "Statut").select_option(label="Réalisée")
    page.get_by_role("button", name="Enregistrer le statut").click()
    expect(page.locator(".alert-success")).to_contain_text("réalisée")
    assert Orientation.objects.get().status == OrientationStatus.REALISEE
    page.goto("/")
    expect(page.get_by_text("Orientations en attente")).to_have_count(0)
