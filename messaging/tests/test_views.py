"""The person's panel (consent, message log), the templates' editor and Brevo's webhook."""

import json

import pytest
from django.urls import reverse

from appointments.choices import AppointmentKind
from appointments.tests.factories import AppointmentFactory
from ceis.choices import JournalAction, Role
from ceis.models import JournalEntry
from ceis.tests.factories import PersonFactory
from messaging.choices import Channel, MessageStatus, TemplateCode
from messaging.models import ContactConsent, MessageTemplate, SiteContact

from .factories import ContactConsentFactory, MessageFactory, consenting

pytestmark = pytest.mark.django_db

SECRET = "webhook-test-secret"


def _detail(person):
    return reverse("persons:detail", kwargs={"public_id": person.public_id})


def _consent_url(person):
    return reverse("messaging:consent", kwargs={"public_id": person.public_id})


# The person's panel -------------------------------------------------------------------------------


def test_the_file_shows_consent_per_channel_and_the_messages_with_their_status(client_for, site):
    client = client_for(Role.MEDIATEUR_NUMERIQUE)
    person = PersonFactory(site=site, phone="06 12 34 56 78", email="")
    ContactConsentFactory(person=person, channel=Channel.SMS, recorded_by=client.user)
    MessageFactory(person=person, sent=True, body="CEIS : rendez-vous mardi.")
    MessageFactory(
        person=person, failed=True, template=TemplateCode.APPOINTMENT_REMINDER, channel="email"
    )
    page = client.get(_detail(person)).content.decode()
    assert "Consentement SMS" in page
    assert "Accepte</span> depuis le" in page
    assert "Aucune adresse e-mail dans la fiche : aucun e-mail ne part." in page
    assert "Jamais demandé" in page
    assert "CEIS : rendez-vous mardi." in page
    assert ">Envoyé</span>" in page
    assert ">Échec</span>" in page
    assert "Brevo 400 : refusé" in page


def test_a_mediator_does_not_see_the_messages_about_a_social_interview(client_for, site, make_user):
    person = PersonFactory(site=site, phone="0612345678")
    consenting(person, Channel.SMS)
    agent = make_user(Role.TRAVAILLEUR_SOCIAL)
    AppointmentFactory(person=person, site=site, agent=agent, kind=AppointmentKind.ENTRETIEN_SOCIAL)
    MessageFactory(
        person=person,
        body="Texte du rendez-vous social",
        about_kind="appointment",
        visible_with_perm="unisvers.view_enrollment",
    )
    MessageFactory(person=person, body="Texte de l'atelier", visible_with_perm="")
    mediator_page = client_for(Role.MEDIATEUR_NUMERIQUE).get(_detail(person)).content.decode()
    assert "Texte de l&#x27;atelier" in mediator_page
    assert "Texte du rendez-vous social" not in mediator_page


def test_a_social_worker_sees_the_message_about_their_interview(client_for, site):
    person = PersonFactory(site=site)
    MessageFactory(
        person=person,
        body="Texte du rendez-vous social",
        visible_with_perm="unisvers.view_enrollment",
    )
    page = client_for(Role.TRAVAILLEUR_SOCIAL).get(_detail(person)).content.decode()
    assert "Texte du rendez-vous social" in page


def test_recording_consent_is_dated_journalled_and_shown(client_for, site):
    client = client_for(Role.TRAVAILLEUR_SOCIAL)
    person = PersonFactory(site=site)
    response = client.post(
        _consent_url(person), {"channel": "email", "given": "1", "date": "2026-11-30"}
    )
    assert response.status_code == 302
    assert response["Location"] == _detail(person) + "#messages"
    consent = ContactConsent.objects.get(person=person)
    assert (consent.channel, consent.given, consent.date.isoformat()) == (
        "email",
        True,
        "2026-11-30",
    )
    assert consent.recorded_by == client.user
    entry = JournalEntry.objects.get(action=JournalAction.CREATE, object_ref=str(person.public_id))
    assert entry.payload == {"consent": "email", "given": True, "date": "2026-11-30"}

    client.post(_consent_url(person), {"channel": "email", "given": "0", "date": "2026-12-01"})
    consent.refresh_from_db()
    assert consent.given is False
    assert JournalEntry.objects.filter(
        action=JournalAction.UPDATE, payload__consent="email", payload__given=False
    ).exists()
    page = client.get(_detail(person)).content.decode()
    assert "Refusé ou retiré</span> le mardi 1er décembre 2026" in page


def test_a_consent_without_answer_is_refused_in_french(client_for, site):
    client = client_for(Role.MEDIATEUR_NUMERIQUE)
    person = PersonFactory(site=site)
    response = client.post(
        _consent_url(person), {"channel": "sms", "date": "2026-11-30"}, follow=True
    )
    assert "Consentement non enregistré : Indiquez si la personne accepte ou refuse." in (
        response.content.decode()
    )
    assert not ContactConsent.objects.exists()


