"""Unis'Vers indicators on hand-built data; every expectation is computed by hand."""

import pytest

from reporting.indicators import compute_bilan
from unisvers.choices import (
    AttendanceStatus,
    DropoutReason,
    EventKind,
    ExitOutcome,
    FollowupSituation,
    Household,
)
from unisvers.models import Attendance
from unisvers.tests.factories import EventFactory, FollowUpFactory, TargetFactory

from .helpers import D, cohort, enrollment, person

pytestmark = pytest.mark.django_db

YEAR_2019 = {"date_from": D(2019, 1, 1), "date_to": D(2019, 12, 31)}


def uv(**kwargs):
    return compute_bilan(**kwargs)["unisvers"]


def test_active_in_period_includes_both_edges(site):
    """Active = entry_date <= to and (no exit or exit_date >= from)."""
    spring = cohort(site, D(2018, 12, 1), D(2019, 7, 31))
    enrollment(spring, person(site), entry=D(2019, 6, 30))  # enters on `to`: active
    enrollment(spring, person(site), entry=D(2019, 7, 1))  # enters after `to`
    enrollment(
        spring,
        person(site),
        entry=D(2019, 1, 10),
        exit_date=D(2019, 3, 1),  # leaves on `from`: active
        exit_outcome=ExitOutcome.SANS_SOLUTION,
    )
    enrollment(
        spring,
        person(site),
        entry=D(2019, 1, 10),
        exit_date=D(2019, 2, 28),  # left the day before `from`
        exit_outcome=ExitOutcome.SANS_SOLUTION,
    )
    enrollment(spring, person(site), entry=D(2018, 12, 1))  # still there: active

    figures = uv(date_from=D(2019, 3, 1), date_to=D(2019, 6, 30))

    assert figures["participants"] == 3
    assert figures["exits"] == 1  # exit on 2019-03-01 only


def test_person_with_two_enrollments_counts_once_with_latest_profile(site, other_site):
    """The profile comes from the latest active enrollment (latest entry_date); with --site,
    only that site's enrollments are candidates."""
    nadia = person(site, birth_date=D(1984, 9, 1))
    winter = cohort(site, D(2019, 1, 7), D(2019, 2, 15))
    autumn = cohort(other_site, D(2019, 9, 2), D(2019, 10, 11))
    enrollment(
        winter,
        nadia,
        exit_date=D(2019, 2, 15),
        exit_outcome=ExitOutcome.SANS_SOLUTION,
        household=Household.COUPLE_AVEC_ENFANTS,
        monthly_income_eur=800,
        domestic_violence=False,
    )
    enrollment(autumn, nadia, household=Household.SEUL, monthly_income_eur=500)

    everywhere = uv(**YEAR_2019)
    assert everywhere["participants"] == 1
    assert everywhere["living_alone_rate"] == {"n": 1, "of": 1, "rate": 1.0}
    assert everywhere["income_below_550_rate"] == {"n": 1, "of": 1, "rate": 1.0}
    # Unknown in the latest enrollment: not a "no" taken from the older one.
    assert everywhere["domestic_violence_rate"] == {"n": 0, "of": 0, "rate": None}
    # 35 on 2 September 2019 (born 1 September 1984); 34 at the winter entry.
    assert everywhere["age_35_50_rate"] == {"n": 1, "of": 1, "rate": 1.0}

    winter_site = uv(**YEAR_2019, site=site)
    assert winter_site["participants"] == 1
    assert winter_site["living_alone_rate"] == {"n": 0, "of": 1, "rate": 0.0}
    assert winter_site["income_below_550_rate"] == {"n": 0, "of": 1, "rate": 0.0}
    assert winter_site["domestic_violence_rate"] == {"n": 0, "of": 1, "rate": 0.0}
    assert winter_site["age_35_50_rate"] == {"n": 0, "of": 1, "rate": 0.0}


def test_two_active_enrollments_on_the_same_day_use_the_last_recorded(site, other_site):
    who = person(site)
    first = cohort(site, D(2019, 3, 4), D(2019, 4, 12))
    second = cohort(other_site, D(2019, 3, 4), D(2019, 4, 12))
    enrollment(first, who, household=Household.SEUL)
    enrollment(second, who, household=Household.MONOPARENTAL)

    figures = uv(**YEAR_2019)

    assert figures["participants"] == 1
    assert figures["single_parent_rate"] == {"n": 1, "of": 1, "rate": 1.0}
    assert figures["living_alone_rate"] == {"n": 0, "of": 1, "rate": 0.0}


