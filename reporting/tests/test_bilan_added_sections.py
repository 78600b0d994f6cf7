"""The sections added to `ceis.bilan/1` (indicators.md, "Added keys": appointments, orientations,
messages) in every output: the XLSX sheet, the open data rows, the figure references of the
texts; none of them falls under the « moins de 5 » rule; a version stored before they existed
still reads."""

import datetime
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from appointments.choices import AppointmentStatus
from appointments.tests.factories import AppointmentFactory
from ceis.choices import Role
from ceis.tests.factories import UserFactory
from coordination.tests.factories import OrientationFactory, PartnerFactory
from messaging.tests.factories import MessageFactory
from reporting.dashboard import comparison_rows
from reporting.indicators import compute_bilan
from reporting.indicators.compare import compute_with_previous
from reporting.opendata import bilan_csv, bilan_rows
from reporting.pdf import render_bilan_pdf
from reporting.texts import REFERENCES, render_text
from reporting.views import _figures_context
from reporting.xlsx import build_bilan_xlsx

from .helpers import PARIS, D, person

pytestmark = pytest.mark.django_db

YEAR = {"date_from": D(2019, 1, 1), "date_to": D(2019, 12, 31)}


MARCH = D(2019, 3, 4)


def booked(site, status, day=MARCH):
    start = datetime.datetime(day.year, day.month, day.day, 10, tzinfo=PARIS)
    return AppointmentFactory(
        site=site, person=person(site), agent=UserFactory(), start=start, status=status
    )


@pytest.fixture
def small_world(site):
    """3 honoured appointments and 1 no-show in 2019; 1 honoured in 2018."""
    for _ in range(3):
        booked(site, AppointmentStatus.HONORE)
    booked(site, AppointmentStatus.NON_HONORE)
    booked(site, AppointmentStatus.HONORE, D(2018, 5, 2))


def sheet_rows(sheet) -> dict:
    return {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True) if row[0]}


def test_the_xlsx_has_a_sheet_of_appointments_with_the_previous_year(small_world):
    workbook = load_workbook(io.BytesIO(build_bilan_xlsx(compute_with_previous(**YEAR))))

    rows = sheet_rows(workbook["Rendez-vous"])
    assert rows["booked"][1:3] == ("Rendez-vous pris", 4)
    assert rows["by_status.honore"][2] == 3
    # Rate, numerator, denominator, then the previous year's rate and the change in points.
    assert rows["no_show_rate"][2:6] == (0.25, 1, 4, 0.0)
    assert rows["no_show_rate"][6] == pytest.approx(25.0)
    assert rows["people"][2:5] == (3, None, None)
    assert rows["people"][5] == 1  # one person received in 2018


def test_open_data_has_a_row_per_figure_with_small_counts_published(small_world):
    rows = {
        (row["key"], row["code"]): row
        for row in bilan_rows(compute_bilan(**YEAR))
        if row["section"] == "appointments"
    }
    # A count of 1 to 4 is not confidential here: it is published as it is.
    assert rows[("no_show_rate", "")]["n"] == 1
    assert rows[("no_show_rate", "")]["published"] == "25\u00a0%"
    assert rows[("by_status", "non_honore")]["published"] == "1"
    assert rows[("booked", "")]["published"] == "4"
    assert "appointments,people,,3,,,3" in bilan_csv(compute_bilan(**YEAR)).splitlines()


def test_texts_can_reference_the_added_keys_and_small_counts_print(small_world):
    assert {
        "appointments.booked",
        "appointments.no_show_rate.of",
        "appointments.by_kind.autre",
    } <= (set(REFERENCES))
    text = (
        "[[appointments.booked]] rendez-vous, [[appointments.no_show_rate]] non honorés "
        "([[appointments.no_show_rate.n]] sur [[appointments.no_show_rate.of]]), "
        "[[appointments.people]] personnes reçues."
    )
    assert render_text(text, compute_bilan(**YEAR)) == (
        "4 rendez-vous, 25\u00a0% non honorés (1 sur 4), 3 personnes reçues."
    )


def test_a_bilan_stored_before_the_added_sections_still_gives_its_xlsx_and_open_data(site):
    old = compute_bilan(**YEAR)
    for section in ("appointments", "orientations", "messages"):
        old.pop(section, None)

    workbook = load_workbook(io.BytesIO(build_bilan_xlsx(old)))

    assert "Rendez-vous" not in workbook.sheetnames
    # A text naming an added figure prints a dash with such a bilan, never an error.
    assert render_text("[[appointments.no_show_rate.n]] / [[villages.people]]", old) == "— / 0"
    assert {row["section"] for row in bilan_rows(old)} == {"unisvers", "villages"}


