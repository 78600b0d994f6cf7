"""The demo agendas: two weeks of appointments for the demo mediator and social worker, with
free slots left; running it twice creates nothing."""

import datetime
import io

import pytest
import time_machine

from appointments import demo
from appointments.models import Appointment, OpeningHours
from ceis.choices import Role
from ceis.demo import seed_core


@pytest.mark.django_db
@time_machine.travel(datetime.datetime(2026, 12, 2, 11, tzinfo=datetime.UTC), tick=False)
def test_the_demo_fills_the_week_of_both_agents_and_runs_twice_unchanged():
    core = seed_core(persons=40)
    out = io.StringIO()
    demo.seed(core=core, stdout=out)
    count = Appointment.objects.count()
    assert f"Rendez-vous : {count} créés" in out.getvalue()
    users = core["users"]
    for role in (Role.MEDIATEUR_NUMERIQUE, Role.TRAVAILLEUR_SOCIAL):
        mine = Appointment.objects.filter(agent=users[role])
        assert mine.filter(start__date__lte=datetime.date(2026, 12, 6)).count() >= 3, role
    # This week: the past honoured or not, the coming planned (or cancelled).
    past = Appointment.objects.filter(
        end__lte=datetime.datetime(2026, 12, 2, 11, tzinfo=datetime.UTC)
    )
    assert set(past.values_list("status", flat=True)) <= {"honore", "non_honore"}
    assert Appointment.objects.filter(status="prevu").exists()
    assert OpeningHours.objects.count() == len(demo.HOURS)
    demo.seed(core=core)
    assert Appointment.objects.count() == count