def test_profile_rates_count_known_values_only(site):
    group = cohort(site, D(2019, 3, 4), D(2019, 4, 12))
    enrollment(group, person(site))  # nothing known
    enrollment(
        group,
        person(site),
        household=Household.SEUL,
        monthly_income_eur=549,
        domestic_violence=True,
    )
    enrollment(
        group,
        person(site),
        household=Household.MONOPARENTAL,
        monthly_income_eur=550,
        domestic_violence=False,
    )
    enrollment(group, person(site), household=Household.HEBERGE, monthly_income_eur=0)

    figures = uv(**YEAR_2019)

    assert figures["participants"] == 4
    assert figures["living_alone_rate"] == {"n": 1, "of": 3, "rate": 0.3333}
    assert figures["single_parent_rate"] == {"n": 1, "of": 3, "rate": 0.3333}
    assert figures["income_below_550_rate"] == {"n": 2, "of": 3, "rate": 0.6667}
    assert figures["domestic_violence_rate"] == {"n": 1, "of": 2, "rate": 0.5}
    assert figures["age_35_50_rate"] == {"n": 0, "of": 0, "rate": None}


def test_age_35_50_at_entry_with_birth_date_or_birth_year_only(site):
    group = cohort(site, D(2019, 1, 7), D(2019, 2, 15))
    entry = D(2019, 1, 7)
    enrollment(group, person(site, birth_year=1984), entry=entry)  # 2019 - 1984 = 35: in
    enrollment(group, person(site, birth_year=1969), entry=entry)  # 50: in
    enrollment(group, person(site, birth_year=1968), entry=entry)  # 51: out
    enrollment(group, person(site, birth_date=D(1984, 6, 1)), entry=entry)  # 34: out
    enrollment(group, person(site, birth_date=D(1984, 1, 7)), entry=entry)  # 35 today: in
    enrollment(group, person(site, birth_date=D(1968, 1, 8)), entry=entry)  # 50 until tomorrow
    enrollment(group, person(site, birth_date=D(1968, 1, 7)), entry=entry)  # 51 today: out
    enrollment(group, person(site), entry=entry)  # unknown

    figures = uv(**YEAR_2019)

    assert figures["participants"] == 8
    assert figures["age_35_50_rate"] == {"n": 4, "of": 7, "rate": 0.5714}


def test_exits_outcomes_dropouts_and_their_rates(site):
    group = cohort(site, D(2019, 1, 7), D(2019, 12, 20))
    exits = [
        (ExitOutcome.EMPLOI_DURABLE, ""),
        (ExitOutcome.EMPLOI_DURABLE, ""),
        (ExitOutcome.FORMATION, ""),
        (ExitOutcome.IAE, ""),
        (ExitOutcome.SANS_SOLUTION, ""),
        (ExitOutcome.ABANDON, DropoutReason.SANTE),
        (ExitOutcome.ABANDON, DropoutReason.SANTE),
        (ExitOutcome.ABANDON, DropoutReason.DEMENAGEMENT),
    ]
    for outcome, reason in exits:
        enrollment(
            group,
            person(site),
            exit_date=D(2019, 6, 30),
            exit_outcome=outcome,
            dropout_reason=reason,
        )
    # Exit after the period: active, but not an exit of the period.
    enrollment(
        group, person(site), exit_date=D(2019, 7, 1), exit_outcome=ExitOutcome.EMPLOI_DURABLE
    )

    figures = uv(date_from=D(2019, 1, 1), date_to=D(2019, 6, 30))

    assert figures["participants"] == 9
    assert figures["exits"] == 8
    assert figures["dropouts"] == 3
    assert figures["completions"] == 5
    assert figures["positive_exits"] == 4
    assert figures["positive_exit_rate"] == {"n": 4, "of": 8, "rate": 0.5}
    assert figures["positive_exit_rate_completers"] == {"n": 4, "of": 5, "rate": 0.8}
    assert figures["dropout_rate"] == {"n": 3, "of": 8, "rate": 0.375}
    assert figures["outcomes"] == {
        "emploi_durable": 2,
        "emploi_transition": 0,
        "iae": 1,
        "formation": 1,
        "projet_professionnel": 0,
        "sans_solution": 1,
        "abandon": 3,
    }
    assert figures["dropout_reasons"] == {
        "sante": 2,
        "contraintes_familiales": 0,
        "demenagement": 1,
        "mobilite": 0,
        "injoignable": 0,
        "autre": 0,
    }


