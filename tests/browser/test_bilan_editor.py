"""The bilan's text editor in a browser: a figure inserted with the keyboard as a reference, the
preview with the figures the next version will print, an unknown reference refused with
nothing typed lost (issue #18)."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ceis.choices import Role
from reporting.models import BilanDocument
from reporting.services import bilan_document_create
from villages.tests.factories import VisitFactory

from .conftest import assert_no_axe_violations, shot, sign_in

pytestmark = pytest.mark.browser


def test_manager_inserts_a_figure_with_the_keyboard_and_reads_it_in_the_preview(
    page, make_user, site
):
    manager = make_user(Role.MANAGER)
    VisitFactory.create_batch(17, site=site)
    year = timezone.localdate().year
    document = bilan_document_create(
        user=manager,
        date_from=datetime.date(year, 1, 1),
        date_to=datetime.date(year, 12, 31),
        site=site,
    )
    sign_in(page, manager)
    page.goto(document.get_absolute_url())
    text = page.locator("#id_villages_text")
    preview = page.locator('[data-preview-for="id_villages_text"]')
    text.fill("Passages en accès libre : ")

    # Keyboard only: open the Vill@ges list, move to the figure, press Entrée.
    page.locator("summary", has_text="Vill@ges connectés").focus()
    page.keyboard.press("Enter")
    figure = page.get_by_role("button", name=re.compile(r"^Visites en accès libre : 17"))
    figure.focus()
    page.keyboard.press("Enter")

    expect(text).to_have_value("Passages en accès libre : [[villages.free_access_visits]]")
    expect(text).to_be_focused()
    expect(preview).to_have_text("Passages en accès libre : 17")
    assert_no_axe_violations(page, "éditeur du bilan")
    shot(page, "man-04-editeur-references")

    # A reference to no figure is refused under its field; what was typed stays.
    text.fill("Passages : [[villages.passages]]")
    expect(preview.locator(".ceis-ref-unknown")).to_have_text("[[villages.passages]]")
    page.locator("#id_contact").fill("Presse : 05 56 00 00 00")
    page.get_by_role("button", name="Enregistrer les textes").click()
    expect(page.get_by_text("ne correspond à aucun chiffre du bilan")).to_be_visible()
    expect(text).to_have_value("Passages : [[villages.passages]]")
    expect(page.locator("#id_contact")).to_have_value("Presse : 05 56 00 00 00")
    assert BilanDocument.objects.get().contact == ""
