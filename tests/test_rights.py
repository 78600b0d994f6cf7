"""Right of access (security.md row 12): the export holds every record linked to the person."""

import datetime
import json

import pytest
from django.urls import reverse

from appointments.tests.factories import AppointmentFactory
from ceis.choices import JournalAction, Role
from ceis.models import JournalEntry
from ceis.rights import person_relations
from ceis.tests.factories import PersonFactory, UserFactory
from coordination.tests.factories import OrientationFactory
from documents.tests.factories import PersonDocumentFactory
from messaging.tests.factories import ContactConsentFactory, MessageFactory
from unisvers.models import Attendance
from unisvers.tests import factories as uv
from villages.tests import factories as vc


@pytest.fixture
def person_with_everything(site, settings, tmp_path):
    """One record of every kind that can be linked to a person."""
    person = PersonFactory(site=site, last_name="Accès", first_name="Droit")
    enrollment = uv.EnrollmentFactory(person=person, cohort__site=site)
    Attendance.objects.create(
        cohort=enrollment.cohort, person=person, date=enrollment.cohort.start_date, status="present"
    )
    uv.ActivityFactory(cohort=enrollment.cohort).participants.add(person)
    uv.FollowUpFactory(person=person, note="Note lisible par la personne.")
    uv.EventFactory(site=site).attendees.add(person)
    uv.TestimonialFactory(person=person, quote="Une citation.")
    vc.RegistrationFactory(person=person, session__site=site)
    vc.IndividualHelpFactory(person=person, site=site)
    vc.VisitFactory(person=person, site=site)
    vc.AssessmentFactory(person=person)
    AppointmentFactory(
        person=person, site=site, agent=UserFactory(role=Role.MEDIATEUR_NUMERIQUE, sites=[site])
    )
    settings.CEIS_DOCUMENTS_ROOT = tmp_path / "documents"
    PersonDocumentFactory(person=person)
    OrientationFactory(person=person, note="Orientée vers le CMP.")
    ContactConsentFactory(person=person)
    MessageFactory(person=person, site=site)
    return person


@pytest.mark.django_db
def test_the_export_finds_every_model_linked_to_person(client_for, person_with_everything):
    client = client_for(Role.ADMIN)
    person = person_with_everything
    client.get(person.get_absolute_url())  # a consultation, to be found in the journal
    response = client.get(reverse("persons:export", kwargs={"public_id": person.public_id}))
    assert response.status_code == 200
    export = json.loads(response.content)
    assert export["person"]["last_name"] == "Accès"
    labels = [label for label, _ in person_relations()]
    assert len(labels) >= 10
    for label in labels:
        assert export["records"][label], f"{label} missing from the export"
    assert export["records"]["unisvers.FollowUp"][0]["note"] == "Note lisible par la personne."
    assert export["records"]["unisvers.Testimonial"][0]["quote"] == "Une citation."
    actions = [(e["action"], e["object_ref"]) for e in export["journal"]]
    assert (JournalAction.VIEW, str(person.public_id)) in actions
    assert JournalEntry.objects.filter(
        action=JournalAction.EXPORT, object_ref=str(person.public_id)
    ).exists()
    datetime.datetime.fromisoformat(export["exported_at"])


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role", [Role.TRAVAILLEUR_SOCIAL, Role.MEDIATEUR_NUMERIQUE, Role.VOLONTAIRE, Role.MANAGER]
)
def test_only_admins_may_export_a_person(client_for, site, role):
    client = client_for(role)
    person = PersonFactory(site=site)
    url = reverse("persons:export", kwargs={"public_id": person.public_id})
    assert client.get(url).status_code == 404
    assert "Droit d&#x27;accès" not in client.get(person.get_absolute_url()).content.decode()
