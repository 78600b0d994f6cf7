"""The PDF bilan as the press reads it: the seed's date line and headline, changes « sur un an »,
dates in French, pages filled unless a section ends, and the PDF/UA tag kept."""

import io
import re

import pytest
from pypdf import PdfReader
from weasyprint import HTML

from reporting import pdf
from reporting.indicators.compare import compute_with_previous
from reporting.templatetags.bilan_compare import change_phrase, headline, sur_un_an
from unisvers.choices import ExitOutcome
from villages.models import AnonymousAttendance
from villages.tests.factories import RegistrationFactory

from .helpers import D, cohort, enrollment, person, session_at

ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
RATE = {"n": 87, "of": 100, "rate": 0.87}


@pytest.mark.parametrize(
    ("current", "previous", "expected"),
    [
        (112, 100, "(+12\xa0% sur un an)"),
        (88, 100, "(\u221212\xa0% sur un an)"),
        (100, 100, "(0\xa0% sur un an)"),
        (5, 0, ""),
        (RATE, {"n": 84, "of": 100, "rate": 0.84}, "(+3\xa0points sur un an)"),
        (RATE, {"n": 86, "of": 100, "rate": 0.86}, "(+1\xa0point sur un an)"),
        (RATE, {"n": 0, "of": 0, "rate": None}, ""),
    ],
)
def test_a_change_is_in_percent_for_counts_and_in_points_for_rates(current, previous, expected):
    assert sur_un_an(current, previous) == expected


def test_the_headline_says_un_an_apres_only_when_comparing():
    title = "Point sur les dispositifs Unis'Vers et Vill@ges connectés"
    assert headline(title, {"previous": {}}) == headline(title, {})
    assert headline(title, {"previous": {"period": {}}}) == (
        "UN AN APRÈS, POINT SUR LES DISPOSITIFS UNIS'VERS ET VILL@GES CONNECTÉS"
    )
    assert headline("Un an après : le bilan", {"previous": {"x": 1}}) == "UN AN APRÈS : LE BILAN"
    assert change_phrase(None, 3) == ""


@pytest.fixture
def compared(site):
    """3 participants in 2018, 5 in 2019 (+67 %); a session with 4 anonymous attendees."""
    for year, count in ((2018, 3), (2019, 5)):
        group = cohort(site, D(year, 3, 4), D(year, 4, 12))
        for _ in range(count):
            enrollment(group, person(site), exit_date=D(year, 4, 12), exit_outcome=ExitOutcome.IAE)
    session = session_at(site, D(2019, 5, 6))
    RegistrationFactory(session=session, person=person(site), present=True)
    AnonymousAttendance.objects.create(session=session, age_band="60_plus", sex="F", count=4)
    return compute_with_previous(date_from=D(2019, 1, 1), date_to=D(2019, 12, 31))


def _text(pdf_bytes: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf_bytes))
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.mark.django_db
def test_the_compared_pdf_reads_like_the_press_release(compared):
    content = pdf.render_bilan_pdf(compared)
    text = " ".join(_text(content).split())

    assert "UN AN APRÈS, POINT SUR LES DISPOSITIFS" in text
    assert "Du 1er janvier au 31 décembre 2019" in text
    assert "comparé à la même période un an plus tôt, du 1er janvier au 31 décembre 2018" in text
    assert "(+67 % sur un an)" in text
    # Attendance counts the anonymous attendees: 1 registration marked present + 4 anonymous.
    assert "5 présences dont 4 participants anonymes" in text
    assert "Chiffres calculés le " in text
    assert ISO_DATE.findall(text) == []


@pytest.mark.django_db
def test_the_pdf_stays_tagged_pdf_ua(compared):
    reader = PdfReader(io.BytesIO(pdf.render_bilan_pdf(compared)))
    catalog = reader.trailer["/Root"]
    assert bool(catalog["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in catalog
    assert catalog["/Lang"] == "fr"
    assert b"pdfuaid:part" in catalog["/Metadata"].get_object().get_data()


def _page_fill(page) -> float:
    """How far down the page's content area its last drawn box (a text or an image) reaches,
    from 0 to 1; the running footer lies below the area and does not count."""
    box = page._page_box
    top, height = box.content_box_y(), box.height
    bottom = top
    for child in box.descendants():
        if getattr(child, "children", None):
            continue  # containers: their leaves say where the content ends
        end = child.position_y + child.margin_height()
        if end <= top + height + 1:
            bottom = max(bottom, end)
    return (bottom - top) / height


@pytest.mark.django_db
def test_no_page_is_half_empty_unless_a_section_ends(compared):
    html = pdf.render_bilan_html(compared)
    document = HTML(
        string=html, base_url=pdf._static_base_url(), url_fetcher=pdf.StaticOnlyURLFetcher()
    ).render()
    texts = []
    for page in document.pages:
        words = [child.text for child in page._page_box.descendants() if hasattr(child, "text")]
        texts.append(" ".join(words))
    annex = next(i for i, text in enumerate(texts) if "Annexe — définitions" in text)
    # A section ends on the page before the annex and on the last page.
    section_ends = {annex - 1, len(document.pages) - 1}
    fills = [_page_fill(page) for page in document.pages]
    assert len(fills) >= 3
    for index, fill in enumerate(fills):
        if index not in section_ends:
            assert fill > 0.5, (index + 1, [round(f, 2) for f in fills])
