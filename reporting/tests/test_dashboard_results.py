"""The dashboard never computes inside a web request (issue #17): its figures are a per-(period,
site) result computed by a task, one computation at a time per key; the page shows the last
result with its time and "Calcul en cours…", and polls itself with htmx until it is up to date."""

import datetime
import html
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ceis.choices import JournalAction, Role
from ceis.models import JournalEntry
from ceis.tests.factories import SiteFactory
from reporting import charts as charts_module
from reporting import dashboard
from reporting.dashboard import (
    comparison_rows,
    dashboard_result_compute,
    dashboard_results_refresh,
    period_phrase,
)
from reporting.indicators import compute_bilan
from reporting.models import DashboardResult
from reporting.tests.test_dashboard import PERIOD, _enroll
from unisvers.tests.factories import EnrollmentFactory

pytestmark = pytest.mark.django_db

URL = reverse("reporting:dashboard")
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def manager(client_for, site, other_site):
    return client_for(Role.MANAGER, sites=[site, other_site])


@pytest.fixture
def hour_old_results_are_fresh(settings):
    settings.CEIS_DASHBOARD_MAX_AGE = 3600
    settings.CEIS_DASHBOARD_REFRESH_SECONDS = 60


def _run(messages):
    """What the worker does with the messages sent so far."""
    done = [dashboard_result_compute(result_id=args[0], asked_at=args[1]) for _, args in messages]
    messages.clear()
    return done


def _participants(page: str) -> str:
    return page.split('<p class="mb-0">participants')[0].rsplit('<p class="display-6 mb-0">', 1)[1]


def test_the_first_visit_sends_the_computation_and_says_calcul_en_cours(
    manager, site, sent, hour_old_results_are_fresh
):
    _enroll(site, 2)
    page = manager.get(URL, PERIOD).content.decode()
    assert "Calcul en cours… Les chiffres s'afficheront ici dès qu'ils seront prêts." in page
    assert "participants" not in page  # no figure was computed by the request
    # The figures' block polls the same URL (htmx) until they are there.
    assert 'hx-trigger="load delay:2s"' in page
    assert f'hx-get="{URL}?preset=custom&amp;date_from=2019-01-01&amp;date_to=2019-12-31"' in page
    result = DashboardResult.objects.get()
    assert sent == [(dashboard.COMPUTE_TASK, [result.pk, result.requested_at.isoformat()])]

    # Polled again while the worker is busy: not sent twice, still "Calcul en cours…".
    fragment = manager.get(URL, PERIOD, **HTMX).content.decode()
    assert "<html" not in fragment and "Calcul en cours…" in fragment
    assert sent == [(dashboard.COMPUTE_TASK, [result.pk, result.requested_at.isoformat()])]

    assert _run(sent) == [True]
    fragment = manager.get(URL, PERIOD, **HTMX).content.decode()
    assert _participants(fragment) == "2</p>"
    assert "hx-trigger" not in fragment  # up to date: the polling stops
    assert "Calcul en cours" not in fragment


def test_a_stale_result_is_shown_with_its_time_while_it_is_recomputed(
    manager, site, sent, settings
):
    settings.CEIS_DASHBOARD_MAX_AGE = 1200
    _enroll(site, 2)
    with time_machine.travel("2026-11-28 13:30:00+00:00", tick=False) as clock:
        manager.get(URL, PERIOD)
        _run(sent)
        clock.shift(600)
        page = manager.get(URL, PERIOD).content.decode()
        assert "Chiffres calculés le 28 novembre 2026 à 14\xa0h\xa030" in page
        assert sent == []  # ten minutes old: shown as it is, nothing sent
        assert "hx-trigger" not in page

        clock.shift(700)  # past CEIS_DASHBOARD_MAX_AGE (20 minutes)
        _enroll(site, 3)
        page = manager.get(URL, PERIOD).content.decode()
        assert _participants(page) == "2</p>"
        assert "Chiffres calculés le 28 novembre 2026 à 14\xa0h\xa030" in page
        assert "Calcul en cours…" in page and 'hx-trigger="load delay:2s"' in page
        assert len(sent) == 1

        _run(sent)
        fragment = manager.get(URL, PERIOD, **HTMX).content.decode()
        assert _participants(fragment) == "5</p>"
        assert "Chiffres calculés le 28 novembre 2026 à 14\xa0h\xa051" in fragment


