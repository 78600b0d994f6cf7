"""The `appointments` section of the bilan (indicators.md, "Added keys"): counted by the local
date of their start and by their own site; no-shows among the appointments whose outcome is
known; persons received are those with an honoured appointment."""

import datetime

import pytest

from appointments.choices import AppointmentKind, AppointmentStatus
from appointments.tests.factories import AppointmentFactory
from ceis.tests.factories import UserFactory
from reporting.indicators import compute_bilan

from .helpers import PARIS, D, person

pytestmark = pytest.mark.django_db

YEAR = {"date_from": D(2019, 1, 1), "date_to": D(2019, 12, 31)}


def booked(site, who, day, status, *, hour=10, minute=0, kind=AppointmentKind.ENTRETIEN_SOCIAL):
    start = datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=PARIS)
    return AppointmentFactory(
        site=site, person=who, agent=UserFactory(), start=start, status=status, kind=kind
    )


def test_three_honoured_and_one_no_show_make_a_no_show_rate_of_25_percent(site, other_site):
    alice, bruno, chloe = person(site), person(site), person(site)
    booked(site, alice, D(2019, 3, 4), AppointmentStatus.HONORE)
    booked(site, alice, D(2019, 4, 8), AppointmentStatus.HONORE)  # the same person again
    booked(site, bruno, D(2019, 5, 6), AppointmentStatus.HONORE, kind=AppointmentKind.AUTRE)
    booked(site, chloe, D(2019, 6, 3), AppointmentStatus.NON_HONORE)
    # Neither still planned nor cancelled ahead weigh on the no-show rate.
    booked(site, chloe, D(2019, 12, 30), AppointmentStatus.PREVU)
    booked(site, bruno, D(2019, 7, 1), AppointmentStatus.EXCUSE)

    appointments = compute_bilan(**YEAR)["appointments"]

    assert appointments["booked"] == 6
    assert appointments["by_status"] == {"prevu": 1, "honore": 3, "excuse": 1, "non_honore": 1}
    assert appointments["by_kind"] == {
        "accompagnement_numerique": 0,
        "diagnostic_numerique": 0,
        "entretien_social": 5,
        "entretien_sortie": 0,
        "autre": 1,
    }
    assert appointments["no_show_rate"] == {"n": 1, "of": 4, "rate": 0.25}
    assert appointments["people"] == 2  # Alice and Bruno were received; Chloé never came


def test_an_appointment_is_dated_by_the_local_date_of_its_start(site):
    who = person(site)
    # 23:30 UTC on 31 December 2018 is 00:30 on 1 January 2019 in Paris: in 2019.
    AppointmentFactory(
        site=site,
        person=who,
        agent=UserFactory(),
        start=datetime.datetime(2018, 12, 31, 23, 30, tzinfo=datetime.UTC),
        status=AppointmentStatus.HONORE,
    )
    # 23:30 UTC on 31 December 2019 is already 2020 in Paris: not in 2019.
    AppointmentFactory(
        site=site,
        person=who,
        agent=UserFactory(),
        start=datetime.datetime(2019, 12, 31, 23, 30, tzinfo=datetime.UTC),
        status=AppointmentStatus.NON_HONORE,
    )

    year = compute_bilan(**YEAR)["appointments"]
    assert year["booked"] == 1
    assert year["by_status"]["honore"] == 1
    assert year["no_show_rate"] == {"n": 0, "of": 1, "rate": 0.0}
    new_year = compute_bilan(date_from=D(2020, 1, 1), date_to=D(2020, 1, 1))["appointments"]
    assert new_year["by_status"]["non_honore"] == 1


def test_with_a_site_appointments_count_for_their_own_site(site, other_site):
    who = person(site)  # the person's file is on the main site…
    booked(other_site, who, D(2019, 2, 4), AppointmentStatus.HONORE)  # …received elsewhere
    booked(site, person(site), D(2019, 2, 5), AppointmentStatus.NON_HONORE)

    here = compute_bilan(**YEAR, site=site)["appointments"]
    there = compute_bilan(**YEAR, site=other_site)["appointments"]

    assert (here["booked"], here["people"], here["no_show_rate"]["rate"]) == (1, 0, 1.0)
    assert (there["booked"], there["people"], there["no_show_rate"]["rate"]) == (1, 1, 0.0)


def test_no_appointment_lists_every_code_with_zeros_and_no_rate(site):
    appointments = compute_bilan(**YEAR)["appointments"]

    assert appointments["booked"] == 0
    assert appointments["by_status"] == dict.fromkeys(AppointmentStatus.values, 0)
    assert appointments["by_kind"] == dict.fromkeys(AppointmentKind.values, 0)
    assert appointments["no_show_rate"] == {"n": 0, "of": 0, "rate": None}
    assert appointments["people"] == 0


def test_an_honoured_appointment_alone_does_not_reach_a_person_in_villages(site):
    booked(site, person(site), D(2019, 3, 4), AppointmentStatus.HONORE)

    bilan = compute_bilan(**YEAR)

    assert bilan["appointments"]["people"] == 1
    assert bilan["villages"]["people"] == 0
