"""Unis'Vers lists: a pinned query count that does not grow with the rows."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from ceis.choices import Role
from ceis.tests.factories import PersonFactory
from ceis.tests.list_queries import assert_constant
from unisvers.choices import AttendanceStatus
from unisvers.models import Attendance
from unisvers.tests.factories import (
    ActivityFactory,
    CohortFactory,
    EnrollmentFactory,
    EventFactory,
    TestimonialFactory,
)

READERS = [Role.TRAVAILLEUR_SOCIAL, Role.MANAGER, Role.ADMIN]


@pytest.mark.django_db
@pytest.mark.parametrize("role", READERS)
@pytest.mark.parametrize("params", [{}, {"q": "ligne", "ordering": "-inscrits"}])
def test_cohort_list(client_for, site, role, params):
    client = client_for(role)

    def add(start, stop):
        for i in range(start, stop):
            cohort = CohortFactory(site=site, name=f"Ligne{i:03}", referents=[client.user])
            EnrollmentFactory(cohort=cohort)

    assert_constant(
        client,
        reverse("unisvers:cohort_list"),
        add,
        marker="ligne",
        expected=9,
        params=params,
    )


@pytest.mark.django_db
@pytest.mark.parametrize("role", READERS)
def test_cohort_participants(client_for, site, role):
    """The cohort page lists every participant (a cohort holds about twenty: not paginated),
    with attendance counts, the calendar and the activities."""
    client = client_for(role)
    cohort = CohortFactory(site=site, referents=[client.user])
    day = cohort.meeting_days.first().date

    def add(start, stop):
        for i in range(start, stop):
            enrollment = EnrollmentFactory(
                cohort=cohort,
                person=PersonFactory(site=site, last_name=f"Ligne{i:03}"),
                exited=(i % 5 == 0),
            )
            Attendance.objects.create(
                cohort=cohort, person=enrollment.person, date=day, status=AttendanceStatus.PRESENT
            )
            ActivityFactory(cohort=cohort, date=day + datetime.timedelta(days=i % 3))

    assert_constant(
        client,
        reverse("unisvers:cohort_detail", args=[cohort.public_id]),
        add,
        # Managers see the roster numbered, without names (aggregates only).
        marker="participant·e " if role == Role.MANAGER else "ligne",
        expected=11,
        paginated=False,
    )


@pytest.mark.django_db
@pytest.mark.parametrize("role", READERS)
@pytest.mark.parametrize("params", [{}, {"q": "ligne", "publication_consent": "true"}])
def test_testimonial_list(client_for, site, role, params):
    client = client_for(role)
    cohort = CohortFactory(site=site)

    def add(start, stop):
        for i in range(start, stop):
            enrollment = EnrollmentFactory(cohort=cohort)
            TestimonialFactory(person=enrollment.person, display_name=f"Ligne{i:03}")

    assert_constant(
        client,
        reverse("unisvers:testimonial_list"),
        add,
        marker="ligne",
        expected=8,
        params=params,
        two_steps=False,  # distinct rows (a person's cohorts on several sites): one query
    )


@pytest.mark.django_db
@pytest.mark.parametrize("role", READERS)
@pytest.mark.parametrize("params", [{}, {"q": "ligne", "year": "2026"}])
def test_event_list(client_for, site, role, params):
    client = client_for(role)

    def add(start, stop):
        for i in range(start, stop):
            event = EventFactory(site=site, title=f"Ligne{i:03}")
            event.attendees.add(PersonFactory(site=site), PersonFactory(site=site))

    assert_constant(
        client,
        reverse("unisvers:event_list"),
        add,
        marker="ligne",
        expected=8,
        params=params,
    )


@pytest.mark.django_db
def test_cohort_page_counts_each_day_and_space(client_for, site):
    """The counts read in one query each: present and absent per day, hours per space."""
    client = client_for(Role.TRAVAILLEUR_SOCIAL)
    cohort = CohortFactory(site=site, referents=[client.user])
    first, second = cohort.meeting_days.all()[:2]
    statuses = [
        AttendanceStatus.PRESENT,
        AttendanceStatus.PRESENT,
        AttendanceStatus.ABSENT_EXCUSE,
        AttendanceStatus.ABSENT_NON_EXCUSE,
    ]
    for status in statuses:
        enrollment = EnrollmentFactory(cohort=cohort)
        Attendance.objects.create(
            cohort=cohort, person=enrollment.person, date=first.date, status=status
        )
    first.register_taken_at = second.register_taken_at = timezone.now()
    first.save()
    second.save()
    ActivityFactory(cohort=cohort, space="mobilite", duration_min=90)
    ActivityFactory(cohort=cohort, space="mobilite", duration_min=60)
    ActivityFactory(cohort=cohort, space="budget", duration_min=30)
    page = client.get(reverse("unisvers:cohort_detail", args=[cohort.public_id])).content
    cells = re.findall(r"<td>(\d*)</td>\s*<td>(\d*)</td>", page.decode())
    assert cells[:2] == [("2", "2"), ("0", "0")]
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.decode()))
    assert "Multimédia 0 0,0 h" in text
    assert "Mobilité 2 2,5 h" in text
    assert "Budget 1 0,5 h" in text
