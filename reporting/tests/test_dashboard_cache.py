"""The dashboard keeps its figures a few minutes (CEIS_DASHBOARD_CACHE_SECONDS), says when they
were computed and recomputes on request; downloads always compute afresh."""

import json

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from ceis.choices import Role
from reporting.tests.test_dashboard import PERIOD, _enroll

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(client_for, site, other_site):
    return client_for(Role.MANAGER, sites=[site, other_site])


@pytest.fixture(autouse=True)
def dashboard_cache(settings):
    settings.CEIS_DASHBOARD_CACHE_SECONDS = 300
    cache.clear()
    yield
    cache.clear()


def _participants(page: str) -> str:
    return page.split('<p class="mb-0">participants')[0].rsplit('<p class="display-6 mb-0">', 1)[1]


def test_cached_figures_are_shown_with_their_time_until_recomputed(
    manager, site, django_assert_max_num_queries
):
    _enroll(site, 2)
    with time_machine.travel("2026-11-28 09:15:00+00:00", tick=False) as clock:
        first = manager.get(reverse("reporting:dashboard"), PERIOD).content.decode()
        assert _participants(first) == "2</p>"
        assert "Chiffres calculés le 28/11/2026 à 10:15" in first

        _enroll(site, 3)
        clock.shift(240)
        # Within the cache period: the same figures, without the bilan's 14 queries.
        with django_assert_max_num_queries(11):
            again = manager.get(reverse("reporting:dashboard"), PERIOD).content.decode()
        assert _participants(again) == "2</p>"
        assert "Chiffres calculés le 28/11/2026 à 10:15" in again

        link = again.split('<a href="?')[1].split('"')[0].replace("&amp;", "&")
        assert link.endswith("actualiser=1") and "date_from=2019-01-01" in link
        fresh = manager.get(reverse("reporting:dashboard") + "?" + link).content.decode()
        assert _participants(fresh) == "5</p>"
        assert "Chiffres calculés le 28/11/2026 à 10:19" in fresh
        # The recomputed figures replace the cached ones for the next visitor.
        page = manager.get(reverse("reporting:dashboard"), PERIOD).content.decode()
        assert _participants(page) == "5</p>"

        # Past the cache period, the figures are computed again by themselves.
        _enroll(site, 1)
        clock.shift(301)
        page = manager.get(reverse("reporting:dashboard"), PERIOD).content.decode()
        assert _participants(page) == "6</p>"


def test_each_site_has_its_own_cached_figures(manager, site, other_site):
    _enroll(site, 2)
    _enroll(other_site, 4)
    mine = manager.get(reverse("reporting:dashboard"), {**PERIOD, "site": site.pk})
    theirs = manager.get(reverse("reporting:dashboard"), {**PERIOD, "site": other_site.pk})
    assert _participants(mine.content.decode()) == "2</p>"
    assert _participants(theirs.content.decode()) == "4</p>"


def test_downloads_never_read_the_cache(manager, site):
    _enroll(site, 2)
    manager.get(reverse("reporting:dashboard"), PERIOD)
    _enroll(site, 1)
    exported = json.loads(manager.get(reverse("reporting:export_json"), PERIOD).content)
    assert exported["unisvers"]["participants"] == 3


def test_without_a_cache_period_the_page_does_not_mention_one(manager, site, settings):
    settings.CEIS_DASHBOARD_CACHE_SECONDS = 0
    _enroll(site, 1)
    page = manager.get(reverse("reporting:dashboard"), PERIOD).content.decode()
    assert "Chiffres calculés" not in page
    _enroll(site, 1)
    page = manager.get(reverse("reporting:dashboard"), PERIOD).content.decode()
    assert _participants(page) == "2</p>"
