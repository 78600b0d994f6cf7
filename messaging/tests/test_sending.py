"""Messages created by the programmes' services and sent through the real backends: consent per
channel, quiet hours on a frozen clock, retries after a provider's error, reminders once."""

import datetime

import pytest
import time_machine
from django.core import mail

from appointments import services as appointments
from appointments.choices import AppointmentKind
from appointments.tests.factories import AppointmentFactory, at
from ceis.choices import Role
from ceis.tests.factories import PersonFactory
from messaging import services
from messaging.choices import Channel, MessageStatus, TemplateCode
from messaging.models import ContactConsent, Message, SiteContact
from villages import services as villages
from villages.tests.factories import RegistrationFactory, SessionFactory, WorkshopFactory

from .factories import ContactConsentFactory, MessageFactory, consenting
from .servers import SmtpServer, _free_port

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 12, 7)
WEDNESDAY = MONDAY + datetime.timedelta(days=2)


@pytest.fixture
def agent(make_user):
    return make_user(Role.MEDIATEUR_NUMERIQUE, first_name="Inès", last_name="Roux")


@pytest.fixture
def person(site):
    SiteContact.objects.create(site=site, phone="04 67 00 00 00")
    return PersonFactory(site=site, phone="06 12 34 56 78", email="lina.morel@example.org")


def _book(agent, person, django_capture_on_commit_callbacks, now, start=None):
    with time_machine.travel(now, tick=False), django_capture_on_commit_callbacks(execute=True):
        return appointments.appointment_book(
            user=agent,
            person=person,
            agent=agent,
            site=person.site,
            kind=AppointmentKind.ACCOMPAGNEMENT_NUMERIQUE,
            start=start or at(WEDNESDAY, 14, 30),
            duration_min=30,
            place="Maison des services",
        )


@pytest.mark.parametrize(
    ("consents", "channels"),
    [
        ((), set()),
        (("sms",), {"sms"}),
        (("email",), {"email"}),
        (("sms", "email"), {"sms", "email"}),
    ],
    ids=["none", "sms-only", "email-only", "both"],
)
def test_a_booking_messages_only_the_channels_the_person_consented_to(
    agent, person, sms_file, django_capture_on_commit_callbacks, consents, channels
):
    consenting(person, *consents)
    _book(agent, person, django_capture_on_commit_callbacks, at(MONDAY, 10))
    messages = Message.objects.filter(person=person)
    assert {message.channel for message in messages} == channels
    assert {message.status for message in messages} <= {MessageStatus.ENVOYE}
    assert len(sms_file()) == (1 if "sms" in channels else 0)
    assert len(mail.outbox) == (1 if "email" in channels else 0)


def test_a_withdrawn_consent_sends_nothing_on_that_channel(
    agent, person, sms_file, django_capture_on_commit_callbacks
):
    ContactConsentFactory(person=person, channel=Channel.SMS, given=False)
    ContactConsentFactory(person=person, channel=Channel.EMAIL, given=True)
    _book(agent, person, django_capture_on_commit_callbacks, at(MONDAY, 10))
    assert list(Message.objects.values_list("channel", flat=True)) == [Channel.EMAIL]
    assert sms_file() == []


def test_the_confirmation_sms_names_the_kind_date_place_and_site_phone_in_gsm7(
    agent, person, sms_file, django_capture_on_commit_callbacks
):
    consenting(person, Channel.SMS)
    _book(agent, person, django_capture_on_commit_callbacks, at(MONDAY, 10))
    [line] = sms_file()
    assert line["to"] == "+33612345678"
    assert line["body"] == (
        "CEIS : rendez-vous (accompagnement numérique) le mercredi 9 décembre à 14h30, "
        "Maison des services. Pour le changer : 04 67 00 00 00"
    )
    message = Message.objects.get()
    assert message.body == line["body"]
    assert message.provider_id == line["id"]
    assert message.about_kind == "appointment"


