"""The 6-month situation in the bilan (indicators.md, "Added keys"): `followup_6m`,
`followup_6m_recorded` and `in_employment_6m_rate` over the exits of the period."""

import pytest

from reporting.indicators import compute_bilan
from unisvers.choices import ExitOutcome, FollowupSituation

from .helpers import D, cohort, enrollment, person

pytestmark = pytest.mark.django_db

YEAR = {"date_from": D(2019, 1, 1), "date_to": D(2019, 12, 31)}


def exited(group, site, exit_date, situation_6m="", **kwargs):
    extra = {}
    if situation_6m:
        extra = {"followup_6m_date": D(2020, 1, 10), "followup_6m_situation": situation_6m}
    return enrollment(
        group,
        person(site),
        exit_date=exit_date,
        exit_outcome=ExitOutcome.SANS_SOLUTION,
        **extra,
        **kwargs,
    )


def test_in_employment_at_6_months_among_the_known_situations(site, other_site):
    group = cohort(site, D(2019, 1, 7), D(2019, 6, 28))
    exited(group, site, D(2019, 6, 28), FollowupSituation.EMPLOI_DURABLE)
    exited(group, site, D(2019, 6, 28), FollowupSituation.EMPLOI_TRANSITION)
    exited(group, site, D(2019, 6, 28), FollowupSituation.IAE)
    exited(group, site, D(2019, 6, 28), FollowupSituation.FORMATION)
    exited(group, site, D(2019, 6, 28), FollowupSituation.INCONNU)  # recorded, not known
    exited(group, site, D(2019, 6, 28))  # no 6-month situation yet
    # An exit of the year before is not an exit of the period, whatever its follow-up's date.
    earlier = cohort(site, D(2018, 1, 8), D(2018, 6, 29))
    exited(earlier, site, D(2018, 6, 29), FollowupSituation.EMPLOI_DURABLE)
    # Another site's exit counts for all sites only.
    elsewhere = cohort(other_site, D(2019, 1, 7), D(2019, 6, 28))
    exited(elsewhere, other_site, D(2019, 6, 28), FollowupSituation.SANS_SOLUTION)

    uv = compute_bilan(**YEAR, site=site)["unisvers"]

    assert uv["followup_6m"] == {
        "emploi_durable": 1,
        "emploi_transition": 1,
        "iae": 1,
        "formation": 1,
        "projet_professionnel": 0,
        "sans_solution": 0,
        "inconnu": 1,
    }
    assert uv["followup_6m_recorded"] == 5
    # 3 in employment among the 4 exits whose situation at 6 months is known: 75 %.
    assert uv["in_employment_6m_rate"] == {"n": 3, "of": 4, "rate": 0.75}
    everywhere = compute_bilan(**YEAR)["unisvers"]
    assert everywhere["in_employment_6m_rate"] == {"n": 3, "of": 5, "rate": 0.6}
    # The 3-month situation is a separate figure: none was recorded here.
    assert uv["followup_3m_recorded"] == 0


def test_without_any_known_6_month_situation_the_rate_is_null(site):
    group = cohort(site, D(2019, 1, 7), D(2019, 6, 28))
    exited(group, site, D(2019, 6, 28), FollowupSituation.INCONNU)

    uv = compute_bilan(**YEAR)["unisvers"]

    assert uv["followup_6m_recorded"] == 1
    assert uv["in_employment_6m_rate"] == {"n": 0, "of": 0, "rate": None}
