"""The manager's dashboard and its JSON/XLSX downloads read the one bilan computation (the\ndashboard through its task, run eagerly in these tests)."""

import datetime
import io
import json

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from ceis.choices import JournalAction, Role
from ceis.models import JournalEntry
from reporting.dashboard import dashboard_result_compute
from reporting.indicators import compute_bilan
from reporting.models import DashboardResult
from unisvers.tests.factories import EnrollmentFactory

PERIOD = {"preset": "custom", "date_from": "2019-01-01", "date_to": "2019-12-31"}


@pytest.fixture
def manager(client_for, site, other_site):
    return client_for(Role.MANAGER, sites=[site, other_site])


def _enroll(site, count, **kwargs):
    return EnrollmentFactory.create_batch(
        count,
        cohort__site=site,
        cohort__start_date=datetime.date(2019, 5, 6),
        cohort__end_date=datetime.date(2019, 6, 14),
        **kwargs,
    )


@pytest.mark.django_db
def test_dashboard_shows_key_figures_with_their_denominators(manager, site):
    _enroll(site, 4)
    _enroll(site, 1, exited=True)
    page = manager.get(reverse("reporting:dashboard"), PERIOD).content.decode()
    assert "Du 1er janvier au 31 décembre 2019 · tous les sites" in page
    assert '<p class="display-6 mb-0">5</p><p class="mb-0">participants' in page
    # Positive exits among completers: 1 of 1, with its denominator on hover.
    assert '<abbr title="1 sur 1">100 %</abbr>' in page
    assert page.count('src="data:image/svg+xml;base64,') == 6
    assert "Préparer le bilan" in page


@pytest.mark.django_db
def test_dashboard_site_choice_changes_the_figures(manager, site, other_site):
    _enroll(site, 2)
    _enroll(other_site, 3)
    mine = manager.get(reverse("reporting:dashboard"), {**PERIOD, "site": site.pk}).content
    theirs = manager.get(reverse("reporting:dashboard"), {**PERIOD, "site": other_site.pk}).content
    assert '<p class="display-6 mb-0">2</p>' in mine.decode()
    assert '<p class="display-6 mb-0">3</p>' in theirs.decode()


@pytest.mark.django_db
def test_a_manager_of_one_site_cannot_ask_for_another_site_or_all_sites(
    client_for, site, other_site
):
    client = client_for(Role.MANAGER, sites=[site])
    _enroll(other_site, 3)
    page = client.get(reverse("reporting:dashboard"), {**PERIOD, "site": other_site.pk}).content
    assert "Sélectionnez un choix valide" in page.decode()
    page = client.get(reverse("reporting:dashboard"), PERIOD).content.decode()
    assert "Ce champ est obligatoire" in page


@pytest.mark.django_db
@pytest.mark.parametrize("participants", [2, 30])
def test_the_dashboard_computation_query_count_does_not_grow_with_data(
    site, participants, django_assert_max_num_queries
):
    """The task's computation (the page itself: test_dashboard_results.py)."""
    _enroll(site, participants)
    result = DashboardResult.objects.create(
        key="k", date_from=datetime.date(2019, 1, 1), date_to=datetime.date(2019, 12, 31)
    )
    with django_assert_max_num_queries(30):
        assert dashboard_result_compute(result_id=result.pk) is True
    result.refresh_from_db()
    assert result.figures["bilan"]["unisvers"]["participants"] == participants


@pytest.mark.django_db
def test_json_and_xlsx_downloads_equal_the_bilan_and_are_journalled(manager, site):
    _enroll(site, 3)
    response = manager.get(reverse("reporting:export_json"), PERIOD)
    data = json.loads(response.content)
    expected = compute_bilan(
        date_from=datetime.date(2019, 1, 1), date_to=datetime.date(2019, 12, 31)
    )
    assert {**data, "generated_at": None} == {**expected, "generated_at": None}
    assert (
        'filename="bilan-ceis-20190101-20191231-tous-sites.json"' in response["Content-Disposition"]
    )

    xlsx = manager.get(reverse("reporting:export_xlsx"), PERIOD)
    workbook = load_workbook(io.BytesIO(xlsx.content))
    assert len(workbook.sheetnames) >= 2
    assert JournalEntry.objects.filter(action=JournalAction.EXPORT).count() == 2


@pytest.mark.django_db
def test_manager_home_leads_to_the_dashboard(manager):
    page = manager.get(reverse("home")).content.decode()
    assert "Ouvrir le tableau de bord" in page
    assert reverse("reporting:document_create") in page
