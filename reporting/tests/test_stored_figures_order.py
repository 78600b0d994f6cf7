"""A bilan stored in the database comes back exactly as it was computed, each breakdown's codes
in the catalogue's order: on PostgreSQL the figures are kept in the `json` type, not `jsonb`,
which lists an object's keys shortest first (« iae » before « emploi_durable »). The page, the
charts, the spreadsheet, the JSON download and the open data all list the codes in the order
they come."""

import datetime
import html
import json

import pytest
from django.urls import reverse

from ceis.choices import Role
from reporting.dashboard import dashboard_result_compute
from reporting.indicators import compute_bilan
from reporting.indicators.definitions import definition
from reporting.models import BilanDocument, BilanVersion, DashboardResult
from reporting.tests.test_dashboard import PERIOD, _enroll
from unisvers.choices import ExitOutcome

pytestmark = pytest.mark.django_db

YEAR = {"date_from": datetime.date(2019, 1, 1), "date_to": datetime.date(2019, 12, 31)}


def _key_paths(value, path=()) -> list[tuple]:
    """Every object key of a JSON document, in the order it is written, with its path."""
    if isinstance(value, dict):
        return [
            item
            for key, child in value.items()
            for item in [(*path, key), *_key_paths(child, (*path, key))]
        ]
    if isinstance(value, list):
        return [item for i, child in enumerate(value) for item in _key_paths(child, (*path, i))]
    return []


@pytest.fixture
def outcomes(site):
    """One exit of each outcome: the outcomes' breakdown has every code."""
    for outcome in ExitOutcome.values:
        if outcome == ExitOutcome.ABANDON:
            _enroll(site, 1, abandon=True)
        else:
            _enroll(site, 1, exited=True, exit_outcome=outcome)


def test_stored_figures_and_indicators_keep_the_order_they_were_written_in(site, outcomes):
    bilan = compute_bilan(**YEAR)
    codes = list(bilan["unisvers"]["outcomes"])
    assert codes == ExitOutcome.values  # the catalogue's order, which jsonb would change
    result = DashboardResult.objects.create(key="k", **YEAR, figures={"bilan": bilan})
    document = BilanDocument.objects.create(
        title="Bilan 2019", publication_date=datetime.date(2020, 1, 15), **YEAR
    )
    version = BilanVersion.objects.create(document=document, number=1, indicators=bilan)

    result.refresh_from_db()
    version.refresh_from_db()
    assert _key_paths(result.figures["bilan"]) == _key_paths(bilan)
    assert _key_paths(version.indicators) == _key_paths(bilan)
    assert list(version.indicators["unisvers"]["outcomes"]) == codes


def test_the_page_and_the_json_download_list_the_codes_in_the_catalogue_order(
    client_for, site, other_site, outcomes
):
    manager = client_for(Role.MANAGER, sites=[site, other_site])
    result = DashboardResult.objects.create(
        key=DashboardResult.key_for(YEAR["date_from"], YEAR["date_to"], None), **YEAR
    )
    assert dashboard_result_compute(result_id=result.pk) is True

    page = html.unescape(manager.get(reverse("reporting:dashboard"), PERIOD).content.decode())
    labels = definition("unisvers", "outcomes").code_labels()
    alt = ", ".join(f"{labels[code]} 1" for code in ExitOutcome.values)
    assert f'alt="Sorties par situation : {alt}."' in page

    response = manager.get(reverse("reporting:export_json"), PERIOD)
    data = json.loads(response.content)
    assert list(data["unisvers"]["outcomes"]) == ExitOutcome.values
    assert _key_paths(data) == _key_paths(compute_bilan(**YEAR))
