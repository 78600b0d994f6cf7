"""Journey of a digital mediator (Vill@ges connectés): a session, its waiting list, the tablet
check-in, an individual help and an assessment."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ceis.choices import Role
from ceis.tests.factories import PersonFactory
from villages.models import Assessment, IndividualHelp, Registration
from villages.tests.factories import WorkshopFactory

from .conftest import TABLET, field, login, shot

pytestmark = pytest.mark.browser


def register(page, name):
    field(page, "Rechercher une personne").last.fill(name)
    results = page.locator("#resultats-personnes")
    results.get_by_role("button", name=re.compile(f"^Inscrire .*{name}", re.I)).click()


def test_mediator_journey(page, make_user, site):
    mediator = make_user(Role.MEDIATEUR_NUMERIQUE, first_name="Karim", last_name="Médiateur")
    WorkshopFactory(title="Découvrir sa tablette")
    ana = PersonFactory(site=site, last_name="Leroy", first_name="Ana")
    PersonFactory(site=site, last_name="Petit", first_name="Jean")
    lina = PersonFactory(site=site, last_name="Moreau", first_name="Lina")

    login(page, mediator)
    shot(page, "med-01-accueil")

    # A session of 2 seats, today.
    page.goto("/villages/seances/nouvelle/")
    field(page, "Atelier").select_option(label="Découvrir sa tablette")
    field(page, "Date (la première, pour une série)").fill(timezone.localdate().isoformat())
    field(page, "Heure").fill("23:00")
    field(page, "Places").fill("2")
    page.get_by_role("button", name=re.compile("^(Enregistrer|Programmer)")).click()
    expect(page.locator(".alert-success")).to_contain_text("La séance a été programmée.")

    # Three registrations: the third goes on the waiting list.
    register(page, "Leroy")
    expect(page.locator(".alert-success")).to_contain_text("LEROY Ana est inscrit·e")
    register(page, "Petit")
    expect(page.locator(".alert-success")).to_contain_text("PETIT Jean est inscrit·e")
    register(page, "Moreau")
    expect(page.locator(".alert-warning").first).to_contain_text(
        "La séance est complète : MOREAU Lina est sur la liste d'attente."
    )
    shot(page, "med-02-seance-liste-attente")

    # Ana Leroy cancels: Lina Moreau gets her seat.
    page.get_by_role("link", name="Annuler l'inscription de LEROY Ana").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Annuler l'inscription de")
    page.get_by_role("button", name="Annuler l'inscription").click()
    expect(page.locator(".alert-success")).to_contain_text("MOREAU Lina")
    shot(page, "med-03-annulation-promotion")
    statuses = dict(Registration.objects.values_list("person__last_name", "status"))
    assert statuses == {"Leroy": "annule", "Petit": "inscrit", "Moreau": "inscrit"}

    # The check-in on a tablet.
    page.set_viewport_size(TABLET)
    page.get_by_role("link", name="Pointer les présences").click()
    rows = page.get_by_role("list", name="Personnes attendues").get_by_role("listitem")
    expect(rows).to_have_count(2)
    page.get_by_role("button", name=re.compile("marquer MOREAU Lina présent")).click()
    expect(
        page.get_by_role("button", name=re.compile("marquer MOREAU Lina absent"))
    ).to_have_attribute("aria-pressed", "true")
    shot(page, "med-04-pointage-tablette")
    assert Registration.objects.get(person=lina).attendance == "present"

    # An individual help for Ana Leroy, from her Vill@ges file.
    page.goto(f"/villages/personnes/{ana.public_id}/")
    page.get_by_role("link", name="Consigner un accompagnement").click()
    page.locator("label.vc-chip", has_text="Aide aux démarches administratives").first.click()
    shot(page, "med-05-accompagnement")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.locator(".alert-success")).to_contain_text(
        "Accompagnement de LEROY Ana enregistré."
    )
    assert IndividualHelp.objects.filter(person=ana).count() == 1

    # Her digital-skills assessment.
    page.goto(f"/villages/personnes/{ana.public_id}/")
    page.get_by_role("link", name="Nouveau diagnostic").click()
    for question in page.locator("fieldset.vc-question").all():
        question.locator("label", has_text=re.compile("^Non$")).click()
    page.locator("fieldset.vc-question").first.locator("label", has_text="Oui").click()
    page.get_by_role("button", name="Enregistrer et voir le résultat").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Diagnostic")
    shot(page, "med-06-diagnostic")
    assessment = Assessment.objects.get(person=ana)
    assert assessment.internet_use_3m is True
    assert assessment.classification == "illectronisme"
    expect(page.locator("main")).to_contain_text("Illectronisme")