def test_recalculer_maintenant_sends_a_computation_without_computing(
    manager, site, sent, hour_old_results_are_fresh
):
    _enroll(site, 2)
    manager.get(URL, PERIOD)
    _run(sent)
    _enroll(site, 1)
    page = manager.get(URL, {**PERIOD, "actualiser": "1"}).content.decode()
    assert _participants(page) == "2</p>" and "Calcul en cours…" in page
    assert len(sent) == 1
    _run(sent)
    assert _participants(manager.get(URL, PERIOD).content.decode()) == "3</p>"


def test_with_the_broker_down_the_page_answers_and_says_so(manager, site, monkeypatch):
    monkeypatch.setattr(dashboard, "send_quickly", lambda task, **kwargs: False)
    _enroll(site, 2)
    response = manager.get(URL, PERIOD)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Le service de calcul ne répond pas pour l'instant." in page
    assert 'hx-trigger="load delay:10s"' in page  # polls slowly, and sends again on its return
    assert DashboardResult.objects.get().requested_at is None


def test_each_site_has_its_own_result(manager, site, other_site, sent):
    _enroll(site, 2)
    _enroll(other_site, 4)
    manager.get(URL, {**PERIOD, "site": site.pk})
    manager.get(URL, {**PERIOD, "site": other_site.pk})
    _run(sent)
    mine = manager.get(URL, {**PERIOD, "site": site.pk}, **HTMX).content.decode()
    theirs = manager.get(URL, {**PERIOD, "site": other_site.pk}, **HTMX).content.decode()
    assert (_participants(mine), _participants(theirs)) == ("2</p>", "4</p>")
    assert "site CEIS des Arceaux" in mine


def test_downloads_wait_for_figures_computed_after_their_request(
    manager, site, sent, hour_old_results_are_fresh
):
    _enroll(site, 2)
    manager.get(URL, PERIOD)
    _run(sent)  # the dashboard's result: 2 participants
    _enroll(site, 1)
    response = manager.get(reverse("reporting:export_json"), PERIOD)
    page = response.content.decode()
    assert response["Content-Type"].startswith("text/html")
    assert "Préparation du fichier JSON…" in page
    # Never the dashboard's older figures: a computation is sent, and the page polls.
    assert len(sent) == 1
    url = html.unescape(page.split('hx-get="')[1].split('"')[0])
    assert "demande=" in url
    assert not JournalEntry.objects.filter(action=JournalAction.EXPORT).exists()

    # Polled while the computation is on its way: nothing sent again, nothing written (on
    # SQLite a write would wait for the worker's).
    with CaptureQueriesContext(connection) as polls:
        for _ in range(3):
            assert "Préparation du fichier JSON…" in manager.get(url, **HTMX).content.decode()
    assert len(sent) == 1
    writes = [q["sql"] for q in polls if "dashboardresult" in q["sql"].lower()]
    assert writes and not [sql for sql in writes if not sql.startswith("SELECT")]

    _run(sent)
    polled = manager.get(url, **HTMX)
    assert polled["HX-Redirect"] == url  # ready: the browser fetches the file
    exported = manager.get(url).json()
    assert exported["unisvers"]["participants"] == 3
    assert JournalEntry.objects.filter(action=JournalAction.EXPORT).count() == 1


def test_a_compared_download_carries_the_previous_year(manager, site, sent):
    _enroll(site, 3)
    page = manager.get(reverse("reporting:export_json"), {**PERIOD, "comparer": "1"})
    assert len(sent) == 2  # this period and the same period a year earlier
    url = html.unescape(page.content.decode().split('hx-get="')[1].split('"')[0])
    _run(sent)
    exported = manager.get(url).json()
    assert exported["period"] == {"from": "2019-01-01", "to": "2019-12-31"}
    assert exported["previous"]["period"] == {"from": "2018-01-01", "to": "2018-12-31"}
    assert exported["previous"]["unisvers"]["participants"] == 0


