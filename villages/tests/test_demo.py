"""The demo: six months of Vill@ges, with waiting lists and reassessments; idempotent."""

import io

import pytest

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
