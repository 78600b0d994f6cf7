"""The bilan's charts: every text fits its SVG box whatever font draws it, ids never collide,
and the two-year and trend charts say the figures a reader checks."""

import re
import xml.etree.ElementTree as ET
from functools import cache

import pytest
from matplotlib import font_manager
from matplotlib.font_manager import FontProperties
from matplotlib.textpath import TextToPath

from reporting import charts
from reporting.indicators.compare import compute_with_previous, compute_years
from unisvers.choices import ExitOutcome
from villages.choices import SkillLevel
from villages.models import AnonymousAttendance
from villages.tests.factories import AssessmentFactory, RegistrationFactory

from .helpers import D, cohort, enrollment, person, session_at

SVG = "{http://www.w3.org/2000/svg}"
# The fallback a reader's browser may use is narrower than this one (charts.WIDE_FONT).
MEASURE = FontProperties(family="DejaVu Sans")


@cache
def _text_to_path():
    return TextToPath()


def text_width(text: str, size: float) -> float:
    font = MEASURE.copy()
    font.set_size(size)
    width, _height, _descent = _text_to_path().get_text_width_height_descent(
        text, font, ismath=False
    )
    return width


def parse(svg: str):
    return ET.fromstring(svg)  # noqa: S314 (SVG drawn by matplotlib in the test, not an upload)


def texts_of(svg: str) -> list[str]:
    return ["".join(element.itertext()) for element in parse(svg).iter(f"{SVG}text")]


def overflowing_texts(svg: str) -> list[str]:
    """Texts whose box, measured in DejaVu Sans, leaves the SVG's view box."""
    root = parse(svg)
    _x, _y, box_width, _h = (float(v) for v in root.get("viewBox").split())
    found = []
    for element in root.iter(f"{SVG}text"):
        text = "".join(element.itertext())
        style = element.get("style", "")
        size = float(re.search(r"font-size: ([\d.]+)px", style)[1])
        anchor = re.search(r"text-anchor: (\w+)", style)
        anchor = anchor[1] if anchor else "start"
        x = float(element.get("x"))
        width = text_width(text, size)
        left = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
        if left < 0 or left + width > box_width:
            found.append(f"{text!r}: {left:.1f} to {left + width:.1f} of 0 to {box_width:.1f}")
    return found


def test_the_measuring_font_is_wider_than_the_charts_font():
    """Otherwise the check below would prove nothing for the real font."""
    assert font_manager.findfont(MEASURE).endswith("DejaVuSans.ttf")
    charts._configure_fonts()
    source_sans = FontProperties(family="Source Sans 3", size=10)
    label = "Capacités numériques faibles"
    narrow, _h, _d = _text_to_path().get_text_width_height_descent(label, source_sans, ismath=False)
    assert text_width(label, 10) > narrow * 1.1


@pytest.fixture
def compared(site):
    for year, count in ((2018, 3), (2019, 5)):
        group = cohort(site, D(year, 3, 4), D(year, 4, 12))
        for _ in range(count):
            enrollment(group, person(site), exit_date=D(year, 4, 12), exit_outcome=ExitOutcome.IAE)
        who = person(site)
        session = session_at(site, D(year, 5, 6))
        RegistrationFactory(session=session, person=who, present=True)
        AnonymousAttendance.objects.create(session=session, age_band="60_plus", sex="F", count=4)
        AssessmentFactory(site=site, person=who, date=D(year, 5, 6), beginner=True)
    bilan = compute_with_previous(date_from=D(2019, 1, 1), date_to=D(2019, 12, 31))
    years = compute_years(first=2017, last=2019)
    return {**bilan, "years": years}


@pytest.mark.django_db
def test_no_chart_text_leaves_its_box_even_in_a_wide_fallback_font(compared):
    drawn = charts.bilan_charts(compared)
    assert set(drawn) >= {
        "skills",
        "two_year_unisvers",
        "two_year_villages",
        "trend_unisvers",
        "trend_villages",
    }
    for name, svg in drawn.items():
        assert overflowing_texts(svg) == [], name
    assert SkillLevel.CAPACITES_FAIBLES.label in drawn["skills"]


@pytest.mark.django_db
def test_charts_on_one_page_have_distinct_ids(compared):
    ids = []
    for svg in charts.bilan_charts(compared).values():
        ids += re.findall(r'id="([^"]+)"', svg)
    assert len(ids) == len(set(ids))


@pytest.mark.django_db
def test_the_two_year_chart_writes_both_years_and_the_change(compared):
    drawn = charts.bilan_charts(compared)
    texts = texts_of(drawn["two_year_unisvers"])
    assert "2018" in texts and "2019" in texts
    assert "3" in texts  # participants in 2018
    assert "5 (+67 %)" in texts  # 5 participants in 2019: +67 % on 3
    villages = texts_of(drawn["two_year_villages"])
    # Attendance counts the anonymous attendees: 1 present + 4 anonymous each year.
    assert "Présences aux ateliers" in villages
    assert "5" in villages and "5 (0 %)" in villages


@pytest.mark.django_db
def test_the_trend_chart_has_one_point_per_year(compared):
    svg = charts.bilan_charts(compared)["trend_unisvers"]
    texts = texts_of(svg)
    assert {"2017", "2018", "2019"} <= set(texts)