def test_a_download_stamp_that_is_not_ours_counts_as_a_new_request(
    manager, site, sent, hour_old_results_are_fresh
):
    manager.get(URL, PERIOD)
    _run(sent)
    for stamp in ["2999-01-01T00:00:00+00:00", "n'importe quoi", "2020-01-01T00:00:00"]:
        page = manager.get(reverse("reporting:export_xlsx"), {**PERIOD, "demande": stamp})
        assert "Préparation du fichier Excel…" in page.content.decode()


@pytest.mark.parametrize("participants", [2, 30])
def test_the_page_of_a_computed_result_reads_a_constant_number_of_queries(
    manager, site, sent, participants, hour_old_results_are_fresh, django_assert_num_queries
):
    _enroll(site, participants)
    manager.get(URL, PERIOD)
    _run(sent)
    manager.get(URL, PERIOD)  # the result's asked_at is written (hourly), not counted below
    # Session (read, saved), user, permissions, roles, sites, the result: never the bilan.
    with django_assert_num_queries(9):
        page = manager.get(URL, PERIOD).content.decode()
    assert _participants(page) == f"{participants}</p>"


def test_a_computation_is_single_flight_per_key(site):
    result = DashboardResult.objects.create(
        key="k", date_from=datetime.date(2019, 1, 1), date_to=datetime.date(2019, 12, 31)
    )
    # Another process holds the computation: this one returns at once without computing.
    DashboardResult.objects.filter(pk=result.pk).update(computing_since=timezone.now())
    assert dashboard_result_compute(result_id=result.pk) is False
    result.refresh_from_db()
    assert result.figures is None
    # A hold older than the task's time limit was a dead worker's: taken over.
    DashboardResult.objects.filter(pk=result.pk).update(
        computing_since=timezone.now() - datetime.timedelta(hours=1)
    )
    assert dashboard_result_compute(result_id=result.pk) is True
    result.refresh_from_db()
    assert result.computing_since is None
    assert result.figures["bilan"]["period"] == {"from": "2019-01-01", "to": "2019-12-31"}
    assert "charts" not in result.figures  # no page showed it: no chart drawn


def test_a_duplicate_message_after_a_newer_computation_does_not_compute_again(site, sent):
    result = DashboardResult.objects.create(
        key="k", date_from=datetime.date(2019, 1, 1), date_to=datetime.date(2019, 12, 31)
    )
    asked = timezone.now()
    assert dashboard_result_compute(result_id=result.pk, asked_at=asked.isoformat()) is True
    assert dashboard_result_compute(result_id=result.pk, asked_at=asked.isoformat()) is False


def test_data_changes_mark_the_results_and_the_refresh_waits_for_the_debounce(
    site, sent, settings, django_capture_on_commit_callbacks
):
    settings.CEIS_DASHBOARD_MAX_AGE = 3600
    settings.CEIS_DASHBOARD_REFRESH_SECONDS = 60
    with time_machine.travel("2026-06-15 08:00:00+00:00", tick=False) as clock:
        dashboard_results_refresh()
        _run(sent)
        assert DashboardResult.objects.filter(computed_at__isnull=True).count() == 0
        assert dashboard_results_refresh() == {"sent": 0, "purged": 0}

        clock.shift(10)
        with django_capture_on_commit_callbacks(execute=True):
            _enroll(site, 2)
            _enroll(site, 1)
        changed = DashboardResult.objects.filter(data_changed_at__isnull=False)
        assert changed.count() == DashboardResult.objects.count() == 6

        clock.shift(30)  # a burst of changes is computed once, after the debounce delay
        assert dashboard_results_refresh()["sent"] == 0
        clock.shift(31)
        assert dashboard_results_refresh()["sent"] == 6
        assert dashboard_results_refresh()["sent"] == 0  # sent, not yet computed: not twice
        _run(sent)
        assert not DashboardResult.objects.filter(data_changed_at__isnull=False).exists()


