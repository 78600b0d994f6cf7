"""The dashboard's figures: computed by a Celery task per (period, site), never in a web request.

A whole year of every site takes seconds to compute at metropolitan scale (tens of seconds under
load): computed inside a request, it held gunicorn's workers and every page queued behind it
(issue #17). Here each (period, site) has one `DashboardResult` row, which is both the last
result and the single-flight lock:

- `dashboard_result_get` (the page): returns the last result of its key, possibly none yet, and
  sends a computation when there is none, when the data changed (at most once per
  `CEIS_DASHBOARD_REFRESH_SECONDS`), when it is older than `CEIS_DASHBOARD_MAX_AGE`, or on
  "Recalculer maintenant". It never computes; with the broker down it says so, at once.
- `dashboard_result_compute` (the task): claims the row by a conditional UPDATE, so that one
  computation at a time runs per key across every web and worker process; a second task for a
  key being computed returns at once and its askers see the first one's result. A claim older
  than the task's time limit belonged to a dead worker and is taken over. The charts are drawn
  only for the results a page showed lately (`_draws_charts`); the page of a result without
  them sends their drawing and shows the figures meanwhile.
- `dashboard_results_refresh` (beat, every minute): keeps this year, last year and this month
  of every site and of all sites computed, recomputes what the data changes made stale
  (debounced) and forgets the results nobody asked for in `CEIS_DASHBOARD_KEEP_DAYS`.
- `dashboard_data_changed` (signals of the programmes' records): marks every result as changed
  after the commit; the refresh does the rest.

Downloads (JSON, XLSX) and PDF versions never read these results: what is published is computed
afresh (views.export, services.bilan_version_generate).
"""

import calendar
import datetime
import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Case, F, Q, When
from django.utils import timezone

from ceis.celery import send_quickly
from ceis.models import Site
from ceis.templatetags.french import NBSP, date_phrase, format_number

from .indicators.codes import AppointmentsCode as A
from .indicators.codes import OrientationsCode as O
from .indicators.codes import Programme, Section
from .indicators.codes import UnisversCode as U
from .indicators.codes import VillagesCode as V
from .models import DashboardResult

logger = logging.getLogger(__name__)

# Sent by name: the tasks module calls these services, and is never imported by them.
COMPUTE_TASK = "reporting.tasks.compute_dashboard_result"
# A computation sent and not yet finished is not sent again before this (a lost message, a
# failure): the pages and the refresh ask at most once per interval and per key.
RESEND_AFTER = datetime.timedelta(minutes=2)
# A page writes when it was last asked for at most this often (the purge counts with it).
ASKED_EVERY = datetime.timedelta(hours=1)


def _limit() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.CEIS_DASHBOARD_JOB_TIME_LIMIT)


@dataclass(frozen=True)
class DashboardState:
    """What a dashboard page shows: the last result (its `figures` may be empty), whether a
    computation is under way, whether the data changed since, whether the broker refused, and
    whether the page shows its charts (`wants_charts`)."""

    result: DashboardResult
    computing: bool
    changed: bool
    broker_down: bool
    wants_charts: bool = False

    @property
    def figures(self) -> dict | None:
        return self.result.figures

    @property
    def up_to_date(self) -> bool:
        """Figures there, and no data changed since they were computed (whatever their age:
        the maximum age only bounds how long the dashboard shows them before a refresh)."""
        return bool(self.figures) and not self.changed

    @property
    def charts_pending(self) -> bool:
        """Figures there, their charts not drawn yet (`_draws_charts`): being drawn."""
        return self.wants_charts and _lacks_charts(self.result)

    @property
    def waiting(self) -> bool:
        """The page refreshes itself until its figures (and charts) are up to date."""
        return (
            self.computing
            or self.changed
            or self.broker_down
            or not self.figures
            or self.charts_pending
        )


def _lacks_charts(result: DashboardResult) -> bool:
    return bool(result.figures) and not result.figures.get("charts")


def _draws_charts(result: DashboardResult, now: datetime.datetime) -> bool:
    """Charts are drawn for the results a page showed within `CEIS_DASHBOARD_KEEP_DAYS`.
    matplotlib takes about half a second of CPU per set, ten times the computation of a site's
    figures: beat keeps three periods of every site computed (303 results for 100 sites, all of
    them again after a data change), and drawing them all kept the worker busy for minutes.
    A page that opens a result without charts sends their drawing (`dashboard_result_get`)."""
    keep = datetime.timedelta(days=settings.CEIS_DASHBOARD_KEEP_DAYS)
    return result.asked_at is not None and result.asked_at >= now - keep


