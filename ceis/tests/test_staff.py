"""Staff accounts managed by admins at /equipe/, and Django's admin for superusers only, both
journalled (security.md row 19)."""

import datetime
import html
import re

import pytest
import time_machine
from django.contrib.admin.models import LogEntry
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.forms.models import model_to_dict
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice

from ceis.choices import JournalAction, Role
from ceis.demo import DEMO_PASSWORD, seed_core
from ceis.models import JournalEntry, Person, TOTPDevice, User
from ceis.tests.factories import PersonFactory, SiteFactory
from ceis.twofactor import backup_codes_renew

NEW_PASSWORD = "une-phrase-de-passe-2026"


def _create_data(site, **overrides):
    data = {
        "last_name": "Haddad",
        "first_name": "Aïcha",
        "email": "aicha.haddad@ceis.invalid",
        "username": "",
        "roles": [Role.TRAVAILLEUR_SOCIAL],
        "sites": [site.pk],
    }
    data.update(overrides)
    return data


def _text(response) -> str:
    return html.unescape(response.content.decode())


def _link(message) -> str:
    return re.search(r"https?://[^/\s]+(/mot-de-passe/reinitialiser/\S+)", message.body).group(1)


def _set_password(client, link):
    form_page = client.get(link, follow=True)
    assert "Choisissez un nouveau mot de passe" in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]
    return client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})


@pytest.fixture
def admin_client(client_for):
    return client_for(Role.ADMIN)


@pytest.mark.django_db
def test_an_admin_creates_a_social_worker_who_gets_the_invitation_and_logs_in(admin_client, site):
    response = admin_client.post(reverse("staff:create"), _create_data(site))
    member = User.objects.get(email="aicha.haddad@ceis.invalid")
    assert response.status_code == 302
    assert response["Location"] == reverse("staff:update", kwargs={"username": "aicha.haddad"})
    assert member.username == "aicha.haddad"
    assert not member.has_usable_password()
    assert member.roles == {Role.TRAVAILLEUR_SOCIAL}
    assert list(member.sites.all()) == [site]

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["aicha.haddad@ceis.invalid"]
    assert message.subject == "Votre compte CEIS"
    assert "Votre identifiant de connexion : aicha.haddad" in message.body
    assert "valable 72 heures" in message.body

    listing = _text(admin_client.get(reverse("staff:list"), headers={"HX-Request": "true"}))
    assert "HADDAD Aïcha" in listing
    assert "Invitation en attente" in listing
    assert "Travailleur social" in listing
    assert "travailleur_social" not in listing

    newcomer = Client()
    assert _set_password(newcomer, _link(message)).status_code == 302
    login = newcomer.post(reverse("login"), {"username": "aicha.haddad", "password": NEW_PASSWORD})
    assert login.status_code == 302
    home = newcomer.get(reverse("home")).content.decode()
    assert "Bonjour Aïcha" in home
    assert "Nouvelle personne" in home  # the social worker's own home

    # The link has served: it does not open the form a second time.
    again = newcomer.get(_link(message), follow=True).content.decode()
    assert "Lien invalide" in again

    entries = JournalEntry.objects.filter(object_type="ceis.user", object_ref=str(member.pk))
    created = entries.get(action=JournalAction.CREATE)
    assert created.user == admin_client.user
    assert created.payload == {"roles": [Role.TRAVAILLEUR_SOCIAL], "sites": [site.code]}
    assert entries.filter(action=JournalAction.UPDATE, payload={"invitation": "sent"}).exists()


@pytest.mark.django_db
def test_the_invitation_link_expires_after_72_hours(admin_client, site):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        admin_client.post(reverse("staff:create"), _create_data(site))
        link = _link(mail.outbox[0])
        clock.shift(datetime.timedelta(hours=72, minutes=1))
        page = Client().get(link, follow=True).content.decode()
    assert "Lien invalide" in page
    assert "demandez à l'administrateur du CEIS de vous la renvoyer" in page


@pytest.mark.django_db
def test_the_invitation_can_be_sent_again_until_the_password_is_chosen(admin_client, site):
    admin_client.post(reverse("staff:create"), _create_data(site))
    url = reverse("staff:invite", kwargs={"username": "aicha.haddad"})
    page = admin_client.post(url, follow=True).content.decode()
    assert "Une nouvelle invitation est envoyée à aicha.haddad@ceis.invalid" in page
    assert len(mail.outbox) == 2
    assert _set_password(Client(), _link(mail.outbox[1])).status_code == 302
    refused = admin_client.post(url, follow=True).content.decode()
    assert "a déjà choisi son mot de passe" in refused
    assert len(mail.outbox) == 2