def test_the_refresh_precomputes_this_year_last_year_and_this_month_of_every_site(
    site, other_site, sent
):
    with time_machine.travel("2026-02-10 08:00:00+00:00", tick=False):
        counts = dashboard_results_refresh()
    keys = set(DashboardResult.objects.values_list("date_from", "date_to", "site"))
    periods = [
        (datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)),
        (datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)),
        (datetime.date(2026, 2, 1), datetime.date(2026, 2, 28)),
    ]
    sites = [None, site.pk, other_site.pk]
    assert keys == {(start, end, pk) for start, end in periods for pk in sites}
    assert counts == {"sent": 9, "purged": 0}
    assert len(sent) == 9


def test_the_refresh_forgets_the_results_nobody_asked_for(manager, site, sent, settings):
    settings.CEIS_DASHBOARD_KEEP_DAYS = 7
    with time_machine.travel("2026-06-15 08:00:00+00:00", tick=False) as clock:
        manager.get(URL, PERIOD)  # 2019: not a precomputed period
        _run(sent)
        clock.shift(datetime.timedelta(days=6))
        assert dashboard_results_refresh()["purged"] == 0
        clock.shift(datetime.timedelta(days=2))
        assert dashboard_results_refresh()["purged"] == 1
    assert not DashboardResult.objects.filter(date_from=datetime.date(2019, 1, 1)).exists()


def test_compare_shows_each_key_figure_beside_the_year_before(
    manager, site, sent, hour_old_results_are_fresh
):
    _enroll(site, 3)
    EnrollmentFactory.create_batch(  # exited in 2018: not counted in 2019
        2,
        exited=True,
        cohort__site=site,
        cohort__start_date=datetime.date(2018, 5, 7),
        cohort__end_date=datetime.date(2018, 6, 15),
    )
    query = {**PERIOD, "comparer": "1"}
    page = manager.get(URL, query).content.decode()
    assert "La comparaison s'affichera dès que les chiffres des deux périodes" in page
    assert len(sent) == 2  # this period and the same period a year earlier
    _run(sent)
    page = manager.get(URL, query).content.decode()
    assert "même période un an plus tôt (du 1er janvier au 31 décembre 2018)" in page
    assert (
        '<th scope="row">Participants Unis&#x27;Vers</th><td class="text-end">3</td>'
        '<td class="text-end">2</td><td class="text-end">+50\xa0%</td>'
    ) in page
    # Every one of the 2018 participants left with a job; nobody has left yet in 2019.
    assert (
        '<th scope="row">Sorties positives (hors abandons)</th><td class="text-end">—</td>'
        '<td class="text-end">100\xa0%</td><td class="text-end">—</td>'
    ) in page
    assert 'checked><label class="form-check-label" for="id_comparer">' in page


def test_the_trend_shows_five_calendar_years_each_computed_by_the_worker(
    manager, site, sent, hour_old_results_are_fresh
):
    _enroll(site, 3)
    EnrollmentFactory.create_batch(
        2,
        exited=True,
        cohort__site=site,
        cohort__start_date=datetime.date(2017, 5, 8),
        cohort__end_date=datetime.date(2017, 6, 16),
    )
    query = {**PERIOD, "tendance": "1"}
    page = manager.get(URL, query).content.decode()
    assert "La tendance s'affichera dès que les chiffres de chaque année (2015 à 2019)" in page
    assert len(sent) == 5  # 2015 to 2019; the 2019 one is the page's own period
    assert DashboardResult.objects.count() == 5
    _run(sent)
    page = manager.get(URL, query).content.decode()
    assert "Année après année" in page
    assert (
        '<th scope="row">Participants</th><td class="text-end">0</td><td class="text-end">0</td>'
        '<td class="text-end">2</td><td class="text-end">0</td><td class="text-end">3</td>'
    ) in page
    assert page.count('src="data:image/svg+xml;base64,') == 6 + 2  # the period's, the trends
    assert "hx-trigger" not in page