def test_no_sms_leaves_in_the_quiet_hours_it_waits_for_8_while_the_email_goes(
    agent, person, sms_file, django_capture_on_commit_callbacks
):
    consenting(person, Channel.SMS, Channel.EMAIL)
    _book(agent, person, django_capture_on_commit_callbacks, at(MONDAY, 21, 30))
    sms = Message.objects.get(channel=Channel.SMS)
    assert sms.status == MessageStatus.EN_ATTENTE
    assert sms.scheduled_for == at(MONDAY + datetime.timedelta(days=1), 8)
    assert Message.objects.get(channel=Channel.EMAIL).status == MessageStatus.ENVOYE
    assert len(mail.outbox) == 1

    tuesday = MONDAY + datetime.timedelta(days=1)
    for moment in (at(MONDAY, 23, 55), at(tuesday, 3), at(tuesday, 7, 59)):
        with time_machine.travel(moment, tick=False):
            services.messages_send_due()
    assert sms_file() == []
    sms.refresh_from_db()
    assert sms.attempts == 0

    with time_machine.travel(at(tuesday, 8, 0), tick=False):
        assert services.messages_send_due() == 1
    sms.refresh_from_db()
    assert sms.status == MessageStatus.ENVOYE
    assert sms.sent_at == at(tuesday, 8, 0)
    assert len(sms_file()) == 1


def test_a_message_due_in_the_quiet_hours_is_held_when_the_worker_picks_it(sms_file, site):
    message = MessageFactory(person=consenting(PersonFactory(site=site), Channel.SMS))
    with time_machine.travel(at(MONDAY, 20, 0), tick=False):
        assert services.message_send(message_id=message.pk) is None
    message.refresh_from_db()
    assert message.status == MessageStatus.EN_ATTENTE
    assert message.scheduled_for == at(MONDAY + datetime.timedelta(days=1), 8)
    assert sms_file() == []


def test_withdrawing_consent_stops_at_once_the_messages_waiting(
    agent, person, sms_file, django_capture_on_commit_callbacks, make_user
):
    consenting(person, Channel.SMS)
    _book(agent, person, django_capture_on_commit_callbacks, at(MONDAY, 21, 30))
    with time_machine.travel(at(MONDAY, 22), tick=False):
        services.consent_record(person=person, channel=Channel.SMS, given=False, user=agent)
    with time_machine.travel(at(MONDAY + datetime.timedelta(days=1), 8, 5), tick=False):
        services.messages_send_due()
    message = Message.objects.get()
    assert message.status == MessageStatus.ECHEC
    assert message.failure_reason == "consentement retiré"
    assert message.withheld  # stopped, not failed: out of the bilan's `messages.failed`
    assert sms_file() == []


def test_consent_is_read_again_when_the_message_leaves(sms_file, site):
    person = consenting(PersonFactory(site=site), Channel.SMS)
    message = MessageFactory(person=person)
    # Withdrawn by another way than the service (an import): the sender still reads it.
    ContactConsent.objects.filter(person=person).update(given=False)
    with time_machine.travel(at(MONDAY, 10), tick=False):
        services.message_send(message_id=message.pk)
    message.refresh_from_db()
    assert (message.status, message.failure_reason) == (MessageStatus.ECHEC, "consentement retiré")
    assert message.withheld
    assert sms_file() == []


def test_a_person_without_a_mobile_gets_no_sms(
    agent, site, sms_file, django_capture_on_commit_callbacks
):
    person = consenting(PersonFactory(site=site, phone="04 67 12 34 56"), Channel.SMS)
    _book(agent, person, django_capture_on_commit_callbacks, at(MONDAY, 10))
    assert not Message.objects.exists()


