"""The SQL of the shared pages, pinned per role (snapshots/test_list_sql/): the directory of
persons, a person's file with every programme's panel, and the journal. A lost
`site_id IN (…)` fails here."""

import pytest
from django.urls import reverse

from ceis.choices import JournalAction, Role
from ceis.models import JournalEntry
from ceis.tests.factories import PersonFactory
from unisvers.tests.factories import CohortFactory, EnrollmentFactory, FollowUpFactory
from villages.tests.factories import (
    AssessmentFactory,
    IndividualHelpFactory,
    RegistrationFactory,
    SessionFactory,
    VisitFactory,
)

pytestmark = pytest.mark.django_db

FILE_READERS = [Role.TRAVAILLEUR_SOCIAL, Role.MEDIATEUR_NUMERIQUE, Role.ADMIN]


def _person_with_history(site, other_site, user):
    """A person of the user's site with records on both sites in both programmes."""
    # A fixed name: the admin's file looks for possible duplicates by name (ceis.merge).
    person = PersonFactory(site=site, last_name="Dumas", first_name="Inès")
    for where in (site, other_site):
        enrollment = EnrollmentFactory(
            cohort=CohortFactory(site=where, referents=[user]), person=person
        )
        FollowUpFactory(person=person, enrollment=enrollment, author=user)
        RegistrationFactory(session=SessionFactory(site=where, past=True), person=person)
        IndividualHelpFactory(site=where, person=person, mediator=user)
        VisitFactory(site=where, person=person)
        AssessmentFactory(site=where, person=person)
    PersonFactory(site=other_site)
    return person


@pytest.mark.parametrize("role", FILE_READERS)
def test_person_list(client_for, site, other_site, assert_snapshot_queries, role):
    client = client_for(role)
    _person_with_history(site, other_site, client.user)
    PersonFactory(site=site)
    with assert_snapshot_queries():
        response = client.get(reverse("persons:list"))
    assert response.status_code == 200


@pytest.mark.parametrize("role", FILE_READERS)
def test_person_file(client_for, site, other_site, assert_snapshot_queries, role):
    client = client_for(role)
    person = _person_with_history(site, other_site, client.user)
    with assert_snapshot_queries():
        response = client.get(reverse("persons:detail", args=[person.public_id]))
    assert response.status_code == 200


def test_journal(client_for, assert_snapshot_queries):
    client = client_for(Role.ADMIN)
    for i in range(3):
        JournalEntry.objects.create(
            action=JournalAction.VIEW,
            user=client.user,
            username=client.user.username,
            object_type="person",
            object_ref=f"ref{i:03}",
        )
    with assert_snapshot_queries():
        response = client.get(reverse("journal"))
    assert response.status_code == 200
