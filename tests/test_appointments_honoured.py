"""Marking an appointment honoured opens the matching record, prefilled with the person and the
appointment's day: an individual help for a mediator (Vill@ges), a follow-up entry for the
participant's social worker (Unis'Vers) — through each programme's navigation hook."""

import datetime

import pytest
from django.urls import reverse

from appointments.choices import AppointmentStatus
from appointments.tests.factories import AppointmentFactory, at
from ceis.choices import Role
from unisvers.tests.factories import CohortFactory, EnrollmentFactory

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 11, 24)


def test_a_mediator_lands_on_the_help_form_with_the_person_and_the_day(client, make_user, site):
    mediator = make_user(Role.MEDIATEUR_NUMERIQUE)
    appointment = AppointmentFactory(agent=mediator, site=site, start=at(DAY, 10))
    client.force_login(mediator)
    url = reverse("appointments:status", args=[appointment.public_id])
    response = client.post(url, {"status": "honore"})
    help_url = reverse("villages:help_create")
    assert response["Location"] == (
        f"{help_url}?personne={appointment.person.public_id}&date=2026-11-24"
    )
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.HONORE
    form = client.get(response["Location"]).content.decode()
    assert f'value="{appointment.person.public_id}"' in form
    assert 'value="2026-11-24"' in form


def test_a_social_worker_lands_on_the_participant_follow_up_dated_the_appointment(
    client, make_user, site
):
    worker = make_user(Role.TRAVAILLEUR_SOCIAL)
    enrollment = EnrollmentFactory(cohort=CohortFactory(site=site, referents=[worker]))
    appointment = AppointmentFactory(
        agent=worker, site=site, person=enrollment.person, start=at(DAY, 14)
    )
    client.force_login(worker)
    response = client.post(
        reverse("appointments:status", args=[appointment.public_id]), {"status": "honore"}
    )
    participant = reverse("unisvers:participant", args=[enrollment.person.public_id])
    assert response["Location"] == f"{participant}?date=2026-11-24#ajout-suivi"
    page = client.get(response["Location"]).content.decode()
    assert 'id="ajout-suivi"' in page
    assert 'value="2026-11-24"' in page


def test_without_a_record_to_open_the_appointment_page_stays(client, make_user, site):
    """A social worker who is not the person's referent: no follow-up form to open."""
    worker = make_user(Role.TRAVAILLEUR_SOCIAL)
    appointment = AppointmentFactory(agent=worker, site=site, start=at(DAY, 9))
    client.force_login(worker)
    response = client.post(
        reverse("appointments:status", args=[appointment.public_id]), {"status": "honore"}
    )
    assert response["Location"] == appointment.get_absolute_url()
