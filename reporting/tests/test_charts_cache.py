"""The charts of a bilan are drawn once per set of figures (`charts.bilan_charts`): the dashboard's
result and each PDF version of the same figures reuse the drawing; other figures never do."""

import copy

import pytest
from django.core.cache import cache

from reporting import charts
from reporting.indicators import compute_bilan
from unisvers.choices import ExitOutcome

from .helpers import D, cohort, enrollment, person


@pytest.fixture
def bilan(site):
    cache.clear()
    group = cohort(site, D(2019, 3, 4), D(2019, 4, 12))
    for _ in range(3):
        enrollment(group, person(site), exit_date=D(2019, 4, 12), exit_outcome=ExitOutcome.IAE)
    yield compute_bilan(date_from=D(2019, 1, 1), date_to=D(2019, 12, 31))
    cache.clear()


@pytest.fixture
def drawings(monkeypatch):
    """How many times the charts were drawn (the real drawing runs)."""
    calls = []
    draw = charts._draw

    def counted(bilan):
        calls.append(bilan["period"])
        return draw(bilan)

    monkeypatch.setattr(charts, "_draw", counted)
    return calls


@pytest.mark.django_db
def test_the_same_figures_are_drawn_once(bilan, drawings):
    first = charts.bilan_charts(bilan)
    # Computed again later: another generation time, the same figures.
    again = {**copy.deepcopy(bilan), "generated_at": "2030-01-01T00:00:00+00:00"}
    assert charts.bilan_charts(again) == first
    assert len(drawings) == 1
    assert "3 participants" in first["target"]


@pytest.mark.django_db
def test_other_figures_are_drawn_again(bilan, drawings):
    before = charts.bilan_charts(bilan)
    changed = copy.deepcopy(bilan)
    changed["unisvers"]["participants"] = 4
    after = charts.bilan_charts(changed)
    assert len(drawings) == 2
    assert "4 participants" in after["target"]
    assert "3 participants" in before["target"]
    # Another site or period with the same counts is another bilan too.
    charts.bilan_charts({**bilan, "site": "AUTRE"})
    assert len(drawings) == 3
