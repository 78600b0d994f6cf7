"""The register: one screen, every participant, "present" by default, one save."""

import datetime

import pytest
from django.urls import reverse

from ceis.choices import JournalAction
from ceis.models import JournalEntry
from unisvers.models import Attendance, MeetingDay

from .factories import EnrollmentFactory

DAY = datetime.date(2026, 3, 3)


def _url(cohort, day=DAY):
    return reverse("unisvers:register", args=[cohort.public_id, day.isoformat()])


@pytest.fixture
def twenty(cohort):
    return [EnrollmentFactory(cohort=cohort) for _ in range(20)]


def _post_data(enrollments, overrides=None):
    overrides = overrides or {}
    return {f"status-{e.public_id}": overrides.get(e.pk, "present") for e in enrollments}


def test_register_lists_everyone_prefilled_present(client, referent, cohort, twenty):
    client.force_login(referent)
    response = client.get(_url(cohort))
    html = response.content.decode()
    assert "20 participants" in html
    for enrollment in twenty:
        assert str(enrollment.person) in html
    assert html.count('value="present" autocomplete="off" checked') == 20


def test_register_saves_twenty_rows_in_one_request_with_constant_queries(
    client, referent, cohort, twenty, django_assert_max_num_queries
):
    client.force_login(referent)
    data = _post_data(twenty, {twenty[0].pk: "absent_excuse", twenty[1].pk: "absent_non_excuse"})
    with django_assert_max_num_queries(22):
        response = client.post(_url(cohort), data)
    assert response.status_code == 302
    rows = Attendance.objects.filter(cohort=cohort, date=DAY)
    assert rows.count() == 20
    assert rows.filter(status="present").count() == 18
    assert rows.get(person=twenty[0].person).status == "absent_excuse"
    assert rows.get(person=twenty[1].person).status == "absent_non_excuse"
    assert MeetingDay.objects.get(cohort=cohort, date=DAY).register_taken
    entry = JournalEntry.objects.filter(object_ref=str(cohort.public_id)).latest("at")
    assert entry.action == JournalAction.CREATE
    assert entry.payload["created"] == 20


def test_register_query_count_does_not_grow_with_participants(
    client, referent, cohort, django_assert_num_queries
):
    client.force_login(referent)
    few = [EnrollmentFactory(cohort=cohort) for _ in range(3)]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.post(_url(cohort), _post_data(few))
    many = few + [EnrollmentFactory(cohort=cohort) for _ in range(17)]
    with CaptureQueriesContext(connection) as large:
        client.post(_url(cohort, datetime.date(2026, 3, 5)), _post_data(many))
    assert len(large.captured_queries) == len(small.captured_queries)
    with CaptureQueriesContext(connection) as page:
        client.get(_url(cohort))
    assert len(page.captured_queries) <= 14


def test_register_is_editable_afterwards_and_shows_saved_statuses(client, referent, cohort, twenty):
    client.force_login(referent)
    client.post(_url(cohort), _post_data(twenty))
    client.post(_url(cohort), _post_data(twenty, {twenty[5].pk: "absent_excuse"}))
    assert Attendance.objects.filter(cohort=cohort, date=DAY).count() == 20
    assert Attendance.objects.get(person=twenty[5].person, date=DAY).status == "absent_excuse"
    html = client.get(_url(cohort)).content.decode()
    assert html.count('value="absent_excuse" autocomplete="off" checked') == 1
    assert "déjà été pris" in html


def test_register_lists_only_participants_enrolled_that_day(client, referent, cohort):
    client.force_login(referent)
    present = EnrollmentFactory(cohort=cohort)
    late = EnrollmentFactory(cohort=cohort, entry_date=datetime.date(2026, 3, 16))
    html = client.get(_url(cohort)).content.decode()
    assert str(present.person) in html and str(late.person) not in html


def test_register_of_a_day_outside_the_calendar_is_404(client, referent, cohort):
    client.force_login(referent)
    assert client.get(_url(cohort, datetime.date(2026, 3, 4))).status_code == 404  # Wednesday
    assert (
        client.get(reverse("unisvers:register", args=[cohort.public_id, "2026-13-45"])).status_code
        == 404
    )


def test_cohort_page_shows_days_without_register_and_attendance_rates(
    client, referent, cohort, twenty, time_machine
):
    time_machine.move_to(datetime.datetime(2026, 3, 6, 12, 0))
    client.force_login(referent)
    client.post(_url(cohort), _post_data(twenty, {twenty[0].pk: "absent_non_excuse"}))
    html = client.get(cohort.get_absolute_url()).content.decode()
    # Meeting days up to 6 March: 2, 3, 5 March; only the 3rd is taken.
    assert "2 registres non pris" in html
    assert "100 %" in html and "0 %" in html


def test_a_register_of_a_day_to_come_is_refused(client, referent, cohort, twenty, time_machine):
    time_machine.move_to(datetime.datetime(2026, 3, 2, 12, 0))
    client.force_login(referent)
    response = client.post(_url(cohort), _post_data(twenty), follow=True)
    assert "ne peut pas encore être pris" in response.content.decode()
    assert not Attendance.objects.exists()
    assert not MeetingDay.objects.get(cohort=cohort, date=DAY).register_taken


def test_a_taken_register_can_be_reset_to_everyone_present(client, referent, cohort, twenty):
    client.force_login(referent)
    client.post(_url(cohort), _post_data(twenty, {twenty[0].pk: "absent_excuse"}))
    assert "Enregistrer tout le monde présent" in client.get(_url(cohort)).content.decode()
    client.post(
        _url(cohort), {**_post_data(twenty, {twenty[0].pk: "absent_excuse"}), "tous_presents": "1"}
    )
    statuses = set(Attendance.objects.filter(date=DAY).values_list("status", flat=True))
    assert statuses == {"present"}
