"""The dashboard's figures are computed by a real worker from the broker (filesystem locally,
Redis in CI), never by the page: the page says « Calcul en cours… » and then shows them."""

import html
import time

import pytest
from django.db import OperationalError, connection
from django.urls import reverse

from ceis.choices import Role
from reporting.models import DashboardResult
from reporting.tasks import refresh_dashboard_results
from reporting.tests.test_dashboard import PERIOD, _enroll


def _wait_for(condition, seconds=60):
    deadline = time.monotonic() + seconds
    while not _unlocked(condition):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.3)
    return True


def _get(client, *args, **kwargs):
    """A page asked while the worker may still be writing (see `_unlocked`)."""
    responses = []
    assert _wait_for(lambda: responses.append(client.get(*args, **kwargs)) or True, seconds=20)
    return responses[-1]


def _unlocked(condition) -> bool:
    """The condition, False while the worker's thread writes: SQLite's in-memory test database
    shares one cache between the threads and answers « database table is locked » at once
    instead of waiting (a file database, as `make run` uses, waits: busy timeout). The page's
    own write is its session's, saved on every request."""
    try:
        return condition()
    except OperationalError as error:
        if connection.vendor != "sqlite" or "locked" not in str(error):
            raise
        return False


@pytest.mark.worker
def test_the_dashboard_is_computed_by_the_worker_and_shown_by_the_polled_page(
    live_worker, client_for, site, settings
):
    settings.CEIS_DASHBOARD_MAX_AGE = 3600
    _enroll(site, 3)
    client = client_for(Role.MANAGER)
    page = client.get(reverse("reporting:dashboard"), PERIOD).content.decode()
    assert "Calcul en cours…" in page

    assert _wait_for(lambda: DashboardResult.objects.filter(computed_at__isnull=False).exists())
    fragment = _get(
        client, reverse("reporting:dashboard"), PERIOD, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert '<p class="display-6 mb-0">3</p><p class="mb-0">participants' in fragment
    assert "hx-trigger" not in fragment


@pytest.mark.worker
def test_beat_s_refresh_precomputes_the_periods_through_the_worker(live_worker, site):
    refresh_dashboard_results.delay()
    # This year, last year, this month; for the one site and for all sites.
    assert _wait_for(
        lambda: DashboardResult.objects.filter(computed_at__isnull=False).count() == 6
    ), list(DashboardResult.objects.values_list("key", "computed_at", "error"))


@pytest.mark.worker
def test_a_download_is_computed_by_the_worker_after_its_request(live_worker, client_for, site):
    _enroll(site, 2)
    client = client_for(Role.MANAGER)
    page = client.get(reverse("reporting:export_json"), PERIOD).content.decode()
    assert "Préparation du fichier JSON…" in page
    url = html.unescape(page.split('hx-get="')[1].split('"')[0])
    assert _wait_for(lambda: client.get(url, HTTP_HX_REQUEST="true").has_header("HX-Redirect"))
    assert _get(client, url).json()["unisvers"]["participants"] == 2
