"""The demo year: realistic, valid, and idempotent."""

import pytest

from ceis.demo import seed_core
from unisvers import demo
from unisvers import models as uv
from unisvers.choices import ExitOutcome
from unisvers.models import Attendance, Cohort, Enrollment, Event, FollowUp


@pytest.mark.django_db
def test_demo_year_is_complete_valid_and_idempotent():
    core = seed_core(persons=5)
    demo.seed(core=core)
    counts = [
        model.objects.count()
        for model in (Cohort, Enrollment, Attendance, FollowUp, Event, uv.Testimonial)
    ]
    demo.seed(core=core)
    assert [
        model.objects.count()
        for model in (Cohort, Enrollment, Attendance, FollowUp, Event, uv.Testimonial)
    ] == counts
    sizes = [cohort.enrollments.count() for cohort in Cohort.objects.all()]
    assert len(sizes) >= 5 and all(15 <= size <= 20 for size in sizes)
    outcomes = set(
        Enrollment.objects.exclude(exit_outcome="").values_list("exit_outcome", flat=True)
    )
    assert outcomes == set(ExitOutcome.values)
    assert Enrollment.objects.exclude(followup_3m_situation="").exists()
    assert Enrollment.objects.exclude(followup_6m_situation="").exists()
    alumni = Event.objects.get(kind="alumni")
    assert alumni.attendees.count() >= 50
    assert uv.Testimonial.objects.filter(publication_consent=True).exists()
    # bulk_create skipped full_clean: check that the rules hold anyway.
    for enrollment in Enrollment.objects.select_related("cohort"):
        enrollment.full_clean()
