"""The hand-written SQL baseline of the bilan benchmark (`bench/bilan_sql.py`) gives exactly the
figures of `compute_bilan`, so that `bench/bilan_bench.py` compares the times of two
computations of the same thing.

The data is the random edge-case data of `test_indicators_reference` (persons known by birth
year only or born on 29 February, unknown values, dropouts, 3-month follow-ups, waiting-list and
cancelled registrations, anonymous visits, two sites) plus sessions on either side of the
periods' local midnights, in winter and summer time.
"""

import datetime
import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench.bilan_sql import bilan_sql
from ceis.models import Person
from reporting.indicators import compute_bilan
from villages.choices import AnonymousAgeBand, AnonymousSex, Attendance, RegistrationStatus
from villages.models import AnonymousAttendance, Registration, Session, Workshop

from .helpers import PARIS, D
from .test_indicators_reference import populate

pytestmark = pytest.mark.django_db

PERIODS = [
    (D(2019, 1, 1), D(2019, 12, 31)),  # a calendar year: targets
    (D(2019, 3, 15), D(2019, 11, 20)),  # shorter, across both time changes
    (D(2018, 6, 1), D(2020, 5, 31)),  # two years
    (D(2019, 7, 31), D(2019, 7, 31)),  # one summer day
]

# Local times at the edges of the periods and of months: the session's date is its local date.
EDGE_STARTS = [
    (2018, 12, 31, 23, 45),
    (2019, 1, 1, 0, 15),
    (2019, 3, 14, 23, 50),
    (2019, 3, 15, 0, 5),
    (2019, 7, 31, 0, 10),
    (2019, 7, 31, 23, 40),
    (2019, 8, 1, 0, 20),
    (2019, 11, 20, 23, 55),
    (2019, 11, 21, 0, 5),
    (2019, 12, 31, 23, 30),
    (2020, 1, 1, 0, 30),
]

SECTIONS = ["unisvers", "villages", "appointments", "orientations", "messages"]
ANONYMOUS_GROUPS = [(band, sex) for band in AnonymousAgeBand.values for sex in AnonymousSex.values]


def add_edge_sessions(rnd, sites):
    workshop = Workshop.objects.create(title="Atelier des bords", theme="email")
    people = list(Person.objects.order_by("pk")[:30])
    for index, (year, month, day, hour, minute) in enumerate(EDGE_STARTS):
        session = Session.objects.create(
            workshop=workshop,
            site=sites[index % 2],
            start=datetime.datetime(year, month, day, hour, minute, tzinfo=PARIS),
        )
        for who in rnd.sample(people, 3):
            Registration.objects.create(
                session=session,
                person=who,
                status=RegistrationStatus.INSCRIT,
                attendance=rnd.choice(["", Attendance.PRESENT, Attendance.ABSENT]),
            )
        for band, sex in rnd.sample(ANONYMOUS_GROUPS, 2):
            AnonymousAttendance.objects.create(
                session=session, age_band=band, sex=sex, count=rnd.randint(1, 9)
            )


@pytest.mark.parametrize("seed", [4, 5])
def test_bilan_sql_equals_compute_bilan(seed, site, other_site):
    rnd = random.Random(seed)
    populate(rnd, [site, other_site])
    add_edge_sessions(rnd, [site, other_site])
    compared = 0
    for start, end in PERIODS:
        for scope in (None, site.code, other_site.code):
            expected = compute_bilan(date_from=start, date_to=end, site=scope)
            with CaptureQueriesContext(connection) as queries:
                baseline = bilan_sql(connection, start, end, scope)
            # One query per section and one for the anonymous attendees, and one more to find
            # the site from its code.
            assert len(queries) == (6 if scope is None else 7)
            assert list(baseline) == SECTIONS
            for section in SECTIONS:
                assert baseline[section] == expected[section], (section, start, end, scope)
            compared += 1
    assert compared == 12
    # The comparison is not one of zeros: the year has participants, exits, reached persons,
    # targets, assessed persons and edge sessions in both halves of the year.
    year = bilan_sql(connection, D(2019, 1, 1), D(2019, 12, 31))
    assert year["unisvers"]["participants"] > 5
    assert year["unisvers"]["exits"] > 3
    assert year["unisvers"]["target"] is not None
    assert year["villages"]["people"] > 10
    assert year["villages"]["skills"] != dict.fromkeys(year["villages"]["skills"], 0)
    assert year["villages"]["skills_progress_rate"]["of"] > 0
    assert year["villages"]["anonymous_attendees"] > 0
    assert year["appointments"]["no_show_rate"]["of"] > 5
    assert year["unisvers"]["followup_6m_recorded"] > 2
    assert year["orientations"]["completed_rate"]["of"] > 3
    assert sum(year["messages"]["sent"].values()) > 3
    one_day = bilan_sql(connection, D(2019, 7, 31), D(2019, 7, 31))
    # 00:10 and 23:40 local on 31 July are that day (UTC+2), 00:20 on 1 August is not.
    assert one_day["villages"]["sessions"] == 2


def test_bilan_sql_unknown_site_and_reversed_period(site):
    with pytest.raises(LookupError):
        bilan_sql(connection, D(2019, 1, 1), D(2019, 12, 31), "NOWHERE")
    with pytest.raises(ValueError):
        bilan_sql(connection, D(2019, 12, 31), D(2019, 1, 1))
