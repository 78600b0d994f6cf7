"""Journey of the messages (issue #19): the mediator records a person's SMS consent on their
file and books; the confirmation appears in the file's log. The admin edits an SMS template:
the live count names a character outside GSM-7, the preview follows the text. axe-core on each
screen."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from appointments.choices import Weekday
from appointments.tests.factories import OpeningHoursFactory
from ceis.choices import Role
from ceis.tests.factories import PersonFactory
from messaging.models import ContactConsent, Message

from .conftest import assert_no_axe_violations, field, shot, sign_in

pytestmark = pytest.mark.browser


def test_mediator_records_sms_consent_and_the_booking_confirmation_is_logged(
    page, make_user, site, settings, tmp_path
):
    settings.CEIS_SMS_BACKEND = "messaging.sms.FileSmsBackend"
    settings.CEIS_SMS_DIR = tmp_path
    mediator = make_user(Role.MEDIATEUR_NUMERIQUE, first_name="Karim", last_name="Benali")
    for weekday in Weekday.values:
        OpeningHoursFactory(
            agent=mediator,
            site=site,
            weekday=weekday,
            start=datetime.time(8),
            end=datetime.time(20),
        )
    ana = PersonFactory(site=site, last_name="Leroy", first_name="Ana", phone="06 12 34 56 78")
    sign_in(page, mediator)

    page.goto(ana.get_absolute_url())
    panel = page.locator("#messages")
    expect(panel.get_by_text("Jamais demandé").first).to_be_visible()
    sms = panel.locator("form").first
    sms.get_by_label("Accepte", exact=True).check()
    sms.get_by_role("button", name="Enregistrer").click()
    expect(page.locator(".alert-success")).to_contain_text("Consentement SMS donné, enregistré.")
    assert ContactConsent.objects.get(person=ana).given
    assert_no_axe_violations(page, "fiche avec messages")

    page.get_by_role("link", name="Prendre rendez-vous").click()
    slots = page.get_by_role("complementary").get_by_role("link", name=re.compile(r"^\d+\s?h"))
    slots.first.click()
    field(page, "Motif").select_option(label="Accompagnement numérique")
    page.get_by_role("button", name="Prendre le rendez-vous").click()
    expect(page.locator(".alert-success")).to_contain_text("Rendez-vous de LEROY Ana pris le")
    message = Message.objects.get(person=ana)
    expect(page.locator("#messages")).to_contain_text("Confirmation de rendez-vous")
    hour = timezone.localtime(message.created_at).hour
    expect(page.locator("#messages")).to_contain_text(
        "Prévu le" if hour >= 20 or hour < 8 else "Envoyé"
    )
    shot(page, "messages-01-fiche")


def test_admin_edits_an_sms_template_with_the_live_count_and_preview(page, make_user):
    admin = make_user(Role.ADMIN)
    sign_in(page, admin)
    page.goto("/messages/modeles/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Modèles de messages")
    assert_no_axe_violations(page, "modèles de messages")
    page.get_by_role("link", name="Modifier Rappel d'atelier (la veille) (SMS)").click()
    # The preview follows the typing through htmx, which binds to the field once the page has
    # loaded: typed before that (a busy machine), the text would have no preview until the next
    # keystroke.
    page.wait_for_url(re.compile(r"/sms/$"), wait_until="load")
    body = field(page, "Texte")
    body.fill("CEIS : « atelier » {quoi} le {date} à {heure}")
    expect(page.locator("#sms-compteur")).to_contain_text(
        "Hors de l'alphabet des SMS : « « », « » »."
    )
    expect(page.locator("#apercu")).to_contain_text("le mardi 1er décembre à 14h30")
    assert_no_axe_violations(page, "modification d'un modèle")
    shot(page, "messages-02-modele")
    page.get_by_role("button", name="Enregistrer le modèle").click()
    expect(page.locator(".invalid-feedback")).to_contain_text("alphabet GSM-7")
    body.fill("CEIS : atelier {quoi} demain {date} à {heure}, {lieu}. Info : {telephone}")
    page.get_by_role("button", name="Enregistrer le modèle").click()
    expect(page.locator(".alert-success")).to_contain_text(
        "Modèle « Rappel d'atelier (la veille) » enregistré."
    )