class RefusingMailServer(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("SMTP indisponible")


@pytest.mark.django_db
def test_the_account_is_kept_when_the_mail_server_is_down_and_the_invitation_sent_later(
    admin_client, site, settings
):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingMailServer"
    response = admin_client.post(reverse("staff:create"), _create_data(site), follow=True)
    page = _text(response)
    assert "Le compte de Aïcha Haddad est créé" in page
    assert "L'invitation n'a pas pu être envoyée" in page
    member = User.objects.get(username="aicha.haddad")
    assert not JournalEntry.objects.filter(payload={"invitation": "sent"}).exists()

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    admin_client.post(reverse("staff:invite", kwargs={"username": member.username}))
    assert [message.to for message in mail.outbox] == [["aicha.haddad@ceis.invalid"]]
    assert JournalEntry.objects.filter(payload={"invitation": "sent"}).count() == 1


@pytest.mark.django_db
def test_the_create_form_sent_twice_makes_one_account_and_one_invitation(admin_client, site):
    form_page = admin_client.get(reverse("staff:create")).content.decode()
    token = re.search(r'name="submission_token" value="([^"]+)"', form_page).group(1)
    data = {**_create_data(site), "submission_token": token}
    first = admin_client.post(reverse("staff:create"), data)
    second = admin_client.post(reverse("staff:create"), data)
    assert second.status_code == 302 and second["Location"] == first["Location"]
    assert User.objects.filter(email="aicha.haddad@ceis.invalid").count() == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_the_demo_admin_manages_the_team(client):
    seed_core(persons=3)
    assert (
        client.post(reverse("login"), {"username": "admin", "password": DEMO_PASSWORD}).status_code
        == 302
    )
    home = client.get(reverse("home")).content.decode()
    assert reverse("staff:list") in home
    listing = client.get(reverse("staff:list")).content.decode()
    assert "MARTIN Sophie" in listing and "Travailleur social" in listing
    assert "Médiateur numérique" in listing and "Administrateur" in listing


@pytest.mark.django_db
def test_correcting_the_address_of_an_invitation_sends_it_again(admin_client, site):
    admin_client.post(reverse("staff:create"), _create_data(site, email="aicha@erreur.invalid"))
    first_link = _link(mail.outbox[0])
    page = admin_client.post(
        reverse("staff:update", kwargs={"username": "aicha.haddad"}),
        {**_create_data(site), "email": "aicha.haddad@ceis.invalid"},
        follow=True,
    )
    assert "Une nouvelle invitation est envoyée à aicha.haddad@ceis.invalid" in _text(page)
    assert mail.outbox[1].to == ["aicha.haddad@ceis.invalid"]
    assert "Lien invalide" in Client().get(first_link, follow=True).content.decode()
    assert _set_password(Client(), _link(mail.outbox[1])).status_code == 302


@pytest.mark.django_db
def test_a_refused_form_keeps_the_entries_and_says_why_in_french(admin_client, site, make_user):
    make_user(Role.VOLONTAIRE, email="deja@ceis.invalid")
    response = admin_client.post(
        reverse("staff:create"),
        _create_data(site, email="deja@ceis.invalid", roles=[Role.MEDIATEUR_NUMERIQUE], sites=[]),
    )
    page = _text(response)
    assert response.status_code == 200
    assert "Choisissez au moins un site" in page
    assert 'value="Haddad"' in page and 'value="deja@ceis.invalid"' in page
    response = admin_client.post(
        reverse("staff:create"),
        _create_data(site, email="deja@ceis.invalid", roles=[Role.MEDIATEUR_NUMERIQUE]),
    )
    assert "déjà celle d'un autre compte" in _text(response)
    assert not User.objects.filter(last_name="Haddad").exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_an_admin_edits_roles_and_sites_by_their_french_names(admin_client, site, make_user):
    member = make_user(Role.VOLONTAIRE, first_name="Léa", last_name="Garcia")
    other = SiteFactory(code="MPT", name="Maison pour tous")
    url = reverse("staff:update", kwargs={"username": member.username})
    form = admin_client.get(url).content.decode()
    assert "Médiateur numérique" in form and "mediateur_numerique</label>" not in form
    response = admin_client.post(
        url,
        {
            "last_name": "Garcia",
            "first_name": "Léa",
            "email": member.email,
            "roles": [Role.MEDIATEUR_NUMERIQUE],
            "sites": [site.pk, other.pk],
        },
    )
    assert response.status_code == 302
    member = User.objects.get(pk=member.pk)
    assert member.roles == {Role.MEDIATEUR_NUMERIQUE}
    assert set(member.sites.all()) == {site, other}
    entry = JournalEntry.objects.get(action=JournalAction.UPDATE, object_ref=str(member.pk))
    assert entry.payload == {"fields": ["roles", "sites"]}


@pytest.mark.django_db
def test_deactivating_ends_the_sessions_and_reactivating_lets_them_back(admin_client, make_user):
    member = make_user(Role.TRAVAILLEUR_SOCIAL)
    theirs = Client()
    assert (
        theirs.post(
            reverse("login"), {"username": member.username, "password": "motdepasse-de-test"}
        ).status_code
        == 302
    )
    url = reverse("staff:deactivate", kwargs={"username": member.username})
    confirm = admin_client.get(url).content.decode()
    assert "ses sessions ouvertes se ferment immédiatement" in confirm
    assert User.objects.get(pk=member.pk).is_active  # GET asks, it changes nothing

    admin_client.post(url)
    assert not User.objects.get(pk=member.pk).is_active
    assert not any(
        s.get_decoded().get("_auth_user_id") == str(member.pk) for s in Session.objects.all()
    )
    response = theirs.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    entry = JournalEntry.objects.get(
        action=JournalAction.UPDATE, object_ref=str(member.pk), user=admin_client.user
    )
    assert entry.payload == {"fields": ["is_active"], "sessions_ended": 1}

    admin_client.post(reverse("staff:reactivate", kwargs={"username": member.username}))
    assert (
        theirs.post(
            reverse("login"), {"username": member.username, "password": "motdepasse-de-test"}
        ).status_code
        == 302
    )


@pytest.mark.django_db
def test_an_admin_cannot_deactivate_or_demote_themself(admin_client, site):
    me = admin_client.user
    deactivate = reverse("staff:deactivate", kwargs={"username": me.username})
    assert "votre propre compte" in admin_client.get(deactivate).content.decode()
    page = admin_client.post(deactivate, follow=True).content.decode()
    assert "Vous ne pouvez pas désactiver votre propre compte." in page
    demoted = admin_client.post(
        reverse("staff:update", kwargs={"username": me.username}),
        {
            "last_name": me.last_name,
            "first_name": me.first_name,
            "email": me.email,
            "roles": [Role.MANAGER],
            "sites": [site.pk],
        },
    )
    assert "retirer votre propre rôle d'administrateur" in _text(demoted)
    me = User.objects.get(pk=me.pk)
    assert me.is_active and me.roles == {Role.ADMIN}


@pytest.mark.django_db
def test_resetting_the_second_factor_removes_the_devices_and_is_journalled(admin_client, make_user):
    manager = make_user(Role.MANAGER)
    TOTPDevice.objects.create(user=manager, name="Application", confirmed=True)
    backup_codes_renew(user=manager)
    listing = admin_client.get(reverse("staff:list")).content.decode()
    assert "Configurée" in listing
    admin_client.post(reverse("staff:second_factor_reset", kwargs={"username": manager.username}))
    assert not TOTPDevice.objects.filter(user=manager).exists()
    assert not StaticDevice.objects.filter(user=manager).exists()
    entry = JournalEntry.objects.get(object_ref=str(manager.pk), action=JournalAction.UPDATE)
    assert entry.payload == {"second_factor": "reset"}


@pytest.mark.django_db
def test_the_staff_screen_is_for_admins_only(client_for, make_user):
    member = make_user(Role.VOLONTAIRE)
    client = client_for(Role.MANAGER)
    assert client.get(reverse("staff:list")).status_code == 403
    url = reverse("staff:update", kwargs={"username": member.username})
    assert client.get(url).status_code == 404
    assert "Équipe" not in client.get(reverse("home")).content.decode()


@pytest.mark.django_db
def test_an_admin_who_is_not_superuser_neither_sees_nor_edits_a_superuser(admin_client, make_user):
    root = make_user(None, username="racine", is_superuser=True, is_staff=True)
    assert "racine" not in admin_client.get(reverse("staff:list")).content.decode()
    for name in ("staff:update", "staff:deactivate", "staff:second_factor_reset"):
        assert (
            admin_client.get(reverse(name, kwargs={"username": root.username})).status_code == 404
        )


@pytest.mark.django_db
def test_the_list_searches_filters_and_reads_a_fixed_number_of_queries(
    admin_client, site, make_user, django_assert_max_num_queries
):
    for index in range(30):
        make_user(Role.VOLONTAIRE, last_name=f"Volontaire{index:02d}")
    make_user(Role.MEDIATEUR_NUMERIQUE, last_name="Benali", first_name="Karim")
    with django_assert_max_num_queries(14):
        page = admin_client.get(reverse("staff:list")).content.decode()
    assert "32 comptes" in page  # the 31 made here and the admin
    assert "Page 1 sur 2" in page
    found = admin_client.get(reverse("staff:list"), {"q": "benali"}).content.decode()
    assert "1 compte" in found and "BENALI Karim" in found
    by_role = admin_client.get(
        reverse("staff:list"), {"role": Role.MEDIATEUR_NUMERIQUE}
    ).content.decode()
    assert "1 compte" in by_role and "Médiateur numérique" in by_role


# Django's admin ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_admin_who_is_not_a_superuser_cannot_open_the_django_admin(admin_client):
    response = admin_client.get(reverse("admin:index"), follow=True)
    assert response.status_code == 403
    refused = JournalEntry.objects.filter(action=JournalAction.ACCESS_REFUSED)
    assert refused.filter(user=admin_client.user).exists()
    home = admin_client.get(reverse("home")).content.decode()
    assert reverse("admin:index") not in home


@pytest.fixture
def superuser_client(client, make_user):
    root = make_user(None, username="racine", is_superuser=True, is_staff=True)
    client.force_login(root)
    client.user = root
    return client


@pytest.mark.django_db
def test_changes_through_the_django_admin_are_journalled(superuser_client, site, make_user):
    person = PersonFactory(site=site, last_name="Martin", first_name="Jeanne")
    form = {k: v for k, v in model_to_dict(person).items() if v is not None}
    change = superuser_client.post(
        reverse("admin:ceis_person_change", args=[person.pk]),
        {**form, "last_name": "Martin-Durand"},
    )
    assert change.status_code == 302, change.content.decode()[:2000]
    assert Person.objects.get(pk=person.pk).last_name == "Martin-Durand"

    member = make_user(Role.VOLONTAIRE, username="lea")
    grant = superuser_client.post(
        reverse("admin:ceis_user_change", args=[member.pk]),
        {
            "username": "lea",
            "first_name": member.first_name,
            "last_name": member.last_name,
            "email": member.email,
            "is_active": "on",
            "is_superuser": "on",
            "groups": [g.pk for g in member.groups.all()],
            "sites": [site.pk],
        },
    )
    assert grant.status_code == 302, grant.content.decode()[:2000]
    assert User.objects.get(pk=member.pk).is_superuser

    delete = superuser_client.post(
        reverse("admin:ceis_person_delete", args=[person.pk]), {"post": "yes"}
    )
    assert delete.status_code == 302
    assert LogEntry.objects.count() == 3  # Django's own history, unchanged

    root = superuser_client.user
    entries = JournalEntry.objects.filter(user=root, payload__via="administration")
    person_ref = str(person.public_id)
    assert entries.get(action=JournalAction.UPDATE, object_ref=person_ref).payload == {
        "via": "administration",
        "fields": ["last_name"],
    }
    assert entries.get(action=JournalAction.UPDATE, object_ref=str(member.pk)).payload == {
        "via": "administration",
        "fields": ["is_superuser"],
    }
    assert entries.filter(action=JournalAction.DELETE, object_ref=person_ref).exists()


@pytest.mark.django_db
def test_the_django_admin_user_page_is_french_without_the_password_hash(
    superuser_client, make_user
):
    member = make_user(Role.TRAVAILLEUR_SOCIAL)
    page = superuser_client.get(reverse("admin:ceis_user_change", args=[member.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Travailleur social" in text and "Rôles" in text
    assert "pbkdf2" not in text and "Statut équipe" not in text
    assert "Can add" not in text
    assert superuser_client.get(reverse("admin:index")).status_code == 200
