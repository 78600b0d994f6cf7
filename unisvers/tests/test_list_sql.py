"""The SQL of Unis'Vers' scoped pages, pinned per role (snapshots/test_list_sql/): a lost
`site_id IN (…)` or row 17's in-charge rule missing from a follow-up read fails here."""

import pytest
from django.urls import reverse

from ceis.choices import Role
from ceis.tests.factories import PersonFactory
from unisvers.tests.factories import (
    CohortFactory,
    EnrollmentFactory,
    EventFactory,
    FollowUpFactory,
    TargetFactory,
    TestimonialFactory,
)

pytestmark = pytest.mark.django_db

READERS = [Role.TRAVAILLEUR_SOCIAL, Role.MANAGER, Role.ADMIN]


def _world(site, other_site, user):
    """Two rows of each kind on the user's site and one on another site."""
    cohorts = [CohortFactory(site=site, referents=[user]) for _ in range(2)]
    elsewhere = CohortFactory(site=other_site)
    enrollments = [
        EnrollmentFactory(cohort=cohort, person=PersonFactory(site=site)) for cohort in cohorts
    ]
    EnrollmentFactory(cohort=elsewhere, person=PersonFactory(site=other_site))
    for enrollment in enrollments:
        FollowUpFactory(person=enrollment.person, author=user)
        TestimonialFactory(person=enrollment.person)
    for where in (site, site, other_site):
        EventFactory(site=where).attendees.add(PersonFactory(site=where))
    TargetFactory(site=site, year=2025)
    TargetFactory(site=other_site, year=2025)
    return cohorts[0], enrollments[0]


@pytest.mark.parametrize("role", READERS)
@pytest.mark.parametrize(
    "url_name",
    [
        "unisvers:cohort_list",
        "unisvers:testimonial_list",
        "unisvers:event_list",
        "unisvers:target_list",
    ],
)
def test_list(client_for, site, other_site, assert_snapshot_queries, role, url_name):
    client = client_for(role)
    _world(site, other_site, client.user)
    with assert_snapshot_queries():
        response = client.get(reverse(url_name))
    assert response.status_code == 200


@pytest.mark.parametrize("role", READERS)
def test_cohort_roster(client_for, site, other_site, assert_snapshot_queries, role):
    client = client_for(role)
    cohort, _ = _world(site, other_site, client.user)
    with assert_snapshot_queries():
        response = client.get(reverse("unisvers:cohort_detail", args=[cohort.public_id]))
    assert response.status_code == 200


@pytest.mark.parametrize("role", [Role.TRAVAILLEUR_SOCIAL, Role.ADMIN])
def test_participant_page(client_for, site, other_site, assert_snapshot_queries, role):
    """The participant's enrollments, attendance, events and follow-up entries (row 17)."""
    client = client_for(role)
    _, enrollment = _world(site, other_site, client.user)
    url = reverse("unisvers:participant", args=[enrollment.person.public_id])
    with assert_snapshot_queries():
        response = client.get(url)
    assert response.status_code == 200