def _is_computing(result: DashboardResult, now: datetime.datetime) -> bool:
    if result.computing_since and result.computing_since > now - _limit():
        return True
    return bool(result.requested_at and result.requested_at > now - _limit())


def _is_stale(result: DashboardResult, now: datetime.datetime) -> bool:
    """Without figures, older than the maximum age, or changed data past the debounce delay."""
    if result.computed_at is None:  # set with the figures
        return True
    if result.computed_at < now - datetime.timedelta(seconds=settings.CEIS_DASHBOARD_MAX_AGE):
        return True
    debounce = datetime.timedelta(seconds=settings.CEIS_DASHBOARD_REFRESH_SECONDS)
    return result.data_changed_at is not None and result.data_changed_at <= now - debounce


def _result_for(date_from: datetime.date, date_to: datetime.date, site) -> DashboardResult:
    key = DashboardResult.key_for(date_from, date_to, site)
    try:
        result, _ = DashboardResult.objects.get_or_create(
            key=key, defaults={"date_from": date_from, "date_to": date_to, "site": site}
        )
    except IntegrityError:  # created by another process between the get and the insert
        result = DashboardResult.objects.get(key=key)
    return result


def _send(
    result: DashboardResult,
    now: datetime.datetime,
    *,
    resend_before: datetime.datetime,
    delay: float = 0,
    overtake_scheduled: bool = False,
) -> bool | None:
    """Send one computation of `result` unless one was sent since `resend_before` (or it is
    being computed), claimed by a conditional UPDATE so that two pages at once send one. True: sent;
    False: the broker refused (the claim is released, the next page tries again); None: not
    needed, one is on its way.

    `delay` (the refresh's precomputations): the task runs that many seconds later, and
    `requested_at` holds that future time. A page (`overtake_scheduled`) does not wait for a
    precomputation scheduled later: it sends its own, and the scheduled one, run after it,
    finds the figures computed and stops at once."""
    if not _looks_pending(result, now, resend_before, overtake_scheduled):
        return None  # no write at all: a page polling a result on its way sends nothing
    pending = Q(requested_at__isnull=True) | Q(requested_at__lt=resend_before)
    if overtake_scheduled:
        # Only the refresh's: two pages' clocks differ by a few milliseconds, and the one that
        # read `now` first but writes second would take the other's send for a scheduled one.
        pending |= Q(scheduled=True, requested_at__gt=now)
    pending = DashboardResult.objects.filter(pk=result.pk).filter(pending)
    pending = pending.filter(
        Q(computing_since__isnull=True) | Q(computing_since__lt=now - _limit())
    )
    requested_at = now + datetime.timedelta(seconds=delay)
    if not pending.update(requested_at=requested_at, scheduled=delay > 0):
        return None
    result.requested_at = requested_at
    result.scheduled = delay > 0
    limit = settings.CEIS_DASHBOARD_JOB_TIME_LIMIT
    options = {"countdown": delay} if delay else {}
    sent = send_quickly(
        COMPUTE_TASK,
        args=[result.pk, now.isoformat()],
        time_limit=limit,
        soft_time_limit=max(limit - 30, limit * 9 // 10),
        **options,
    )
    if not sent:
        DashboardResult.objects.filter(pk=result.pk, requested_at=requested_at).update(
            requested_at=None
        )
        result.requested_at = None
    return sent


def _looks_pending(
    result: DashboardResult,
    now: datetime.datetime,
    resend_before: datetime.datetime,
    overtake_scheduled: bool,
) -> bool:
    """`_send`'s conditions read on the row as loaded: most polls find a computation on its way
    and then write nothing. The conditional UPDATE still decides between concurrent senders."""
    requested = result.requested_at
    due = (
        requested is None
        or requested < resend_before
        or (overtake_scheduled and result.scheduled and requested > now)
    )
    free = result.computing_since is None or result.computing_since < now - _limit()
    return due and free


def dashboard_result_get(
    *,
    date_from: datetime.date,
    date_to: datetime.date,
    site,
    refresh: bool = False,
    charts: bool = False,
) -> DashboardState:
    """The dashboard's last result for the period and site, with a computation sent when it is
    missing or stale (or `refresh`), or, with `charts` (the page shows them), when its charts
    are not drawn yet. Never computes. The caller has already checked that the user may see
    `site` (the period form lists their sites only)."""
    now = timezone.now()
    result = _result_for(date_from, date_to, site)
    if result.asked_at is None or result.asked_at < now - ASKED_EVERY:
        DashboardResult.objects.filter(pk=result.pk).update(asked_at=now)
        result.asked_at = now
    sent = None
    if refresh or _is_stale(result, now) or (charts and _lacks_charts(result)):
        # The result itself is refreshed after the send: a task run eagerly (tests) has finished.
        sent = _send(
            result,
            now,
            resend_before=now if refresh else now - RESEND_AFTER,
            overtake_scheduled=True,
        )
        if sent:
            result.refresh_from_db()
    return DashboardState(
        result=result,
        computing=_is_computing(result, timezone.now()),
        changed=result.data_changed_at is not None,
        broker_down=sent is False,
        wants_charts=charts,
    )


def dashboard_result_fresh(
    *, date_from: datetime.date, date_to: datetime.date, site, since: datetime.datetime
) -> DashboardState:
    """For the downloads, which publish figures as fresh as their request: the result counts
    only once computed after `since` (the first request of the download); until then a
    computation is sent (one since `since`, again after RESEND_AFTER) and `figures` is None.
    Computed by the worker like the dashboard's, single-flight with it."""
    now = timezone.now()
    result = _result_for(date_from, date_to, site)
    sent = None
    if not (result.computed_at and result.computed_at >= since):
        sent = _send(
            result, now, resend_before=max(since, now - RESEND_AFTER), overtake_scheduled=True
        )
        if sent:
            result.refresh_from_db()
    fresh = bool(result.computed_at and result.computed_at >= since)
    if not fresh:
        result.figures = None
    return DashboardState(
        result=result,
        computing=not fresh and _is_computing(result, timezone.now()),
        changed=False,
        broker_down=sent is False,
    )


class ResultNotVisibleYet(Exception):
    """The result's row is not there yet: its sender's transaction has not committed."""


def dashboard_result_compute(*, result_id: int, asked_at: str | None = None) -> bool:
    """Compute the figures of one result (the task's service), and its charts when a page
    showed it lately (`_draws_charts`); figures still fresh that lack their charts get only
    the charts, drawn from them. Single-flight: returns False at once when another process
    holds the computation of this key, or when a computation that started after `asked_at`
    already answered. True when this call computed."""
    from . import charts
    from .indicators import compute_bilan

    started = timezone.now()
    claim = DashboardResult.objects.filter(pk=result_id).filter(
        Q(computing_since__isnull=True) | Q(computing_since__lt=started - _limit())
    )
    if asked_at:
        # A newer computation than the request already answered it (a duplicate message).
        answered = Q(computed_at__gte=datetime.datetime.fromisoformat(asked_at)) & Q(
            data_changed_at__isnull=True
        )
        claim = claim.exclude(answered)
    if not claim.update(computing_since=started):
        if not DashboardResult.objects.filter(pk=result_id).exists():
            # Sent from a request's transaction that has not committed the row yet (creating a
            # bilan: the form's submission runs in one): the task tries again a moment later.
            raise ResultNotVisibleYet(result_id)
        return False
    result = DashboardResult.objects.select_related("site").get(pk=result_id)
    draw = _draws_charts(result, started)
    if draw and _lacks_charts(result) and not _is_stale(result, started):
        return _draw_charts_only(result, started)
    clock = time.monotonic()
    try:
        bilan = compute_bilan(date_from=result.date_from, date_to=result.date_to, site=result.site)
        figures = {"bilan": bilan}
        if draw:
            figures["charts"] = charts.bilan_charts(bilan)
    except Exception as error:
        _release_failed(result_id, started, error)
        raise
    duration_ms = int((time.monotonic() - clock) * 1000)
    with transaction.atomic():
        done = DashboardResult.objects.filter(pk=result_id, computing_since=started).update(
            figures=figures,
            computed_at=started,
            duration_ms=duration_ms,
            computing_since=None,
            requested_at=None,
            error="",
            # A change committed while computing may be missing from these figures: kept.
            data_changed_at=Case(
                When(data_changed_at__gt=started, then=F("data_changed_at")), default=None
            ),
        )
    if not done:
        logger.warning(
            "Dashboard result %s: taken over while computing, figures dropped", result_id
        )
    return bool(done)


def _draw_charts_only(result: DashboardResult, started: datetime.datetime) -> bool:
    """The charts of figures already computed and still fresh, drawn from them: the figures and
    their time stay as they are (charts.bilan_charts draws the same charts from the stored
    figures as from the computation's, tested)."""
    from . import charts

    try:
        figures = {**result.figures, "charts": charts.bilan_charts(result.figures["bilan"])}
    except Exception as error:
        _release_failed(result.pk, started, error)
        raise
    done = DashboardResult.objects.filter(pk=result.pk, computing_since=started).update(
        figures=figures, computing_since=None, requested_at=None, error=""
    )
    return bool(done)


def _release_failed(result_id: int, started: datetime.datetime, error: Exception) -> None:
    """A failed computation lets go of its claim and keeps its error for the page."""
    DashboardResult.objects.filter(pk=result_id, computing_since=started).update(
        computing_since=None, error=f"{type(error).__name__}: {error}"[:2000]
    )


def precomputed_periods(today: datetime.date) -> list[tuple[datetime.date, datetime.date]]:
    """This year, last year and this month: the periods the dashboard opens on or offers first
    (the presets of reporting.forms.PeriodForm)."""
    last_day = calendar.monthrange(today.year, today.month)[1]
    return [
        (datetime.date(today.year, 1, 1), datetime.date(today.year, 12, 31)),
        (datetime.date(today.year - 1, 1, 1), datetime.date(today.year - 1, 12, 31)),
        (today.replace(day=1), today.replace(day=last_day)),
    ]


def dashboard_results_refresh(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Beat: the precomputed periods of every site and of all sites exist and are fresh; the
    results made stale by data changes (debounced), by age, or left without figures are sent
    again; those nobody asked for in `CEIS_DASHBOARD_KEEP_DAYS` are forgotten."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    counts = {"sent": 0, "purged": 0}
    sites = [None, *Site.objects.order_by("pk")]
    wanted = [
        DashboardResult(
            key=DashboardResult.key_for(date_from, date_to, site),
            date_from=date_from,
            date_to=date_to,
            site=site,
        )
        for date_from, date_to in precomputed_periods(today)
        for site in sites
    ]
    DashboardResult.objects.bulk_create(wanted, ignore_conflicts=True)
    wanted_keys = [result.key for result in wanted]
    keep = now - datetime.timedelta(days=settings.CEIS_DASHBOARD_KEEP_DAYS)
    forgotten = DashboardResult.objects.exclude(key__in=wanted_keys).filter(
        Q(asked_at__lt=keep) | Q(asked_at__isnull=True, computed_at__lt=keep)
    )
    counts["purged"], _ = forgotten.filter(computing_since__isnull=True).delete()
    # Quick ones first: a site's month before every site's year. Spaced out
    # (CEIS_DASHBOARD_PRECOMPUTE_SPACING): sent at once, the 303 computations of 100 sites
    # took both cores for 20 s, with their PostgreSQL sessions at the pages' priority, and
    # every page waited. A page never waits for them (`_send`, overtake_scheduled).
    spacing = settings.CEIS_DASHBOARD_PRECOMPUTE_SPACING
    for result in DashboardResult.objects.defer("figures").order_by("-date_from", "site_id"):
        if _is_stale(result, now):
            sent = _send(
                result, now, resend_before=now - RESEND_AFTER, delay=counts["sent"] * spacing
            )
            if sent is False:
                break  # the broker is away: the next refresh tries again, without waiting here
            counts["sent"] += bool(sent)
    return counts


def _mark_changed() -> None:
    DashboardResult.objects.filter(
        Q(data_changed_at__isnull=True) | Q(computing_since__isnull=False)
    ).update(data_changed_at=timezone.now())


def dashboard_data_changed(sender, **kwargs) -> None:
    """Receiver of the programmes' post_save/post_delete (apps.py): once the change is committed,
    every result knows that its data changed (one UPDATE of the small results table); the
    refresh recomputes them at most once per `CEIS_DASHBOARD_REFRESH_SECONDS`."""
    if kwargs.get("raw"):
        return  # fixtures loaded as they are
    transaction.on_commit(_mark_changed)


# The key figures compared with the same period a year earlier (indicators.md, "Comparison with
# the previous period"): counts change in %, rates in points.
KEY_FIGURES = [
    (Programme.UNISVERS, U.PARTICIPANTS, "Participants Unis'Vers"),
    (Programme.UNISVERS, U.POSITIVE_EXIT_RATE_COMPLETERS, "Sorties positives (hors abandons)"),
    (Programme.UNISVERS, U.DROPOUT_RATE, "Abandons parmi les sorties"),
    (Programme.UNISVERS, U.INDIVIDUAL_FOLLOWUP_RATE, "Suivi individuel"),
    (Programme.VILLAGES, V.PEOPLE, "Personnes accompagnées (Vill@ges)"),
    (Programme.VILLAGES, V.SESSIONS, "Ateliers"),
    (Programme.VILLAGES, V.REGISTRATIONS, "Inscriptions aux ateliers"),
    (Programme.VILLAGES, V.INDIVIDUAL_HELPS, "Accompagnements individuels"),
    (Programme.VILLAGES, V.FREE_ACCESS_VISITS, "Passages en accès libre"),
    (Programme.VILLAGES, V.ILLECTRONISME_RATE, "En situation d'illectronisme"),
    (Section.APPOINTMENTS, A.BOOKED, "Rendez-vous pris"),
    (Section.APPOINTMENTS, A.NO_SHOW_RATE, "Rendez-vous non honorés"),
    (Section.ORIENTATIONS, O.COUNT, "Orientations vers un partenaire"),
]
MINUS = "\u2212"


def _signed(number: float, decimals: int = 0) -> str:
    text = format_number(abs(number), decimals)
    if text in ("0", "0,0"):
        return text
    return f"+{text}" if number > 0 else f"{MINUS}{text}"


def _rate_text(value) -> str:
    if not isinstance(value, dict) or not isinstance(value.get("rate"), (int, float)):
        return "—"
    return f"{format_number(value['rate'] * 100, 0)}{NBSP}%"


def comparison_rows(bilan: dict, previous: dict) -> list[dict]:
    """Each key figure of `bilan` beside its value in `previous` and the change: in % for a
    count ("+12 %", "—" when the previous count is 0), in points for a rate ("−3 points")."""
    rows = []
    for programme, code, label in KEY_FIGURES:
        if programme not in bilan or programme not in previous:
            continue  # a result computed before this section existed
        now, before = bilan[programme][code], previous[programme][code]
        if isinstance(now, dict):  # a rate {"n", "of", "rate"}
            change = "—"
            if _rate_text(now) != "—" and _rate_text(before) != "—":
                points = round(now["rate"] * 100) - round(before["rate"] * 100)
                change = f"{_signed(points)}{NBSP}point{'s' if abs(points) >= 2 else ''}"
            rows.append(
                {
                    "label": label,
                    "now": _rate_text(now),
                    "before": _rate_text(before),
                    "change": change,
                }
            )
            continue
        change = "—"
        if isinstance(before, int) and before and isinstance(now, int):
            change = f"{_signed((now - before) * 100 / before)}{NBSP}%"
        rows.append(
            {
                "label": label,
                "now": format_number(now),
                "before": format_number(before),
                "change": change,
            }
        )
    return rows


def period_phrase(date_from: datetime.date, date_to: datetime.date) -> str:
    """ "du 1er janvier au 31 décembre 2026", "du 1er décembre 2025 au 28 février 2026"."""
    end = date_phrase(date_to, "sans_jour")
    start = date_phrase(
        date_from, "sans_jour sans_annee" if date_from.year == date_to.year else "sans_jour"
    )
    return f"du {start} au {end}"


# « Année après année »: the calendar years up to the period's, each its own result.
TREND_YEARS = 5


def dashboard_trend_get(*, last_year: int, site) -> list[DashboardState]:
    """The calendar years `last_year - 4` to `last_year` of `site` (as `bilan --years`), each a
    result computed and refreshed by the worker like any other (never in the request)."""
    return [
        dashboard_result_get(
            date_from=datetime.date(year, 1, 1), date_to=datetime.date(year, 12, 31), site=site
        )
        for year in range(last_year - TREND_YEARS + 1, last_year + 1)
    ]


def trend_rows(states: list[DashboardState]) -> list[dict]:
    """The key counts of each year, for the table beside the charts (`charts.KEY_COUNTS`)."""
    from .charts import KEY_COUNTS

    rows = []
    for programme, counts in KEY_COUNTS.items():
        for label, read in counts:
            values = [format_number(read(state.figures["bilan"][programme])) for state in states]
            rows.append({"label": label, "values": values})
    return rows


def trend_charts(states: list[DashboardState]) -> dict[str, str]:
    """The trend chart of each programme (`charts.trend_chart`), drawn once per set of results:
    kept in the cache under their computation times, so that the page redraws nothing."""
    from django.core.cache import cache

    from .charts import trend_chart

    key = "ceis:dashboard-trend:" + ",".join(
        f"{state.result.pk}@{state.result.computed_at.timestamp()}" for state in states
    )
    years = [state.figures["bilan"] for state in states]
    return cache.get_or_set(
        key, lambda: {programme: trend_chart(years, programme) for programme in Programme}, 86400
    )