def test_consent_of_another_sites_person_is_a_404(client_for, other_site):
    client = client_for(Role.MEDIATEUR_NUMERIQUE)
    person = PersonFactory(site=other_site)
    response = client.post(
        _consent_url(person), {"channel": "sms", "given": "1", "date": "2026-11-30"}
    )
    assert response.status_code == 404
    assert not ContactConsent.objects.exists()


# The templates' editor ------------------------------------------------------------------------------


def _edit_url(code="appointment_confirmation", channel="sms"):
    return reverse("messaging:template_edit", kwargs={"code": code, "channel": channel})


def test_the_templates_page_previews_each_template_with_its_sms_count(client_for, site):
    SiteContact.objects.create(site=site, phone="04 67 00 00 00")
    page = client_for(Role.ADMIN).get(reverse("messaging:templates")).content.decode()
    assert "Confirmation de rendez-vous" in page
    assert "CEIS : rendez-vous (Accompagnement numérique) le mardi 1er décembre à 14h30" in page
    assert "148 caractères sur 160" in page


def test_an_admin_edits_a_template(client_for):
    client = client_for(Role.ADMIN)
    body = "CEIS : RDV {quoi} le {date} à {heure}, {lieu}. Tel : {telephone}"
    response = client.post(_edit_url(), {"body": body, "action": "enregistrer"})
    assert response.status_code == 302
    assert MessageTemplate.objects.get(code="appointment_confirmation", channel="sms").body == body


def test_a_character_outside_gsm7_is_reported_and_the_text_kept(client_for):
    client = client_for(Role.ADMIN)
    body = "CEIS : « rendez-vous » le {date} à {heure}, {lieu}."
    response = client.post(_edit_url(), {"body": body, "action": "enregistrer"})
    page = response.content.decode()
    assert response.status_code == 200
    assert (
        "Caractères que le SMS ne peut pas porter (alphabet GSM-7) : &#x27;«&#x27; &#x27;»&#x27;."
        in page
    )
    assert "CEIS : « rendez-vous » le {date}" in page
    assert MessageTemplate.objects.get(code="appointment_confirmation", channel="sms").body != body


def test_an_sms_over_160_characters_with_the_example_is_refused(client_for):
    client = client_for(Role.ADMIN)
    body = "CEIS : " + "x" * 150 + " {date}"
    page = client.post(_edit_url(), {"body": body, "action": "enregistrer"}).content.decode()
    # 7 + 150 + 1 + « mardi 1er décembre » (18)
    assert "Avec l&#x27;exemple, le SMS fait 176 caractères : 160 au plus" in page


def test_an_unknown_field_is_refused(client_for):
    client = client_for(Role.ADMIN)
    page = client.post(
        _edit_url("cancellation", "email"),
        {"subject": "Annulation", "body": "Bonjour {nom}", "action": "enregistrer"},
    ).content.decode()
    assert "Champ inconnu : {nom}." in page


def test_the_live_preview_counts_the_sms(client_for):
    client = client_for(Role.ADMIN)
    response = client.post(
        _edit_url(),
        {"body": "CEIS : le {date} à {heure}", "action": "apercu"},
        headers={"HX-Request": "true"},
    )
    page = response.content.decode()
    assert "CEIS : le mardi 1er décembre à 14h30" in page
    assert "Avec l'exemple : 36 caractères sur 160." in page
    assert "<html" not in page


@pytest.mark.parametrize("role", [Role.TRAVAILLEUR_SOCIAL, Role.MEDIATEUR_NUMERIQUE, Role.MANAGER])
def test_only_admins_edit_templates(client_for, role):
    client = client_for(role)
    assert client.get(reverse("messaging:templates")).status_code == 403
    assert client.post(_edit_url(), {"body": "x", "action": "enregistrer"}).status_code == 403


def test_an_admin_sets_the_phone_of_a_site(client_for, site):
    client = client_for(Role.ADMIN)
    response = client.post(
        reverse("messaging:templates"), {"site": site.pk, "phone": "04 67 11 22 33"}
    )
    assert response.status_code == 302
    assert SiteContact.objects.get(site=site).phone == "04 67 11 22 33"
    page = client.post(
        reverse("messaging:templates"), {"site": site.pk, "phone": "12"}, follow=True
    )
    assert "Ce numéro de téléphone n&#x27;est pas valide" in page.content.decode()


# Brevo's webhook ---------------------------------------------------------------------------------


def _webhook(client, payload, secret=SECRET):
    url = reverse("messaging:webhook_brevo") + (f"?secret={secret}" if secret else "")
    return client.post(url, json.dumps(payload), content_type="application/json")


