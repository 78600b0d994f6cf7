"""Six more journeys, each page new to the browser tests checked with axe-core: a France Travail
referral list imported into a cohort, an event and its attendees, a testimonial, a yearly
target, walk-ins at a session, and the second factor set up then used at the next login; and the
admin's template data package, downloaded then sent back."""

import datetime
import re

import pytest
from django.utils import timezone
from django_otp.oath import TOTP
from playwright.sync_api import expect

from ceis.choices import Role
from ceis.models import Person, Site, TOTPDevice
from ceis.tests.factories import PersonFactory
from unisvers import models as unisvers_models
from unisvers.models import Enrollment, Event, Target
from unisvers.tests.factories import CohortFactory, EnrollmentFactory
from villages.models import Registration
from villages.tests.factories import SessionFactory, WorkshopFactory

from .conftest import assert_no_axe_violations, field, shot, sign_in

pytestmark = pytest.mark.browser


def _cohort(site, worker, name="Promo printemps"):
    today = timezone.localdate()
    cohort = CohortFactory(
        site=site,
        name=name,
        start_date=today - datetime.timedelta(days=7),
        end_date=today + datetime.timedelta(days=35),
        weekdays=["mon", "tue", "wed", "thu", "fri"],
    )
    cohort.referents.add(worker)
    return cohort


def test_referral_list_from_french_excel_previewed_then_enrolled(
    page, make_user, site, settings, tmp_path
):
    """The list as French Excel saves it (semicolons, Windows-1252): one new person, one who
    already has a file (written without accents), one row with an impossible date."""
    settings.MEDIA_ROOT = tmp_path / "media"
    worker = make_user(Role.TRAVAILLEUR_SOCIAL)
    cohort = _cohort(site, worker)
    PersonFactory(
        site=site, last_name="LEFEVRE", first_name="Eloise", birth_date=datetime.date(1990, 7, 1)
    )
    listing = tmp_path / "orientations.csv"
    listing.write_bytes(
        (
            "NOM;Prénom;Date de naissance;Identifiant France Travail;Téléphone;E-mail;"
            "Conseiller;Date d'orientation\r\n"
            "Dupont;Marie;12/03/1985;1234567X;06 11 22 33 44;;M. Roux;02/02/2026\r\n"
            "Lefèvre;Éloïse;01/07/1990;7654321Y;;;Mme Sol;03/02/2026\r\n"
            "Martin;Paul;31/02/1979;;;;M. Roux;03/02/2026\r\n"
        ).encode("cp1252")
    )

    sign_in(page, worker)
    page.goto(cohort.get_absolute_url())
    page.get_by_role("link", name="Importer une liste France Travail").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Importer une liste d'orientation France Travail"
    )
    assert_no_axe_violations(page, "import de liste, formulaire")
    page.get_by_label("Liste reçue (XLSX ou CSV)").set_input_files(str(listing))
    page.get_by_role("button", name="Voir l'aperçu").click()

    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("Nouvelle personne")
    expect(rows.nth(1)).to_contain_text("Personne existante")
    expect(rows.nth(1)).to_contain_text("Lefèvre")  # accents read right from Windows-1252
    expect(rows.nth(2)).to_contain_text("Erreur")
    expect(page.get_by_label("Inscrire la ligne 2")).to_be_checked()
    expect(page.get_by_label("Inscrire la ligne 3")).to_be_checked()
    shot(page, "ts-10-liste-france-travail")
    assert_no_axe_violations(page, "import de liste, aperçu")

    page.get_by_role("button", name="Inscrire les personnes cochées").click()
    expect(page.locator(".alert-success")).to_contain_text("2 personnes inscrites")
    enrolled = Enrollment.objects.filter(cohort=cohort).order_by("person__last_name")
    assert [(e.person.last_name, e.referral_adviser) for e in enrolled] == [
        ("Dupont", "M. Roux"),
        ("LEFEVRE", "Mme Sol"),
    ]
    assert Person.objects.count() == 2  # the existing file was used, Martin was not created


