"""The reminder of an appointment in two days is made and sent by a real Celery worker from
the broker (filesystem locally, Redis in CI), as beat's round asks it."""

import datetime
import time

import pytest
from django.core import mail
from django.utils import timezone

from appointments.models import Appointment
from appointments.tests.factories import AppointmentFactory, at
from ceis.choices import Role
from ceis.tests.factories import PersonFactory
from messaging.choices import Channel, MessageStatus, TemplateCode
from messaging.models import Message
from messaging.tasks import send_due_messages

from .factories import consenting


def _wait_for(condition, seconds=60):
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.3)
    return condition()


@pytest.mark.worker
def test_the_worker_makes_and_sends_the_reminder_two_days_ahead(live_worker, site, make_user):
    agent = make_user(Role.MEDIATEUR_NUMERIQUE)
    person = consenting(PersonFactory(site=site, email="lina.morel@example.org"), Channel.EMAIL)
    appointment = AppointmentFactory(
        person=person,
        site=site,
        agent=agent,
        start=at(timezone.localdate() + datetime.timedelta(days=2), 14),
    )
    # Booked last week.
    Appointment.objects.filter(pk=appointment.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=7)
    )
    send_due_messages.delay()
    assert _wait_for(lambda: Message.objects.filter(status=MessageStatus.ENVOYE).exists()), list(
        Message.objects.values_list("status", "failure_reason")
    )
    reminder = Message.objects.get()
    assert reminder.template == TemplateCode.APPOINTMENT_REMINDER
    assert reminder.about_id == str(appointment.pk)
    assert [message.to for message in mail.outbox] == [["lina.morel@example.org"]]
    assert mail.outbox[0].subject.startswith("Rappel : votre rendez-vous du ")
