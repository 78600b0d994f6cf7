"""The statements `compute_bilan` runs (`reporting/indicators/statements.py`, hand-written SQL)
give exactly the result of the reference definition (`compute_reference_bilan`, the ORM modules),
on SQLite and PostgreSQL: every key, in the same order, with the same types (ints, rates of
`rate()`, `None` where the reference has None).

The data is the random edge-case data of `test_indicators_reference` (persons known by birth
year only or born on 29 February, unknown values, dropouts, 3-month follow-ups, waiting-list and
cancelled registrations, anonymous visits, two sites) plus sessions on either side of the
periods' local midnights, in winter and summer time. `bench/bilan_sql.py`, the benchmarks'
baseline, is a thin wrapper over the same statements.
"""

import datetime
import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench.bilan_sql import bilan_sql
from ceis.models import Person, Site
from ceis.tests.factories import SiteFactory
from reporting.indicators import compute_bilan
from reporting.indicators.reference import compute_reference_bilan
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
    (D(2019, 7, 29), D(2019, 8, 3)),  # a few days across a month end: two monthly rows
    (D(2005, 1, 1), D(2005, 12, 31)),  # a calendar year before any data (and no target)
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
            site=sites[index % len(sites)],
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


def assert_identical(got, expected, where=()):
    """Equal, and of the same types all the way down: dict keys (`StrEnum` codes or text) in
    the same order, ints as ints, None as None."""
    assert type(got) is type(expected), (where, got, expected)
    if isinstance(expected, dict):
        assert [(key, type(key)) for key in got] == [(key, type(key)) for key in expected], where
        for key, value in expected.items():
            assert_identical(got[key], value, (*where, key))
    elif isinstance(expected, list):
        assert len(got) == len(expected), where
        for index, (item, wanted) in enumerate(zip(got, expected, strict=True)):
            assert_identical(item, wanted, (*where, index))
    else:
        assert got == expected, (where, got, expected)


def compare(start, end, scope):
    """`compute_bilan` against the reference, with the statements' query count (six, and one
    more to find a site from its code); the computed bilan, for more checks."""
    expected = compute_reference_bilan(date_from=start, date_to=end, site=scope)
    with CaptureQueriesContext(connection) as queries:
        got = compute_bilan(date_from=start, date_to=end, site=scope)
    assert len(queries) == (7 if isinstance(scope, str) else 6)
    assert list(got)[4:] == SECTIONS
    got["generated_at"] = expected["generated_at"]
    assert_identical(got, expected, (start, end, scope))
    return got


@pytest.mark.parametrize("seed", [4, 5])
def test_the_statements_equal_the_reference(seed, site, other_site):
    rnd = random.Random(seed)
    populate(rnd, [site, other_site])
    add_edge_sessions(rnd, [site, other_site])
    compared = 0
    for start, end in PERIODS:
        for scope in (None, site.code, other_site):
            compare(start, end, scope)
            compared += 1
    assert compared == 18
    # The comparison is not one of zeros: the year has participants, exits, reached persons,
    # targets, assessed persons and edge sessions in both halves of the year.
    year = compute_bilan(date_from=D(2019, 1, 1), date_to=D(2019, 12, 31))
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
    one_day = compute_bilan(date_from=D(2019, 7, 31), date_to=D(2019, 7, 31))
    # 00:10 and 23:40 local on 31 July are that day (UTC+2), 00:20 on 1 August is not.
    assert one_day["villages"]["sessions"] == 2
    month_end = compute_bilan(date_from=D(2019, 7, 29), date_to=D(2019, 8, 3))
    assert [row["month"] for row in month_end["villages"]["monthly"]] == ["2019-07", "2019-08"]
    assert month_end["villages"]["sessions"] >= 3
    nothing = compute_bilan(date_from=D(2005, 1, 1), date_to=D(2005, 12, 31))
    assert nothing["unisvers"]["participants"] == nothing["villages"]["people"] == 0
    assert nothing["unisvers"]["target"] is None
    assert nothing["unisvers"]["attendance_rate"] == {"n": 0, "of": 0, "rate": None}


