"""`seed_demo --scale N` gives appointments (appointments/demo_scale.py), which the bilan counts."""

import datetime
import itertools

import pytest
from django.db.models import Count

from appointments.models import Appointment
from ceis.demo_scale import seed_scale
from reporting.indicators import compute_bilan

YEAR = 2025
pytestmark = pytest.mark.django_db


def test_the_generated_year_has_appointments_never_two_at_once_for_an_agent():
    seed_scale(scale=0.2, year=YEAR)

    # 0.2 × 1,500 appointments over 2 sites (each site's count is rounded at random).
    assert 290 <= Appointment.objects.count() <= 310
    assert not Appointment.objects.exclude(start__year=YEAR).exists()
    by_agent = {}
    for agent_id, start, end in Appointment.objects.values_list("agent_id", "start", "end"):
        by_agent.setdefault(agent_id, []).append((start, end))
    for slots in by_agent.values():
        slots.sort()
        assert all(end <= following for (_, end), (following, _) in itertools.pairwise(slots))
    assert Appointment.objects.values("site").annotate(n=Count("id")).count() == 2

    appointments = compute_bilan(
        date_from=datetime.date(YEAR, 1, 1), date_to=datetime.date(YEAR, 12, 31)
    )["appointments"]
    assert appointments["booked"] == Appointment.objects.count()
    assert 0.05 < appointments["no_show_rate"]["rate"] < 0.3
    assert appointments["people"] > 50
    assert all(
        appointments["by_kind"][kind] > 0 for kind in appointments["by_kind"] if kind != "autre"
    )
