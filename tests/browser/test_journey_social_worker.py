"""Journey of a social worker (Unis'Vers), from the login form to the to-do list."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ceis.choices import Role
from ceis.models import Person
from ceis.tests.factories import PersonFactory
from unisvers.models import Attendance, Cohort, Enrollment, FollowUp, MeetingDay

from .conftest import field, login, shot

pytestmark = pytest.mark.browser


def enroll_new(page, cohort_name, last, first, birth, entry):
    page.get_by_role("link", name="Inscrire une personne").click()
    field(page, "Nom, date de naissance ou téléphone").fill(last)
    page.get_by_role("button", name="Rechercher").click()
    page.get_by_role("link", name="Créer sa fiche puis l'inscrire").click()
    field(page, "Nom").fill(last)
    field(page, "Prénom").fill(first)
    field(page, "Date de naissance").fill(birth)
    page.get_by_role("button", name="Créer la fiche et continuer").click()
    return intake(page, cohort_name, entry)


def intake(page, cohort_name, entry):
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"dans {cohort_name}")
    field(page, "Date d'entrée").fill(entry)
    page.get_by_role("button", name="Inscrire", exact=True).click()
    expect(page.locator(".alert-success")).to_contain_text("est inscrit·e dans")


def test_social_worker_journey(page, make_user, site):
    today = timezone.localdate()
    start, end = today - datetime.timedelta(days=14), today + datetime.timedelta(days=28)
    worker = make_user(Role.TRAVAILLEUR_SOCIAL, first_name="Sonia", last_name="Référente")
    PersonFactory(site=site, last_name="Martin", first_name="Louise", birth_date="1985-04-12")

    login(page, worker)
    shot(page, "ts-01-accueil")

    # A cohort: every weekday, from two weeks ago for six weeks.
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Unis'Vers"
    ).click()
    page.get_by_role("link", name="Nouvelle promotion").click()
    field(page, "Nom").fill("Promo navigateur")
    field(page, "Date de début").fill(start.isoformat())
    field(page, "Date de fin").fill(end.isoformat())
    for day in ("Mercredi", "Vendredi"):
        page.get_by_label(day).check()
    shot(page, "ts-02-nouvelle-promotion")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator(".alert-success")).to_contain_text("« Promo navigateur » est créée avec")
    # Referents are named by a manager or an admin, never by the social worker herself
    # (security.md row 17): her manager names her, as "Désigner les référents" does.
    Cohort.objects.get(name="Promo navigateur").referents.add(worker)

    # Three people: two new files, and a third typed again although she has a file.
    enroll_new(page, "Promo navigateur", "Dupont", "Karim", "1979-02-03", start.isoformat())
    enroll_new(page, "Promo navigateur", "Bernard", "Nadia", "1990-07-21", start.isoformat())
    # (a typo in the search: nobody found, so she creates a file again)
    page.get_by_role("link", name="Inscrire une personne").click()
    field(page, "Nom, date de naissance ou téléphone").fill("Martinn")
    page.get_by_role("button", name="Rechercher").click()
    page.get_by_role("link", name="Créer sa fiche puis l'inscrire").click()
    field(page, "Nom").fill("MARTIN")
    field(page, "Prénom").fill("louise")
    field(page, "Date de naissance").fill("1985-04-12")
    page.get_by_role("button", name="Créer la fiche et continuer").click()
    warning = page.get_by_role("alert").filter(has_text="Cette personne existe peut-être déjà")
    expect(warning).to_contain_text("MARTIN Louise")
    shot(page, "ts-03-doublon-detecte")
    warning.get_by_role("link", name="inscrire cette personne").click()
    intake(page, "Promo navigateur", start.isoformat())
    assert Person.objects.filter(last_name__iexact="martin").count() == 1
    expect(page.get_by_role("heading", name=re.compile("3 participants en cours"))).to_be_visible()
    shot(page, "ts-04-promotion")

    # The register of the first day: one excused absence.
    page.get_by_role("link", name=re.compile("^Prendre le registre")).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Registre")
    page.get_by_role("group", name="DUPONT Karim").get_by_text("Absent·e excusé·e").click()
    shot(page, "ts-05-registre")
    page.get_by_role("button", name="Enregistrer le registre").click()
    expect(page.locator(".alert-success")).to_contain_text("2 présent·e·s sur 3")
    assert (
        Attendance.objects.filter(status="absent_excuse", person__last_name="Dupont").count() == 1
    )

    # A follow-up entry on Karim Dupont's file.
    page.locator("#participants").get_by_role("link", name="DUPONT Karim").click()
    form = page.locator("form").filter(has=page.get_by_role("heading", name="Ajouter un suivi"))
    field(form, "Type").select_option("entretien")
    field(form, "Note").fill("Point sur la recherche de logement.")
    form.get_by_role("button", name="Ajouter au suivi").click()
    expect(page.locator(".alert-success")).to_contain_text("Le suivi est ajouté.")
    expect(page.locator("#titre-suivi")).to_contain_text("Suivi individuel (1)")
    assert FollowUp.objects.filter(person__last_name="Dupont").count() == 1
    shot(page, "ts-06-fiche-participant")

    # An exit (training) for Nadia Bernard.
    page.goto(f"/unisvers/participants/{Person.objects.get(last_name='Bernard').public_id}/")
    page.get_by_role("link", name="Enregistrer la sortie").click()
    field(page, "Motif de sortie").select_option("formation")
    page.get_by_role("button", name="Enregistrer la sortie").click()
    expect(page.locator(".alert-success")).to_contain_text("La sortie de BERNARD Nadia")

    # A dropout for Louise Martin: the reason is required.
    page.goto(f"/unisvers/participants/{Person.objects.get(last_name='Martin').public_id}/")
    page.get_by_role("link", name="Enregistrer la sortie").click()
    field(page, "Motif de sortie").select_option("abandon")
    page.get_by_role("button", name="Enregistrer la sortie").click()
    expect(page.get_by_role("alert")).to_contain_text("La sortie n'est pas enregistrée")
    shot(page, "ts-07-abandon-sans-raison")
    field(page, "Raison de l'abandon").select_option("demenagement")
    page.get_by_role("button", name="Enregistrer la sortie").click()
    expect(page.locator(".alert-success")).to_contain_text("La sortie de MARTIN Louise")
    exits = dict(
        Enrollment.objects.exclude(exit_date=None).values_list("person__last_name", "exit_outcome")
    )
    assert exits == {"Bernard": "formation", "Martin": "abandon"}
    assert Enrollment.objects.get(person__last_name="Martin").dropout_reason == "demenagement"

    # The to-do list on the home page: the registers not taken yet.
    page.get_by_role("link", name="Accueil").first.click()
    todo = page.locator("section").filter(
        has=page.get_by_role("heading", name="Unis'Vers — à faire")
    )
    expect(todo).to_contain_text("Registres non pris")
    expect(todo).to_contain_text("Promo navigateur")
    taken = MeetingDay.objects.exclude(register_taken_at=None).get()
    expect(todo).not_to_contain_text(f"Promo navigateur — {taken.date:%d/%m/%Y}")
    shot(page, "ts-08-a-faire")