def test_a_site_without_data_beside_one_with_all_of_it(site, other_site):
    """Every record belongs to `site`: `other_site` sees none of it, in both computations,
    and `site` alone sees what every site sees."""
    rnd = random.Random(6)
    populate(rnd, [site])
    add_edge_sessions(rnd, [site])
    assert not Person.objects.filter(site=other_site).exists()
    for start, end in PERIODS[:3]:
        empty = compare(start, end, other_site)
        assert empty["unisvers"]["participants"] == empty["unisvers"]["exits"] == 0
        assert empty["villages"]["people"] == empty["villages"]["sessions"] == 0
        assert empty["appointments"]["booked"] == empty["orientations"]["count"] == 0
        assert sum(empty["messages"]["sent"].values()) == 0
        alone = compare(start, end, site)
        everywhere = compare(start, end, None)
        for section in ("villages", "appointments", "orientations", "messages"):
            assert alone[section] == everywhere[section], section
        assert alone["unisvers"]["participants"] == everywhere["unisvers"]["participants"] > 0


def test_a_site_given_is_read_by_its_id_and_a_code_is_resolved_once(site, other_site):
    """A `Site` costs no query to find; a code one, an unknown code raises like the ORM."""
    year = {"date_from": D(2019, 1, 1), "date_to": D(2019, 12, 31)}
    with CaptureQueriesContext(connection) as queries:
        compute_bilan(**year, site=site)
    assert len(queries) == 6
    assert not any("ceis_site" in query["sql"] for query in queries.captured_queries)
    with pytest.raises(Site.DoesNotExist):
        compute_bilan(**year, site="NOWHERE")
    with pytest.raises(ValueError):
        compute_bilan(date_from=D(2019, 12, 31), date_to=D(2019, 1, 1))
    third = SiteFactory(code="TROIS")
    assert compute_bilan(**year, site=third)["site"] == "TROIS"


def test_the_benchmark_baseline_is_the_statements(site, other_site):
    """`bench/bilan_sql.py` gives the statements' sections (seven queries with a site code)."""
    rnd = random.Random(4)
    populate(rnd, [site, other_site])
    start, end = D(2019, 1, 1), D(2019, 12, 31)
    with CaptureQueriesContext(connection) as queries:
        baseline = bilan_sql(connection, start, end, site.code)
    assert len(queries) == 7
    expected = compute_reference_bilan(date_from=start, date_to=end, site=site)
    assert list(baseline) == SECTIONS
    for section in SECTIONS:
        assert_identical(baseline[section], expected[section], (section,))
    with pytest.raises(LookupError):
        bilan_sql(connection, start, end, "NOWHERE")
    with pytest.raises(ValueError):
        bilan_sql(connection, end, start)


def test_the_local_date_follows_the_projects_time_zone(site, other_site, settings):
    """A session's date is its date in `settings.TIME_ZONE`, in both computations: in New York
    (UTC−4 in summer) the sessions at 00:10 and 00:20 Paris time are the day before."""
    for index in range(3):
        Person.objects.create(site=site, last_name=f"Nom{index}", first_name="Prénom")
    add_edge_sessions(random.Random(4), [site, other_site])
    day = (D(2019, 7, 31), D(2019, 7, 31))
    assert compare(*day, None)["villages"]["sessions"] == 2
    settings.TIME_ZONE = "America/New_York"
    in_new_york = compare(*day, None)
    # 31 July 23:40 and 1 August 00:20 in Paris are 17:40 and 18:20 on 31 July in New York.
    assert in_new_york["villages"]["sessions"] == 2
    assert compare(D(2019, 7, 30), D(2019, 7, 30), None)["villages"]["sessions"] == 1