def test_a_move_sends_the_change_and_a_cancellation_the_cancellation(
    agent, person, sms_file, django_capture_on_commit_callbacks
):
    consenting(person, Channel.SMS)
    appointment = _book(agent, person, django_capture_on_commit_callbacks, at(MONDAY, 10))
    with time_machine.travel(at(MONDAY, 11), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            appointments.appointment_move(
                user=agent, appointment=appointment, start=at(WEDNESDAY, 16)
            )
        with django_capture_on_commit_callbacks(execute=True):
            appointments.appointment_set_status(
                user=agent, appointment=appointment, status="excuse"
            )
    assert [line["body"] for line in sms_file()][1:] == [
        "CEIS : changement, rendez-vous (accompagnement numérique) le mercredi 9 décembre à "
        "16h, Maison des services. Info : 04 67 00 00 00",
        "CEIS : annulation, rendez-vous (accompagnement numérique) du mercredi 9 décembre à "
        "16h. Info : 04 67 00 00 00",
    ]
    assert list(Message.objects.order_by("created_at").values_list("template", flat=True)) == [
        TemplateCode.APPOINTMENT_CONFIRMATION,
        TemplateCode.CHANGE,
        TemplateCode.CANCELLATION,
    ]


# Retries against a server that answers as Brevo -------------------------------------------------


def test_the_brevo_request_is_the_documented_one(
    agent, person, brevo, django_capture_on_commit_callbacks
):
    consenting(person, Channel.SMS)
    _book(agent, person, django_capture_on_commit_callbacks, at(MONDAY, 10))
    [request] = brevo.requests
    assert request["headers"]["api-key"] == "xkeysib-test-key"
    assert request["headers"]["Content-Type"] == "application/json"
    message = Message.objects.get()
    assert brevo.sent() == [
        {
            "sender": "CCAS",
            "recipient": "33612345678",
            "content": message.body,
            "type": "transactional",
        }
    ]
    assert (message.status, message.provider_id) == (MessageStatus.ENVOYE, "1511882900176221")


def test_a_provider_error_is_retried_with_backoff_then_sent(
    agent, person, brevo, django_capture_on_commit_callbacks
):
    consenting(person, Channel.SMS)
    brevo.replies = [(503, {"code": "service_unavailable", "message": "Try again later"})]
    _book(agent, person, django_capture_on_commit_callbacks, at(MONDAY, 10))
    message = Message.objects.get()
    assert message.status == MessageStatus.EN_ATTENTE
    assert message.attempts == 1
    assert message.failure_reason == "Brevo 503 : service_unavailable – Try again later"
    assert message.scheduled_for == at(MONDAY, 10, 5)

    with time_machine.travel(at(MONDAY, 10, 4), tick=False):
        assert services.messages_send_due() == 0
    with time_machine.travel(at(MONDAY, 10, 5), tick=False):
        assert services.messages_send_due() == 1
    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.ENVOYE, 2)
    assert len(brevo.requests) == 2


def test_a_refusal_by_the_provider_fails_at_once_with_its_reason(
    agent, person, brevo, django_capture_on_commit_callbacks
):
    consenting(person, Channel.SMS)
    brevo.replies = [(400, {"code": "invalid_parameter", "message": "Invalid phone number"})]
    _book(agent, person, django_capture_on_commit_callbacks, at(MONDAY, 10))
    message = Message.objects.get()
    assert message.status == MessageStatus.ECHEC
    assert message.failure_reason == "Brevo 400 : invalid_parameter – Invalid phone number"
    assert not message.withheld  # a delivery that failed: counted in `messages.failed`
    assert message.attempts == 1


def test_a_wrong_api_key_fails_with_brevos_reason(
    agent, person, brevo, settings, django_capture_on_commit_callbacks
):
    settings.CEIS_BREVO_API_KEY = "xkeysib-revoked"
    consenting(person, Channel.SMS)
    _book(agent, person, django_capture_on_commit_callbacks, at(MONDAY, 10))
    message = Message.objects.get()
    assert message.status == MessageStatus.ECHEC
    assert message.failure_reason == "Brevo 401 : unauthorized – Key not found"


def test_a_provider_that_does_not_answer_in_time_is_retried(
    agent, person, brevo, django_capture_on_commit_callbacks
):
    consenting(person, Channel.SMS)
    brevo.replies = ["hang"]
    _book(agent, person, django_capture_on_commit_callbacks, at(MONDAY, 10))
    message = Message.objects.get()
    assert message.status == MessageStatus.EN_ATTENTE
    assert message.failure_reason == "Brevo n'a pas répondu à temps"


def test_retries_are_bounded_then_the_message_fails_with_the_last_reason(
    agent, person, brevo, settings, django_capture_on_commit_callbacks
):
    settings.CEIS_MESSAGES_MAX_ATTEMPTS = 3
    consenting(person, Channel.SMS)
    error = (500, {"code": "internal_error", "message": "Internal error"})
    brevo.replies = [error, error, error, "ok"]
    _book(agent, person, django_capture_on_commit_callbacks, at(MONDAY, 10))
    for moment in (at(MONDAY, 10, 5), at(MONDAY, 10, 15), at(MONDAY, 11)):
        with time_machine.travel(moment, tick=False):
            services.messages_send_due()
    message = Message.objects.get()
    assert message.status == MessageStatus.ECHEC
    assert message.attempts == 3
    assert message.failure_reason == "Brevo 500 : internal_error – Internal error"
    assert len(brevo.requests) == 3


