"""Comparisons over time: the one-year shift, the previous period, one bilan per year."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from reporting.indicators import compute_bilan
from reporting.indicators.compare import (
    compute_with_previous,
    compute_years,
    count_change,
    one_year_before,
    previous_period,
    rate_change_points,
)
from unisvers.choices import ExitOutcome

from .helpers import D, cohort, enrollment, person


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2019, 1, 1), D(2018, 1, 1)),
        (D(2019, 12, 31), D(2018, 12, 31)),
        (D(2020, 2, 29), D(2019, 2, 28)),
        (D(2020, 2, 28), D(2019, 2, 28)),
        (D(2021, 3, 1), D(2020, 3, 1)),
    ],
)
def test_one_year_before_keeps_the_day_and_turns_29_february_into_28(day, expected):
    assert one_year_before(day) == expected


def test_previous_period_shifts_both_ends():
    assert previous_period(D(2020, 2, 1), D(2020, 2, 29)) == (D(2019, 2, 1), D(2019, 2, 28))


def without_time(bilan: dict) -> dict:
    return {key: value for key, value in bilan.items() if key != "generated_at"}


@pytest.fixture
def two_years(site):
    """Two participants in 2018 (both out by April), three in 2019."""
    group_2018 = cohort(site, D(2018, 3, 5), D(2018, 4, 13))
    enrollment(group_2018, person(site), exit_date=D(2018, 4, 13), exit_outcome=ExitOutcome.IAE)
    enrollment(
        group_2018, person(site), exit_date=D(2018, 4, 13), exit_outcome=ExitOutcome.FORMATION
    )
    group_2019 = cohort(site, D(2019, 3, 4), D(2019, 4, 12))
    for _ in range(3):
        enrollment(group_2019, person(site))


@pytest.mark.django_db
def test_previous_is_the_bilan_of_the_year_before(two_years, site):
    bilan = compute_with_previous(date_from=D(2019, 1, 1), date_to=D(2019, 12, 31), site=site)
    expected = compute_bilan(date_from=D(2018, 1, 1), date_to=D(2018, 12, 31), site=site)

    assert bilan["unisvers"]["participants"] == 3
    assert bilan["previous"]["unisvers"]["participants"] == 2
    assert bilan["previous"]["period"] == {"from": "2018-01-01", "to": "2018-12-31"}
    assert without_time(bilan["previous"]) == without_time(expected)
    assert "previous" not in bilan["previous"]


@pytest.mark.django_db
def test_compute_years_gives_one_bilan_per_calendar_year(two_years, site):
    years = compute_years(first=2017, last=2019, site=site.code)

    assert [bilan["period"] for bilan in years] == [
        {"from": f"{year}-01-01", "to": f"{year}-12-31"} for year in (2017, 2018, 2019)
    ]
    assert [bilan["unisvers"]["participants"] for bilan in years] == [0, 2, 3]
    assert {bilan["site"] for bilan in years} == {site.code}


def test_compute_years_refuses_a_reversed_range():
    with pytest.raises(ValueError):
        compute_years(first=2019, last=2017)


@pytest.mark.parametrize(
    ("current", "previous", "expected"),
    [(112, 100, 0.12), (90, 120, -0.25), (5, 0, None), (5, None, None), (0, 4, -1.0)],
)
def test_count_change_is_a_fraction_of_the_previous_count(current, previous, expected):
    assert count_change(current, previous) == expected


def test_rate_change_is_in_points_and_unknown_when_a_rate_is():
    now, before = {"n": 87, "of": 100, "rate": 0.87}, {"n": 84, "of": 100, "rate": 0.84}
    assert rate_change_points(now, before) == 3.0
    assert rate_change_points(before, now) == -3.0
    assert rate_change_points(now, {"n": 0, "of": 0, "rate": None}) is None
    assert rate_change_points(now, {"n": None, "of": None, "rate": "moins de 5"}) is None


def run_bilan(*args) -> str:
    out = io.StringIO()
    call_command("bilan", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.mark.django_db
def test_bilan_compare_json_has_previous_equal_to_bilan_on_the_shifted_period(two_years, site):
    """The leap day: 1 March 2019 – 29 February 2020 compares with 1 March 2018 – 28 February
    2019, exactly what `bilan` prints for that period."""
    compared = json.loads(
        run_bilan("--from", "2019-03-01", "--to", "2020-02-29", "--site", site.code, "--compare")
    )
    shifted = json.loads(
        run_bilan("--from", "2018-03-01", "--to", "2019-02-28", "--site", site.code)
    )

    assert without_time(compared["previous"]) == without_time(shifted)
    assert compared["previous"]["unisvers"]["participants"] == 2
    assert compared["unisvers"]["participants"] == 3


@pytest.mark.django_db
def test_bilan_years_prints_one_bilan_per_calendar_year(two_years, site):
    years = json.loads(run_bilan("--years", "2017-2019", "--site", site.code))

    assert [bilan["period"]["from"] for bilan in years] == [
        "2017-01-01",
        "2018-01-01",
        "2019-01-01",
    ]
    assert [bilan["unisvers"]["participants"] for bilan in years] == [0, 2, 3]
    single = json.loads(
        run_bilan("--from", "2018-01-01", "--to", "2018-12-31", "--site", site.code)
    )
    assert without_time(years[1]) == without_time(single)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--years", "2019-2017"], "--years : 2019 est postérieure à 2017."),
        (["--years", "19-20"], "années invalides pour --years : « 19-20 » (attendu 2017-2019)."),
        (
            ["--years", "2018-2019", "--from", "2019-01-01"],
            "--years remplace --from et --to : donnez l'un ou l'autre.",
        ),
    ],
)
def test_bilan_years_refuses_bad_input_in_one_french_line(args, message):
    with pytest.raises(CommandError) as error:
        run_bilan(*args)
    assert str(error.value) == message
    assert error.value.returncode == 2
