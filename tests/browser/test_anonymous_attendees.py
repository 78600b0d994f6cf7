"""A volunteer counts the anonymous attendees of a playful workshop on a tablet, with the
keyboard only: the grid is reached from the check-in, every box is labelled, axe finds nothing
serious, a wrong number is refused under its box and what was typed stays."""

import pytest
from playwright.sync_api import expect

from ceis.choices import Role
from villages.models import AnonymousAttendance
from villages.tests.factories import SessionFactory

from .conftest import TABLET, assert_no_axe_violations, shot, sign_in

pytestmark = pytest.mark.browser


def test_volunteer_counts_anonymous_attendees_with_the_keyboard(page, make_user, site):
    volunteer = make_user(Role.VOLONTAIRE, first_name="Léa", last_name="Volontaire")
    session = SessionFactory(site=site, today=True)
    page.set_viewport_size(TABLET)
    sign_in(page, volunteer)

    page.goto(f"/villages/seances/{session.public_id}/pointage/")
    page.get_by_role("link", name="Compter les participants anonymes").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Participants anonymes")
    assert_no_axe_violations(page, "grille des participants anonymes")

    # Keyboard only: the first box, then Tab from box to box along the row.
    first = page.get_by_label("Moins de 26 ans, femmes")
    first.focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("-1")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Moins de 26 ans, hommes")).to_be_focused()
    page.keyboard.press("Control+A")
    page.keyboard.type("2")
    page.get_by_label("60 ans et plus, non précisé").fill("3")
    page.get_by_label("60 ans et plus, non précisé").press("Enter")

    # Refused in French under its box; what was typed stays.
    expect(page.get_by_text("Le nombre ne peut pas être négatif.")).to_be_visible()
    expect(page.get_by_label("Moins de 26 ans, hommes")).to_have_value("2")
    expect(page.get_by_label("Moins de 26 ans, femmes")).to_have_attribute("aria-invalid", "true")
    assert_no_axe_violations(page, "grille avec une erreur")
    assert not AnonymousAttendance.objects.exists()

    page.get_by_label("Moins de 26 ans, femmes").fill("1")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator(".alert-success")).to_have_text("6 participants anonymes enregistrés.")
    shot(page, "vol-03-participants-anonymes")
    groups = {(g.age_band, g.sex): g.count for g in AnonymousAttendance.objects.all()}
    assert groups == {("moins_26", "F"): 1, ("moins_26", "M"): 2, ("60_plus", "inconnu"): 3}