def test_comparison_rows_count_in_percent_and_rates_in_points(site):
    bilan = compute_bilan(date_from=datetime.date(2019, 1, 1), date_to=datetime.date(2019, 12, 31))
    previous = compute_bilan(
        date_from=datetime.date(2018, 1, 1), date_to=datetime.date(2018, 12, 31)
    )
    bilan["unisvers"]["participants"], previous["unisvers"]["participants"] = 90, 120
    bilan["unisvers"]["dropout_rate"] = {"n": 3, "of": 10, "rate": 0.3}
    previous["unisvers"]["dropout_rate"] = {"n": 1, "of": 4, "rate": 0.25}
    bilan["villages"]["people"], previous["villages"]["people"] = 1532, 0
    rows = {row["label"]: row for row in comparison_rows(bilan, previous)}
    assert rows["Participants Unis'Vers"] == {
        "label": "Participants Unis'Vers",
        "now": "90",
        "before": "120",
        "change": "\u221225\xa0%",
    }
    assert rows["Abandons parmi les sorties"]["change"] == "+5\xa0points"
    assert (
        rows["Abandons parmi les sorties"]["now"],
        rows["Abandons parmi les sorties"]["before"],
    ) == (
        "30\xa0%",
        "25\xa0%",
    )
    # Nothing a year before: no percentage of change, rather than an infinite one.
    assert rows["Personnes accompagnées (Vill@ges)"]["now"] == "1\u202f532"
    assert rows["Personnes accompagnées (Vill@ges)"]["change"] == "—"
    # A rate with no denominator (no exit at all) has no change either.
    assert rows["Sorties positives (hors abandons)"]["change"] == "—"


@pytest.mark.parametrize(
    ("start", "end", "phrase"),
    [
        ((2026, 1, 1), (2026, 12, 31), "du 1er janvier au 31 décembre 2026"),
        ((2025, 12, 1), (2026, 2, 28), "du 1er décembre 2025 au 28 février 2026"),
    ],
)
def test_periods_are_written_in_french(start, end, phrase):
    assert period_phrase(datetime.date(*start), datetime.date(*end)) == phrase


def test_a_new_site_gets_its_precomputed_results_at_the_next_refresh(site, sent):
    dashboard_results_refresh()
    SiteFactory(code="NEW", name="Nouveau site")
    dashboard_results_refresh()
    assert DashboardResult.objects.filter(site__code="NEW").count() == 3


PENDING = "Graphique en préparation…"


def _same_ids(charts: dict) -> dict:
    """The charts with matplotlib's clip-path and marker ids (new at each drawing) made equal."""
    return {name: re.sub(r"-([mp])[0-9a-f]{10}\b", r"-\1", svg) for name, svg in charts.items()}


