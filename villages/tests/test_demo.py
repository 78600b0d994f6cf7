"""The demo: six months of Vill@ges, with waiting lists and reassessments; idempotent."""

import io

import pytest
import time_machine

from ceis.demo import seed_core
from villages import demo
from villages.models import (
    AnonymousAttendance,
    Assessment,
    IndividualHelp,
    Registration,
    Session,
    Visit,
)


def _counts():
    return [
        model.objects.count()
        for model in (Session, Registration, IndividualHelp, Visit, Assessment, AnonymousAttendance)
    ]


@pytest.mark.django_db
def test_demo_is_complete_and_running_it_twice_creates_nothing():
    core = seed_core(persons=40)
    out = io.StringIO()
    demo.seed(core=core, stdout=out)
    first = _counts()
    assert "Vill@ges connectés" in out.getvalue()
    sessions, registrations, helps, visits, assessments, anonymous = first
    assert registrations > 500
    assert sessions >= 80  # three weekly slots over six months and the coming weeks
    assert Registration.objects.filter(status="liste_attente").exists()
    assert helps > 1000 and visits > 1000 and assessments > 300
    reassessed = Assessment.objects.values("person").order_by().distinct().count() < assessments
    assert reassessed
    # Anonymous attendees only at past playful workshops.
    assert anonymous > 0
    assert not AnonymousAttendance.objects.exclude(
        session__workshop__format="atelier_ludique"
    ).exists()

    demo.seed(core=seed_core(persons=40), stdout=io.StringIO())
    assert _counts() == first


@pytest.mark.django_db
def test_the_demo_seeds_on_a_day_when_faker_draws_a_29_february():
    # On 4 December 2026 a birth date drawn by Faker (relative to today) was a 29 February,
    # moved to a common year: the demo, `make run` and the browser tests failed that day.
    with time_machine.travel("2026-12-04 01:00:00+00:00", tick=False):
        core = seed_core(persons=40)
        demo.seed(core=core, stdout=io.StringIO())
    assert demo.Person.objects.filter(ref__startswith="demo-vc-").count() == demo.NEW_PERSONS