@pytest.fixture
def manager(client_for, site):
    return client_for(Role.MANAGER, sites=[site])


PERIOD = {"preset": "custom", "date_from": "2019-01-01", "date_to": "2019-12-31"}


def test_the_dashboard_shows_appointments_orientations_and_messages(manager, site, small_world):
    who = person(site)
    partner = PartnerFactory(site=site, france_travail=True)
    OrientationFactory(person=who, partner=partner, date=D(2019, 5, 6), status="realisee")
    OrientationFactory(person=who, partner=partner, date=D(2019, 5, 7), status="refusee")
    MessageFactory(person=who, sent=True, sent_at=datetime.datetime(2019, 3, 4, 9, tzinfo=PARIS))

    page = manager.get(reverse("reporting:dashboard"), {**PERIOD, "site": site.pk})
    text = page.content.decode()

    assert "Rendez-vous, orientations et messages" in text
    assert "rendez-vous pris · 3 personnes reçues" in text
    # The no-show rate with its denominator on hover.
    assert '<abbr title="1 sur 4">25 %</abbr>' in text
    assert '<p class="display-6 mb-0">2</p><p class="mb-0">orientations vers un partenaire' in text
    assert '<abbr title="1 sur 2">50 %</abbr>' in text  # réalisées, among those decided
    assert "message envoyé (1 SMS, 0 e-mail) · 0 en échec" in text
    assert '<th scope="row">France Travail</th><td class="text-end">2</td>' in text


def test_the_dashboard_compares_appointments_with_the_year_before(manager, site, small_world):
    page = manager.get(reverse("reporting:dashboard"), {**PERIOD, "comparer": "1"})
    text = page.content.decode()

    # 4 appointments in 2019 beside 1 in 2018: +300 %.
    assert '<th scope="row">Rendez-vous pris</th><td class="text-end">4</td>' in text
    assert "+300\u00a0%" in text


def test_a_dashboard_result_computed_before_the_added_sections_still_reads(site, small_world):
    old = compute_bilan(**YEAR)
    for section in ("appointments", "orientations", "messages"):
        old.pop(section)

    context = _figures_context({"bilan": old, "charts": {}})

    assert context["appointments"] is None
    assert context["orientation_categories"] == []
    # Compared with a result of the year before computed before them: those rows are left out.
    rows = comparison_rows(compute_bilan(**YEAR), old)
    assert "Rendez-vous pris" not in [row["label"] for row in rows]
    assert "Participants Unis'Vers" in [row["label"] for row in rows]


def _pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_the_pdf_has_the_appointments_and_orientations_and_their_definitions(site, small_world):
    who = person(site)
    partner = PartnerFactory(site=site, france_travail=True)
    for status in ("realisee", "realisee", "refusee", "proposee"):
        OrientationFactory(person=who, partner=partner, date=D(2019, 5, 6), status=status)
    MessageFactory(person=who, sent=True, sent_at=datetime.datetime(2019, 3, 4, 9, tzinfo=PARIS))

    text = _pdf_text(render_bilan_pdf(compute_with_previous(**YEAR)))

    assert "Rendez-vous et orientations" in text
    # (the text extraction may glue a call-out's figure to its words)
    assert re.search(r"4 ?rendez-vous individuels pris, 3 personnes reçues", text)
    assert "(+300 % sur un an)" in text  # 4 appointments beside 1 in 2018
    assert re.search(r"25 % ?des rendez-vous dont l'issue est connue n'ont pas été honorés", text)
    assert re.search(r"4 ?orientations vers un partenaire", text)
    assert re.search(r"67 % ?des orientations suivies d'une réponse ont abouti", text)  # 2 of 3
    assert "orientations par type de partenaire : France Travail 4" in text
    assert "1 message de confirmation ou de rappel envoyé (1 SMS, 0 e-mail)" in text
    # The annex defines the added keys with their denominators.
    annex = text[text.index("Annexe — définitions") :]
    assert "Rendez-vous non honorés" in annex
    assert "rendez-vous de la période honorés ou non honorés" in annex
    assert "orientations de la période qui ne sont plus au statut « proposée »" in annex
    assert "Messages en échec" in annex
    assert "En emploi 6 mois après la sortie" in annex