def test_the_webhook_is_a_404_without_its_secret(client, site):
    message = MessageFactory(person=PersonFactory(site=site), sent=True, provider_id="42")
    assert (
        _webhook(client, {"messageId": 42, "msg_status": "delivered"}, secret="").status_code == 404
    )
    assert (
        _webhook(client, {"messageId": 42, "msg_status": "delivered"}, secret="faux").status_code
        == 404
    )
    message.refresh_from_db()
    assert message.status == MessageStatus.ENVOYE


def test_the_webhook_refuses_get(client):
    assert client.get(reverse("messaging:webhook_brevo") + f"?secret={SECRET}").status_code == 405


def test_a_delivery_report_marks_the_message_delivered(client, site):
    message = MessageFactory(
        person=PersonFactory(site=site), sent=True, provider_id="1511882900176220"
    )
    payload = {
        "id": 26570,
        "to": "33612345678",
        "sms_count": 1,
        "credits_used": 1.5,
        "messageId": 1511882900176220,
        "msg_status": "delivered",
        "date": "2026-12-07 10:00:05",
        "type": "transactional",
        "reference": "ab1cde2fgh3i4jklmno",
    }
    response = _webhook(client, payload)
    assert response.status_code == 200
    assert response.json() == {"ok": ["remis"]}
    message.refresh_from_db()
    assert message.status == MessageStatus.REMIS
    assert message.delivered_at is not None


def test_a_hard_bounce_marks_the_message_failed_with_its_reason(client, site):
    message = MessageFactory(person=PersonFactory(site=site), sent=True, provider_id="77")
    _webhook(client, {"messageId": 77, "msg_status": "hard_bounce"})
    message.refresh_from_db()
    assert message.status == MessageStatus.ECHEC
    assert message.failure_reason == "numéro invalide ou injoignable (hard bounce)"


def test_a_stop_reply_withdraws_sms_consent_and_is_journalled(client, site):
    person = consenting(PersonFactory(site=site, phone="0612345678"), Channel.SMS, Channel.EMAIL)
    MessageFactory(person=person, sent=True, provider_id="88", to="+33612345678")
    waiting = MessageFactory(person=person, to="+33612345678")
    response = _webhook(client, {"messageId": 88, "msg_status": "replied", "reply": "Stop"})
    assert response.json() == {"ok": ["stop"]}
    assert not ContactConsent.objects.get(person=person, channel="sms").given
    assert ContactConsent.objects.get(person=person, channel="email").given
    entry = JournalEntry.objects.get(payload__consent="sms")
    assert entry.payload["source"] == "sms_stop"
    assert entry.user is None
    waiting.refresh_from_db()
    assert (waiting.status, waiting.failure_reason) == (MessageStatus.ECHEC, "consentement retiré")


def test_a_stop_reply_is_found_by_its_number_when_brevo_gives_no_message_id(client, site):
    person = consenting(PersonFactory(site=site, phone="0612345678"), Channel.SMS)
    MessageFactory(person=person, sent=True, provider_id="99", to="+33612345678")
    _webhook(client, {"from": "33612345678", "reply": "STOP"})
    assert not ContactConsent.objects.get(person=person, channel="sms").given


# The waiting-list promotion's screen -------------------------------------------------------------


def test_the_promotion_screen_says_who_was_told_and_gives_the_number_to_call(
    client_for, site, django_capture_on_commit_callbacks
):
    import datetime

    from django.utils import timezone

    from villages.tests.factories import RegistrationFactory, SessionFactory

    client = client_for(Role.MEDIATEUR_NUMERIQUE)
    session = SessionFactory(
        site=site, capacity=1, start=timezone.now() + datetime.timedelta(days=3)
    )
    leaving = RegistrationFactory(session=session)
    waiting = RegistrationFactory(
        session=session,
        waiting=True,
        person=consenting(PersonFactory(site=site, phone="06 22 33 44 55"), Channel.SMS),
    )
    url = reverse("villages:registration_cancel", kwargs={"public_id": leaving.public_id})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, follow=True)
    page = response.content.decode()
    assert (
        f"{waiting.person} passe de la liste d&#x27;attente à la séance : un SMS lui est envoyé ; "
        "pour l&#x27;appeler, 06 22 33 44 55." in page
    )


def test_the_files_queries_do_not_grow_with_its_messages(
    client_for, site, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(Role.MEDIATEUR_NUMERIQUE)
    person = consenting(PersonFactory(site=site, phone="0612345678"), Channel.SMS, Channel.EMAIL)
    MessageFactory(person=person)
    client.get(_detail(person))  # warm the session and permissions
    with CaptureQueriesContext(connection) as one:
        client.get(_detail(person))
    MessageFactory.create_batch(15, person=person, sent=True)
    with CaptureQueriesContext(connection) as many:
        page = client.get(_detail(person)).content.decode()
    assert page.count("<details>") == 16
    assert len(many) == len(one)