def test_charts_are_drawn_for_the_results_a_page_shows_not_for_every_precomputed_one(
    manager,
    site,
    other_site,
    sent,
    hour_old_results_are_fresh,
    settings,
    django_capture_on_commit_callbacks,
):
    """Beat keeps three periods of every site computed: at 100 sites, drawing each one's charts
    (half a second of matplotlib per set) kept the worker busy for minutes after every data
    change. Only the results a page showed get their charts; a page that opens a result without
    them shows its figures at once and the charts a moment later, drawn from those figures."""
    settings.CEIS_DASHBOARD_KEEP_DAYS = 7
    _enroll(site, 2)
    with time_machine.travel("2026-06-15 08:00:00+00:00", tick=False) as clock:
        dashboard_results_refresh()
        assert len(sent) == 9  # 3 periods x (2 sites + all sites)
        assert _run(sent) == [True] * 9
        assert all(
            "bilan" in figures and "charts" not in figures
            for figures in DashboardResult.objects.values_list("figures", flat=True)
        )

        # A page opens this year of one site: its figures at once, its charts being drawn.
        clock.shift(60)
        query = {"preset": "this_year", "site": site.pk}
        page = manager.get(URL, query).content.decode()
        result = DashboardResult.objects.get(date_from=datetime.date(2026, 1, 1), site=site)
        computed_at = result.computed_at
        assert "Chiffres calculés le 15 juin 2026 à 10\xa0h · " in page
        assert page.count(PENDING) == 6 and "<img" not in page
        assert 'hx-trigger="load delay:2s"' in page  # polls until the charts are there
        assert sent == [(dashboard.COMPUTE_TASK, [result.pk, result.requested_at.isoformat()])]

        # The worker draws them from the stored figures: the same charts as from a computation.
        assert _run(sent) == [True]
        result.refresh_from_db()
        assert result.computed_at == computed_at  # the figures and their time kept
        bilan = compute_bilan(
            date_from=datetime.date(2026, 1, 1), date_to=datetime.date(2026, 12, 31), site=site
        )
        assert _same_ids(result.figures["charts"]) == _same_ids(charts_module._draw(bilan))
        fragment = manager.get(URL, query, **HTMX).content.decode()
        assert PENDING not in fragment and fragment.count('<img class="img-fluid"') == 6
        assert "hx-trigger" not in fragment and sent == []

        # After a data change, the refresh redraws the charts of that result only.
        with django_capture_on_commit_callbacks(execute=True):
            _enroll(site, 1)
        clock.shift(120)
        dashboard_results_refresh()
        assert len(sent) == 9
        _run(sent)
        drawn = {
            (row.date_from, row.site_id)
            for row in DashboardResult.objects.all()
            if row.figures.get("charts")
        }
        assert drawn == {(datetime.date(2026, 1, 1), site.pk)}
        fragment = manager.get(URL, query, **HTMX).content.decode()
        assert _participants(fragment) == "3</p>" and PENDING not in fragment

        # Not shown for longer than CEIS_DASHBOARD_KEEP_DAYS: its charts are not drawn again.
        clock.shift(datetime.timedelta(days=8))
        with django_capture_on_commit_callbacks(execute=True):
            _enroll(site, 1)
        clock.shift(120)
        dashboard_results_refresh()
        _run(sent)
        assert not any(row.figures.get("charts") for row in DashboardResult.objects.all())


def test_the_year_compared_beside_the_period_gets_no_charts_sent_for_it(
    manager, site, sent, hour_old_results_are_fresh
):
    """The comparison shows only the previous year's figures: its charts are not sent for."""
    _enroll(site, 2)
    start, end = datetime.date(2018, 1, 1), datetime.date(2018, 12, 31)
    previous = DashboardResult.objects.create(
        key=DashboardResult.key_for(start, end, None), date_from=start, date_to=end
    )
    assert dashboard_result_compute(result_id=previous.pk) is True
    manager.get(URL, {**PERIOD, "comparer": "1"})
    current = DashboardResult.objects.get(date_from=datetime.date(2019, 1, 1))
    assert sent == [(dashboard.COMPUTE_TASK, [current.pk, current.requested_at.isoformat()])]
    _run(sent)
    page = manager.get(URL, {**PERIOD, "comparer": "1"}).content.decode()
    assert "Comparaison avec l'année précédente" in page and "<caption>" in page
    assert PENDING not in page and page.count('<img class="img-fluid"') == 6
    assert sent == [] and "hx-trigger" not in page
    previous.refresh_from_db()
    assert "charts" not in previous.figures