def test_followup_3m_and_confidence_over_exits_of_the_period(site):
    group = cohort(site, D(2019, 1, 7), D(2019, 3, 1))
    common = {"exit_date": D(2019, 3, 1), "exit_outcome": ExitOutcome.EMPLOI_DURABLE}
    enrollment(
        group,
        person(site),
        **common,
        followup_3m_date=D(2019, 6, 3),
        followup_3m_situation=FollowupSituation.EMPLOI_DURABLE,
        confidence_entry=3,
        confidence_exit=7,
    )
    enrollment(
        group,
        person(site),
        **common,
        # Recorded after the period: still the situation of an exit of the period.
        followup_3m_date=D(2020, 1, 15),
        followup_3m_situation=FollowupSituation.INCONNU,
        confidence_entry=6,
        confidence_exit=6,
    )
    enrollment(group, person(site), **common, confidence_entry=5, confidence_exit=4)
    enrollment(group, person(site), **common, confidence_entry=8)  # exit rating missing

    figures = uv(**YEAR_2019)

    assert figures["followup_3m"] == {
        "emploi_durable": 1,
        "emploi_transition": 0,
        "iae": 0,
        "formation": 0,
        "projet_professionnel": 0,
        "sans_solution": 0,
        "inconnu": 1,
    }
    assert figures["followup_3m_recorded"] == 2
    # Entry (3 + 6 + 5) / 3 = 4.666… → 4.67; exit (7 + 6 + 4) / 3 = 5.666… → 5.67.
    assert figures["confidence"] == {
        "assessed": 3,
        "mean_entry": 4.67,
        "mean_exit": 5.67,
        "improved_rate": {"n": 1, "of": 3, "rate": 0.3333},
    }


def test_confidence_is_null_without_any_pair(site):
    figures = uv(**YEAR_2019)
    assert figures["confidence"] == {
        "assessed": 0,
        "mean_entry": None,
        "mean_exit": None,
        "improved_rate": {"n": 0, "of": 0, "rate": None},
    }


def test_attendance_dated_in_the_period_and_site(site, other_site):
    group = cohort(site, D(2019, 12, 2), D(2020, 1, 31))
    elsewhere = cohort(other_site, D(2019, 12, 2), D(2019, 12, 20))
    a, b = person(site), person(site)
    for who in (a, b):
        enrollment(group, who)
    records = [
        (group, a, D(2019, 12, 2), AttendanceStatus.PRESENT),
        (group, b, D(2019, 12, 2), AttendanceStatus.PRESENT),
        (group, a, D(2019, 12, 3), AttendanceStatus.PRESENT),
        (group, b, D(2019, 12, 3), AttendanceStatus.ABSENT_EXCUSE),
        (group, a, D(2019, 12, 31), AttendanceStatus.ABSENT_NON_EXCUSE),
        (group, b, D(2020, 1, 2), AttendanceStatus.ABSENT_NON_EXCUSE),  # after the period
        (elsewhere, a, D(2019, 12, 5), AttendanceStatus.ABSENT_NON_EXCUSE),
    ]
    for cohort_, who, day, status in records:
        Attendance.objects.create(cohort=cohort_, person=who, date=day, status=status)

    everywhere = uv(**YEAR_2019)
    assert everywhere["attendance"] == {"present": 3, "absent_excuse": 1, "absent_non_excuse": 2}
    assert everywhere["attendance_rate"] == {"n": 3, "of": 6, "rate": 0.5}
    assert everywhere["unexcused_absence_rate"] == {"n": 2, "of": 3, "rate": 0.6667}

    main = uv(**YEAR_2019, site=site)
    assert main["attendance"] == {"present": 3, "absent_excuse": 1, "absent_non_excuse": 1}
    assert main["attendance_rate"] == {"n": 3, "of": 5, "rate": 0.6}
    assert main["unexcused_absence_rate"] == {"n": 1, "of": 2, "rate": 0.5}