# E-mail through a real SMTP server ---------------------------------------------------------------


def test_the_email_goes_through_smtp(agent, person, smtp, django_capture_on_commit_callbacks):
    consenting(person, Channel.EMAIL)
    _book(agent, person, django_capture_on_commit_callbacks, at(MONDAY, 10))
    [received] = smtp.sink.messages
    assert received["to"] == ["lina.morel@example.org"]
    text = received["data"].decode()
    assert "Subject: =?utf-8?q?Votre_rendez-vous_du_mercredi_9_d=C3=A9cembre?=" in text
    assert Message.objects.get().status == MessageStatus.ENVOYE


def test_a_mailbox_refused_by_the_smtp_server_fails_with_its_reason(
    agent, person, smtp, django_capture_on_commit_callbacks
):
    smtp.sink.refused.add("lina.morel@example.org")
    consenting(person, Channel.EMAIL)
    _book(agent, person, django_capture_on_commit_callbacks, at(MONDAY, 10))
    message = Message.objects.get()
    assert message.status == MessageStatus.ECHEC
    assert message.failure_reason == "SMTP 550 : 5.1.1 Adresse inconnue"


def test_an_smtp_server_down_is_retried(
    agent, person, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = _free_port()  # nothing listens there
    consenting(person, Channel.EMAIL)
    _book(agent, person, django_capture_on_commit_callbacks, at(MONDAY, 10))
    message = Message.objects.get()
    assert message.status == MessageStatus.EN_ATTENTE
    assert message.failure_reason == "SMTP : [Errno 111] Connection refused"
    with SmtpServer() as smtp:
        settings.EMAIL_PORT = smtp.port
        with time_machine.travel(at(MONDAY, 10, 6), tick=False):
            services.messages_send_due()
        assert len(smtp.sink.messages) == 1
    message.refresh_from_db()
    assert message.status == MessageStatus.ENVOYE


# Reminders ---------------------------------------------------------------------------------------


def test_the_appointment_reminder_is_made_two_days_before_and_only_once(agent, person, sms_file):
    consenting(person, Channel.SMS)
    with time_machine.travel(at(MONDAY - datetime.timedelta(days=5), 10), tick=False):
        appointment = AppointmentFactory(
            person=person, site=person.site, agent=agent, start=at(WEDNESDAY, 14, 30)
        )
    with time_machine.travel(at(MONDAY - datetime.timedelta(days=1), 9), tick=False):
        services.messages_send_due()
    assert not Message.objects.exists()  # D-3: not yet
    for moment in (at(MONDAY, 9), at(MONDAY, 9, 5), at(MONDAY, 18)):
        with time_machine.travel(moment, tick=False):
            services.messages_send_due()
    reminder = Message.objects.get()
    assert reminder.template == TemplateCode.APPOINTMENT_REMINDER
    assert reminder.about_id == str(appointment.pk)
    assert reminder.status == MessageStatus.ENVOYE
    assert sms_file()[0]["body"].startswith("CEIS : rappel, rendez-vous (accompagnement numérique)")


def test_the_workshop_reminder_is_made_the_day_before_and_only_once(site, sms_file):
    person = consenting(PersonFactory(site=site, phone="0712345678"), Channel.SMS)
    tuesday = MONDAY + datetime.timedelta(days=1)
    with time_machine.travel(at(MONDAY - datetime.timedelta(days=3), 10), tick=False):
        session = SessionFactory(
            site=site, start=at(tuesday, 14), workshop=WorkshopFactory(title="Créer sa boîte mail")
        )
        RegistrationFactory(session=session, person=person)
    for moment in (at(MONDAY, 9), at(MONDAY, 9, 5)):
        with time_machine.travel(moment, tick=False):
            services.messages_send_due()
    [line] = sms_file()
    assert line["body"].startswith(
        "CEIS : rappel, atelier Créer sa boite mail demain mardi 8 décembre à 14h"
    )


# Workshops ---------------------------------------------------------------------------------------


def test_registration_confirms_and_a_seat_freed_tells_the_first_person_waiting(
    site, make_user, sms_file, django_capture_on_commit_callbacks
):
    mediator = make_user(Role.MEDIATEUR_NUMERIQUE)
    session = SessionFactory(
        site=site, start=at(WEDNESDAY, 10), capacity=1, workshop=WorkshopFactory(title="Smartphone")
    )
    first = consenting(PersonFactory(site=site, phone="0611111111"), Channel.SMS)
    waiting = consenting(PersonFactory(site=site, phone="0622222222"), Channel.SMS)
    with time_machine.travel(at(MONDAY, 10), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            registration = villages.registration_create(
                session=session, person=first, user=mediator
            )
        with django_capture_on_commit_callbacks(execute=True):
            villages.registration_create(session=session, person=waiting, user=mediator)
        with django_capture_on_commit_callbacks(execute=True):
            villages.registration_cancel(registration=registration, user=mediator)
    sent = [(line["to"], line["body"].split(",")[0]) for line in sms_file()]
    assert sent == [
        (
            "+33611111111",
            "CEIS : inscription confirmée à l'atelier Smartphone le mercredi 9 décembre à 10h",
        ),
        ("+33611111111", "CEIS : annulation"),
        ("+33622222222", "CEIS : place libérée ! Atelier Smartphone le mercredi 9 décembre à 10h"),
    ]


def test_brevo_unreachable_is_retried_with_its_reason(
    agent, person, settings, django_capture_on_commit_callbacks
):
    from .servers import API_KEY

    settings.CEIS_SMS_BACKEND = "messaging.sms.BrevoSmsBackend"
    settings.CEIS_BREVO_SMS_URL = f"http://127.0.0.1:{_free_port()}/v3/transactionalSMS/sms"
    settings.CEIS_BREVO_API_KEY = API_KEY
    consenting(person, Channel.SMS)
    _book(agent, person, django_capture_on_commit_callbacks, at(MONDAY, 10))
    message = Message.objects.get()
    assert (message.status, message.attempts) == (MessageStatus.EN_ATTENTE, 1)
    assert message.failure_reason == "Brevo injoignable (connexion impossible)"


def test_the_beat_task_sends_what_is_due(site, sms_file):
    from messaging.tasks import send_due_messages

    message = MessageFactory(person=consenting(PersonFactory(site=site), Channel.SMS))
    with time_machine.travel(at(MONDAY, 9), tick=False):
        send_due_messages.delay()
    message.refresh_from_db()
    assert message.status == MessageStatus.ENVOYE
    assert [line["id"] for line in sms_file()] == [message.provider_id]


def test_a_template_missing_from_the_database_sends_its_french_default(
    agent, person, sms_file, django_capture_on_commit_callbacks
):
    from messaging.models import MessageTemplate

    MessageTemplate.objects.all().delete()
    consenting(person, Channel.SMS)
    _book(agent, person, django_capture_on_commit_callbacks, at(MONDAY, 10))
    [line] = sms_file()
    assert line["body"].startswith("CEIS : rendez-vous (accompagnement numérique) le mercredi")


def test_a_cancellation_stops_the_reminder_still_waiting_for_8(
    agent, person, sms_file, django_capture_on_commit_callbacks
):
    consenting(person, Channel.SMS)
    with time_machine.travel(at(MONDAY - datetime.timedelta(days=5), 10), tick=False):
        appointment = AppointmentFactory(
            person=person, site=person.site, agent=agent, start=at(WEDNESDAY, 14, 30)
        )
    with time_machine.travel(at(MONDAY, 6), tick=False):
        services.messages_send_due()  # the reminder is made, held until 08:00
        with django_capture_on_commit_callbacks(execute=True):
            appointments.appointment_set_status(
                user=agent, appointment=appointment, status="excuse"
            )
    with time_machine.travel(at(MONDAY, 8), tick=False):
        services.messages_send_due()
    reminder = Message.objects.get(template=TemplateCode.APPOINTMENT_REMINDER)
    assert reminder.status == MessageStatus.ECHEC
    assert reminder.failure_reason.startswith("remplacé par un message plus récent")
    assert [line["body"].split(",")[0] for line in sms_file()] == ["CEIS : annulation"]
