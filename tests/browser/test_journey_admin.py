"""The admin's journey on the staff screen (security.md row 19): create a social worker, who
receives the invitation, chooses a password and logs in; the staff pages pass axe."""

import re

from django.core import mail
from playwright.sync_api import expect

from ceis.choices import Role

from .conftest import login, shot
from .test_accessibility import check_pages

PASSWORD = "une-phrase-de-passe-2026"


def test_an_admin_invites_a_social_worker_who_logs_in(page, browser, live_server, make_user, site):
    admin = make_user(Role.ADMIN, first_name="Paul", last_name="Roux")
    login(page, admin)
    page.get_by_role("link", name="Équipe").first.click()
    expect(page.get_by_role("heading", name="Équipe")).to_be_visible()
    page.get_by_role("link", name="Nouveau compte").click()
    page.locator("#id_last_name").fill("Haddad")
    page.locator("#id_first_name").fill("Aïcha")
    page.locator("#id_email").fill("aicha.haddad@ceis.invalid")
    page.get_by_label("Travailleur social").check()
    page.get_by_label(site.name).check()
    shot(page, "admin-equipe-nouveau-compte")
    page.get_by_role("button", name="Créer et envoyer l'invitation").click()
    expect(page.get_by_text("l'invitation est envoyée à aicha.haddad@ceis.invalid")).to_be_visible()
    expect(page.get_by_text("Invitation en attente")).to_be_visible()
    shot(page, "admin-equipe-compte-invite")

    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/mot-de-passe/reinitialiser/\S+", mail.outbox[0].body).group(0)
    newcomer = browser.new_page(base_url=live_server.url)
    newcomer.goto(link)
    newcomer.locator("#id_new_password1").fill(PASSWORD)
    newcomer.locator("#id_new_password2").fill(PASSWORD)
    newcomer.get_by_role("button", name="Enregistrer").click()
    expect(newcomer.get_by_role("heading", name="Mot de passe enregistré")).to_be_visible()
    newcomer.get_by_role("link", name="Se connecter").click()
    newcomer.get_by_label("Identifiant").fill("aicha.haddad")
    newcomer.get_by_label("Mot de passe").fill(PASSWORD)
    newcomer.get_by_role("button", name="Se connecter").click()
    expect(newcomer.get_by_role("heading", name="Bonjour Aïcha")).to_be_visible()
    newcomer.close()

    page.goto("/equipe/")
    row = page.get_by_role("row", name=re.compile("HADDAD Aïcha"))
    expect(row).to_contain_text("Travailleur social")
    expect(row).to_contain_text("Actif")
    shot(page, "admin-equipe-liste")


def test_axe_staff_pages(page, live_server, make_user, site):
    from .conftest import force_login

    member = make_user(Role.VOLONTAIRE, username="lea.garcia")
    force_login(page.context, make_user(Role.ADMIN), live_server)
    base = f"/equipe/compte/{member.username}/"
    check_pages(
        page,
        [
            "/equipe/",
            "/equipe/nouveau/",
            base,
            f"{base}desactiver/",
            f"{base}double-authentification/",
        ],
    )