def test_event_created_then_its_attendees_ticked(page, make_user, site):
    worker = make_user(Role.TRAVAILLEUR_SOCIAL)
    cohort = _cohort(site, worker)
    nadia = EnrollmentFactory(cohort=cohort, person__last_name="Benali").person
    EnrollmentFactory(cohort=cohort, person__last_name="Garcia")

    sign_in(page, worker)
    page.goto("/unisvers/evenements/")
    assert_no_axe_violations(page, "événements")
    page.get_by_role("link", name=re.compile("Nouvel événement")).click()
    field(page, "Date").fill(timezone.localdate().isoformat())
    field(page, "Type").select_option("alumni")
    field(page, "Intitulé").fill("Goûter des anciens")
    assert_no_axe_violations(page, "nouvel événement")
    page.get_by_role("button", name="Créer").click()
    expect(page.locator(".alert-success")).to_contain_text("L'événement est créé")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Goûter des anciens")
    assert_no_axe_violations(page, "page d'un événement")

    page.get_by_label(str(nadia)).check()
    page.get_by_role("button", name="Enregistrer les présents").click()
    expect(page.locator(".alert-success")).to_have_text("1 participant·e enregistré·e.")
    expect(page.get_by_role("heading", level=2)).to_have_text("1 participant")
    shot(page, "ts-11-evenement")
    event = Event.objects.get()
    assert (event.kind, event.site, list(event.attendees.all())) == ("alumni", site, [nadia])


def test_testimonial_collected_on_a_participant_file_then_listed(page, make_user, site):
    worker = make_user(Role.TRAVAILLEUR_SOCIAL)
    cohort = _cohort(site, worker)
    person = EnrollmentFactory(cohort=cohort, person__last_name="Roussel").person

    sign_in(page, worker)
    page.goto(f"/unisvers/participants/{person.public_id}/")
    form = page.locator("form").filter(
        has=page.get_by_role("heading", name="Recueillir un témoignage")
    )
    # The follow-up form of the same page has a "Date" too: each label names its own field.
    field(form, "Date").fill(timezone.localdate().isoformat())
    field(form, "Prénom affiché").fill("Sabine")
    # A refused form keeps what was typed: the quote is missing.
    form.get_by_role("button", name="Enregistrer le témoignage").click()
    expect(page.locator(".invalid-feedback").first).to_be_visible()
    form = page.locator("form").filter(
        has=page.get_by_role("heading", name="Recueillir un témoignage")
    )
    expect(field(form, "Prénom affiché")).to_have_value("Sabine")
    field(form, "Témoignage").fill("L'atelier vélo m'a redonné de l'élan.")
    form.get_by_label("Consentement écrit à la publication").check()
    form.get_by_role("button", name="Enregistrer le témoignage").click()
    expect(page.locator(".alert-success")).to_contain_text("Le témoignage est enregistré.")

    page.goto("/unisvers/temoignages/")
    quote = page.locator("figure").filter(has_text="redonné de l'élan")
    expect(quote).to_contain_text("Sabine")
    expect(quote).to_contain_text("Publication autorisée")
    shot(page, "ts-12-temoignages")
    assert_no_axe_violations(page, "témoignages")
    testimonial = unisvers_models.Testimonial.objects.get()
    assert (testimonial.person, testimonial.publication_consent) == (person, True)


def test_manager_sets_then_changes_a_yearly_target(page, make_user, site):
    manager = make_user(Role.MANAGER)
    year = timezone.localdate().year

    sign_in(page, manager)
    page.goto("/unisvers/objectifs/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Objectifs")
    field(page, "Site").select_option(label=str(site))
    field(page, "Personnes à accompagner").fill("-3")
    page.get_by_role("button", name=re.compile("Enregistrer")).click()
    expect(page.locator(".invalid-feedback").first).to_be_visible()
    expect(field(page, "Personnes à accompagner")).to_have_value("-3")
    field(page, "Personnes à accompagner").fill("40")
    page.get_by_role("button", name=re.compile("Enregistrer")).click()
    expect(page.locator(".alert-success")).to_have_text(
        f"Objectif {year} de {site} : 40 personnes."
    )
    # The same site and year again: the target is changed, not doubled.
    field(page, "Site").select_option(label=str(site))
    field(page, "Personnes à accompagner").fill("45")
    page.get_by_role("button", name=re.compile("Enregistrer")).click()
    expect(page.locator(".alert-success")).to_contain_text("45 personnes")
    shot(page, "man-10-objectifs")
    assert_no_axe_violations(page, "objectifs")
    assert list(Target.objects.values_list("site", "year", "persons")) == [(site.pk, year, 45)]


