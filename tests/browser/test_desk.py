"""The desk's small frictions in the browser (issue #21): the tablet check-in, the phone
counter, the dropout reason, the follow-up anchor, the searches as you type. The check-in and
counter screens are the README's screenshots (docs/img/)."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ceis.choices import Role
from ceis.tests.factories import PersonFactory
from unisvers.models import FollowUp
from unisvers.tests.factories import CohortFactory, EnrollmentFactory
from villages.models import Registration, Visit
from villages.tests.factories import RegistrationFactory, SessionFactory

from .conftest import PHONE, TABLET, force_login
from .test_navigation import doc_shot

pytestmark = pytest.mark.browser


def test_tablet_checkin_a_tap_on_the_name_and_the_counter(page, live_server, make_user, site):
    volunteer = make_user(Role.VOLONTAIRE, first_name="Paul", last_name="Volontaire")
    session = SessionFactory(today=True, site=site, workshop__title="Découvrir sa tablette")
    people = [("Leroy", "Ana"), ("Petit", "Jean"), ("Moreau", "Lina"), ("Diallo", "Awa")]
    rows = [
        RegistrationFactory(
            session=session, person=PersonFactory(site=site, last_name=last, first_name=first)
        )
        for last, first in people
    ]
    force_login(page.context, volunteer, live_server)
    page.set_viewport_size(TABLET)
    page.goto(f"/villages/seances/{session.public_id}/pointage/")
    counter = page.locator("#pointage-compteur")
    expect(counter).to_have_text("0 personne présente sur 4")
    # A tap on the name itself, not on a button beside it.
    page.locator(f"#inscription-{rows[0].public_id} .vc-checkin-name").click()
    expect(page.locator(f"#inscription-{rows[0].public_id} .vc-toggle")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(counter).to_have_text("1 personne présente sur 4")
    page.locator(f"#inscription-{rows[2].public_id} .vc-checkin-name").click()
    expect(counter).to_have_text("2 personnes présentes sur 4")
    assert Registration.objects.filter(attendance="present").count() == 2
    page.evaluate("document.activeElement.blur()")
    doc_shot(page, "pointage-tablette")


def test_phone_counter_options_first_one_visit_per_double_tap_and_undo(
    page, live_server, make_user, site
):
    volunteer = make_user(Role.VOLONTAIRE, first_name="Paul", last_name="Volontaire")
    force_login(page.context, volunteer, live_server)
    page.set_viewport_size(PHONE)
    page.goto("/villages/accueil-libre/")
    switch = page.get_by_label("Aidé·e par un volontaire")
    button = page.get_by_role("button", name="+1 visite")
    assert switch.bounding_box()["y"] < button.bounding_box()["y"]
    button.dblclick()
    expect(page.locator(".alert-success")).to_contain_text("Visite enregistrée. 1 visite")
    assert Visit.objects.count() == 1
    switch.check()
    page.get_by_role("button", name="+1 visite").click()
    expect(page.locator(".vc-count")).to_contain_text("2 visites aujourd'hui")
    doc_shot(page, "compteur-telephone", full_page=True)
    page.get_by_role("button", name=re.compile("^Annuler la visite de")).first.click()
    expect(page.locator(".alert-success")).to_contain_text("La visite est annulée. 1 visite")
    assert Visit.objects.count() == 1


def test_dropout_reason_appears_for_an_abandon_only(page, live_server, make_user, site):
    worker = make_user(Role.TRAVAILLEUR_SOCIAL)
    cohort = CohortFactory(site=site, referents=[worker])
    enrollment = EnrollmentFactory(cohort=cohort)
    force_login(page.context, worker, live_server)
    page.goto(f"/unisvers/inscriptions/{enrollment.public_id}/sortie/")
    reason = page.locator("select[name=dropout_reason]")
    expect(reason).to_be_hidden()
    page.locator("select[name=exit_outcome]").select_option("abandon")
    expect(reason).to_be_visible()
    page.locator("select[name=exit_outcome]").select_option("formation")
    expect(reason).to_be_hidden()
    # The cohort is over (spring 2026): its end is the date offered.
    expect(page.locator("input[name=exit_date]")).to_have_value(f"{cohort.end_date:%Y-%m-%d}")


def test_after_adding_a_followup_the_new_entry_has_the_focus(page, live_server, make_user, site):
    worker = make_user(Role.TRAVAILLEUR_SOCIAL)
    cohort = CohortFactory(site=site, referents=[worker])
    enrollment = EnrollmentFactory(cohort=cohort)
    force_login(page.context, worker, live_server)
    page.goto(f"/unisvers/participants/{enrollment.person.public_id}/")
    page.locator("select[name=kind]").select_option(index=1)
    page.get_by_label("Note").fill("Rendez-vous pris à la mission locale.")
    page.get_by_role("button", name="Ajouter au suivi").click()
    expect(page.locator(".alert-success")).to_contain_text("Le suivi est ajouté.")
    followup = FollowUp.objects.get()
    assert page.url.endswith(f"#suivi-{followup.public_id}")
    expect(page.locator(f"#suivi-{followup.public_id}")).to_be_focused()


def test_search_result_opens_the_participant_page(page, live_server, make_user, site):
    worker = make_user(Role.TRAVAILLEUR_SOCIAL)
    today = timezone.localdate()
    cohort = CohortFactory(
        site=site,
        referents=[worker],
        start_date=today - datetime.timedelta(days=7),
        end_date=today + datetime.timedelta(days=30),
    )
    person = EnrollmentFactory(
        cohort=cohort, person=PersonFactory(site=site, last_name="Durand", first_name="Léa")
    ).person
    force_login(page.context, worker, live_server)
    page.goto("/")
    page.get_by_role("searchbox", name="Rechercher une personne").first.fill("Durand")
    results = page.locator("#recherche-resultats")
    programme_file = results.get_by_role("link", name=re.compile("^DURAND Léa ·"))
    expect(programme_file).to_be_visible()
    expect(results.get_by_role("link", name="Fiche identité de DURAND Léa")).to_be_visible()
    programme_file.click()
    expect(page).to_have_url(re.compile(f"/unisvers/participants/{person.public_id}/$"))


def test_home_help_box_searches_as_you_type(page, live_server, make_user, site):
    mediator = make_user(Role.MEDIATEUR_NUMERIQUE)
    person = PersonFactory(site=site, last_name="Fabre", first_name="Nina")
    force_login(page.context, mediator, live_server)
    page.goto("/")
    page.get_by_role("searchbox", name="Personne accompagnée").fill("Fabre")
    link = page.locator("#aide-rapide-resultats").get_by_role("link", name=re.compile("FABRE Nina"))
    expect(link).to_be_visible()
    link.click()
    expect(page).to_have_url(re.compile(rf"personne={person.public_id}"))