def test_the_refresh_spaces_its_precomputations_and_a_page_never_waits_for_them(
    manager, site, other_site, monkeypatch, settings
):
    """Sent at once, the refresh's 303 computations of 100 sites took both cores for 20 s and
    every page waited; spaced out, they leave the pages room. A page that needs a result whose
    precomputation is scheduled later sends its own, and the scheduled one then stops at once."""
    settings.CEIS_DASHBOARD_PRECOMPUTE_SPACING = 0.25
    messages = []

    def send(task, *, args=(), **options):
        messages.append((list(args), options.get("countdown")))
        return True

    monkeypatch.setattr(dashboard, "send_quickly", send)
    _enroll(site, 2)
    with time_machine.travel("2026-06-15 08:00:00+00:00", tick=False):
        now = timezone.now()
        assert dashboard_results_refresh()["sent"] == 9
        assert [countdown for _, countdown in messages] == [None] + [0.25 * i for i in range(1, 9)]
        for args, countdown in messages:
            result = DashboardResult.objects.get(pk=args[0])
            assert result.requested_at == now + datetime.timedelta(seconds=countdown or 0)
        # This year of all sites: scheduled after the three months (quick ones first).
        last = DashboardResult.objects.get(date_from=datetime.date(2026, 1, 1), site=None)
        [(scheduled_args, countdown)] = [m for m in messages if m[0][0] == last.pk]
        assert countdown >= 0.75
        messages.clear()
        assert dashboard_results_refresh()["sent"] == 0  # not sent twice

        page = manager.get(URL, {"preset": "this_year"}).content.decode()
        assert "Calcul en cours…" in page
        assert messages == [([last.pk, now.isoformat()], None)]  # sent now, not in 2 s
        assert dashboard_result_compute(result_id=last.pk, asked_at=now.isoformat()) is True
        # The scheduled one, run later, finds the figures computed since it was sent.
        assert dashboard_result_compute(result_id=last.pk, asked_at=scheduled_args[1]) is False
        fragment = manager.get(URL, {"preset": "this_year"}, **HTMX).content.decode()
        assert _participants(fragment) == "2</p>" and "hx-trigger" not in fragment
        assert fragment.count('<img class="img-fluid"') == 6  # asked by a page: drawn


@pytest.mark.parametrize("failing", ["computation", "charts"])
def test_a_failed_computation_or_drawing_keeps_its_error_and_lets_go_of_the_key(
    manager, site, sent, hour_old_results_are_fresh, monkeypatch, failing
):
    _enroll(site, 2)
    manager.get(URL, PERIOD)
    result = DashboardResult.objects.get()
    if failing == "charts":  # figures computed without charts, then their drawing fails
        DashboardResult.objects.filter(pk=result.pk).update(asked_at=None)
        _run(sent)
        DashboardResult.objects.filter(pk=result.pk).update(asked_at=timezone.now())
        manager.get(URL, PERIOD)
        target = "reporting.charts.bilan_charts"
    else:
        target = "reporting.indicators.compute_bilan"

    def broken(*args, **kwargs):
        raise RuntimeError("disque plein")

    monkeypatch.setattr(target, broken)
    [(_, args)] = sent
    with pytest.raises(RuntimeError):
        dashboard_result_compute(result_id=args[0], asked_at=args[1])
    result.refresh_from_db()
    assert result.computing_since is None  # the next computation may claim it
    assert result.error == "RuntimeError: disque plein"
    monkeypatch.undo()
    sent.clear()


def test_a_page_never_takes_another_page_s_send_for_a_scheduled_one(site, sent):
    """Two managers open the same dashboard at once. Both load the row before either writes;
    the one whose clock read came first writes second, and finds the other's `requested_at` a
    few milliseconds after its own `now`: that is a page's send, not one the refresh scheduled
    for later, and it sends nothing (seen as three sends for four managers in the faults run)."""
    first = dashboard._result_for(datetime.date(2026, 1, 1), datetime.date(2026, 12, 31), site)
    second = DashboardResult.objects.get(pk=first.pk)
    now = timezone.now()
    later = now + datetime.timedelta(milliseconds=10)
    resend = dashboard.RESEND_AFTER
    assert dashboard._send(first, later, resend_before=later - resend, overtake_scheduled=True)
    assert dashboard._send(second, now, resend_before=now - resend, overtake_scheduled=True) is None
    assert len(sent) == 1
    assert DashboardResult.objects.get(pk=first.pk).requested_at == later