def test_walk_ins_added_at_the_check_in(page, make_user, site):
    """Two people come without registering: one with a file, found by the search, and one
    without, whose file is made on the spot; both are marked present."""
    mediator = make_user(Role.MEDIATEUR_NUMERIQUE)
    start = timezone.localtime().replace(hour=14, minute=0, second=0, microsecond=0)
    session = SessionFactory(
        site=site, workshop=WorkshopFactory(title="Smartphone : les bases"), start=start
    )
    PersonFactory(site=site, last_name="Fabre", first_name="Odile")

    sign_in(page, mediator)
    page.goto(f"/villages/seances/{session.public_id}/pointage/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Smartphone : les bases")
    field(page, "Rechercher une personne").last.fill("Fabre")
    page.locator("#resultats-personnes").get_by_role(
        "button", name=re.compile("Ajouter, présent·e .*FABRE Odile")
    ).click()
    expect(page.locator(".alert-success")).to_contain_text(
        "FABRE Odile est ajouté·e et marqué·e présent·e."
    )

    page.locator("summary", has_text="Nouvelle personne").click()
    new = page.locator("details form")
    field(new, "Nom").fill("Nguyen")
    field(new, "Prénom").fill("Minh")
    new.get_by_role("button", name="Créer et marquer présent·e").click()
    expect(page.locator(".alert-success")).to_contain_text("NGUYEN Minh est ajouté·e")
    rows = page.get_by_role("list", name="Personnes attendues").get_by_role("listitem")
    expect(rows).to_have_count(2)
    shot(page, "med-10-venus-sans-inscription")
    assert_no_axe_violations(page, "pointage avec personnes venues sans inscription")
    registrations = Registration.objects.filter(session=session).order_by("person__last_name")
    assert [(r.person.last_name, r.attendance) for r in registrations] == [
        ("Fabre", "present"),
        ("Nguyen", "present"),
    ]


def _totp_now(secret_text: str) -> str:
    """The code an authenticator application shows for the key printed under the QR code."""
    import base64

    key = base64.b32decode(secret_text.replace(" ", ""))
    totp = TOTP(key, step=30, t0=0, digits=6)
    return f"{totp.token():06d}"


def test_second_factor_set_up_at_first_login_then_a_backup_code(page, make_user, settings):
    settings.CEIS_REQUIRE_2FA = True
    manager = make_user(Role.MANAGER)

    login_page = page
    login_page.goto("/connexion/")
    field(page, "Identifiant").fill(manager.username)
    field(page, "Mot de passe").fill("motdepasse-de-test")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Activer la double authentification")
    assert_no_axe_violations(page, "activation de la double authentification")
    # Another page is refused until the second factor is set up.
    page.goto("/bilans/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Activer la double authentification")

    secret = page.locator("code").inner_text()
    field(page, "Code à 6 chiffres (ou code de secours à 8 chiffres)").fill(_totp_now(secret))
    page.get_by_role("button", name="Activer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vos codes de secours")
    codes = page.locator("ul.font-monospace li").all_inner_texts()
    assert len(codes) == 10
    shot(page, "man-11-codes-de-secours")
    assert_no_axe_violations(page, "codes de secours")
    page.get_by_role("link", name="Continuer").click()
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Vos codes de secours")
    assert TOTPDevice.objects.get(user=manager).confirmed

    # Next login: the code is asked; a backup code opens the session, once.
    page.context.clear_cookies()
    login_page.goto("/connexion/")
    field(page, "Identifiant").fill(manager.username)
    field(page, "Mot de passe").fill("motdepasse-de-test")
    page.get_by_role("button", name="Se connecter").click()
    code_field = field(page, "Code à 6 chiffres (ou code de secours à 8 chiffres)")
    expect(code_field).to_be_visible()
    assert_no_axe_violations(page, "saisie du code")
    code_field.fill(codes[0])
    page.get_by_role("button", name="Vérifier").click()
    page.wait_for_url(re.compile(r"/$"))
    page.goto("/bilans/")
    expect(page.get_by_role("heading", level=1)).not_to_have_text(
        "Activer la double authentification"
    )


def test_admin_downloads_the_template_package_and_sends_it_back(
    page, make_user, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    admin = make_user(Role.ADMIN)

    sign_in(page, admin)
    page.goto("/donnees/")
    assert_no_axe_violations(page, "paquet de données")
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger le modèle de paquet (zip)").click()
    template = tmp_path / download.value.suggested_filename
    download.value.save_as(template)
    assert template.name == "ceis-paquet-modele.zip"

    page.get_by_label("Archive zip du paquet").set_input_files(str(template))
    page.get_by_role("button", name="Vérifier le paquet").click()
    expect(page.locator(".alert-success")).to_contain_text("Le paquet est valide")
    expect(page.locator("#lecture")).to_contain_text(
        "Tous les fichiers : UTF-8 avec BOM, séparateur virgule."
    )
    shot(page, "admin-paquet-rapport")
    assert_no_axe_violations(page, "rapport de vérification du paquet")
    page.get_by_role("button", name="Confirmer l'import").click()
    expect(page.locator(".alert-success")).to_contain_text("Paquet importé : ")
    assert Site.objects.filter(code="exemple").exists()