def test_target_only_for_an_exact_calendar_year(site, other_site):
    TargetFactory(site=site, year=2019, persons=200)
    TargetFactory(site=other_site, year=2019, persons=50)
    TargetFactory(site=site, year=2020, persons=999)
    group = cohort(site, D(2019, 3, 4), D(2019, 4, 12))
    for _ in range(3):
        enrollment(group, person(site))

    everywhere = uv(**YEAR_2019)
    assert everywhere["target"] == 250
    assert everywhere["target_rate"] == {"n": 3, "of": 250, "rate": 0.012}

    main = uv(**YEAR_2019, site=site)
    assert main["target"] == 200
    assert main["target_rate"] == {"n": 3, "of": 200, "rate": 0.015}

    not_a_year = uv(date_from=D(2019, 1, 1), date_to=D(2019, 12, 30))
    assert not_a_year["target"] is None
    assert not_a_year["target_rate"] == {"n": 3, "of": 0, "rate": None}

    school_year = uv(date_from=D(2019, 9, 1), date_to=D(2020, 8, 31))
    assert school_year["target"] is None


def test_target_is_null_when_no_target_is_recorded(site):
    figures = uv(**YEAR_2019, site=site)
    assert figures["target"] is None
    assert figures["target_rate"] == {"n": 0, "of": 0, "rate": None}


def test_cohorts_overlapping_the_period(site, other_site):
    cohort(site, D(2018, 11, 19), D(2019, 1, 1))  # ends on `from`
    cohort(site, D(2019, 12, 31), D(2020, 2, 7))  # starts on `to`
    cohort(site, D(2018, 11, 1), D(2018, 12, 31))  # before
    cohort(site, D(2020, 1, 1), D(2020, 2, 7))  # after
    cohort(other_site, D(2019, 5, 6), D(2019, 6, 14))

    assert uv(**YEAR_2019)["cohorts"] == 3
    assert uv(**YEAR_2019, site=site)["cohorts"] == 2


def test_individual_followup_counts_whatever_the_site(site, other_site):
    group = cohort(site, D(2019, 3, 4), D(2019, 4, 12))
    followed_elsewhere, followed_late, not_followed = person(site), person(site), person(site)
    for who in (followed_elsewhere, followed_late, not_followed):
        enrollment(group, who)
    other_cohort = cohort(other_site, D(2018, 3, 5), D(2018, 4, 13))
    FollowUpFactory(person=followed_elsewhere, cohort=other_cohort, date=D(2019, 12, 31))
    FollowUpFactory(person=followed_late, date=D(2020, 1, 1))
    FollowUpFactory(person=not_followed, date=D(2018, 12, 31))

    main = uv(**YEAR_2019, site=site)

    assert main["individual_followup_rate"] == {"n": 1, "of": 3, "rate": 0.3333}


def test_enrollments_follow_their_cohort_site(site, other_site):
    here = cohort(site, D(2019, 3, 4), D(2019, 4, 12))
    there = cohort(other_site, D(2019, 3, 4), D(2019, 4, 12))
    enrollment(here, person(site))
    # A person of the main site enrolled in the other site's cohort counts there.
    enrollment(there, person(site), exit_date=D(2019, 4, 12), exit_outcome=ExitOutcome.FORMATION)

    assert uv(**YEAR_2019)["participants"] == 2
    assert uv(**YEAR_2019, site=site)["participants"] == 1
    assert uv(**YEAR_2019, site=site)["exits"] == 0
    assert uv(**YEAR_2019, site=other_site)["exits"] == 1


def test_event_attendees_are_distinct_persons_of_counted_events(site, other_site):
    a, b, c, d = (person(site) for _ in range(4))
    EventFactory(site=site, date=D(2019, 6, 20), kind=EventKind.ALUMNI).attendees.set([a, b])
    EventFactory(site=site, date=D(2019, 11, 5), kind=EventKind.COMITE_USAGERS).attendees.set(
        [b, c]
    )
    EventFactory(site=site, date=D(2019, 7, 1), kind=EventKind.AUTRE).attendees.set([d])
    EventFactory(site=site, date=D(2020, 1, 1), kind=EventKind.ALUMNI).attendees.set([d])
    EventFactory(site=other_site, date=D(2019, 3, 1), kind=EventKind.CO_EVALUATION).attendees.set(
        [a, d]
    )

    assert uv(**YEAR_2019)["event_attendees"] == 4
    assert uv(**YEAR_2019, site=site)["event_attendees"] == 3
