"""Unis'Vers indicators (indicators.md, section `unisvers`): five aggregate queries whatever
the amount of data (six for a calendar year, which also reads the targets). This module is
the reference definition (`reference.compute_reference_bilan`); the bilan the application
publishes runs the equal hand-written statement of `statements.py`.

Readings of the spec where it leaves a choice (also in docs/indicators.md):
- "latest active enrollment": latest `entry_date`, then the one recorded last (highest id) when
  a person has two active enrollments starting the same day. With `--site`, only that site's
  enrollments are candidates.
- `age_35_50_rate`, `income_below_550_rate`, `living_alone_rate`, `single_parent_rate`,
  `domestic_violence_rate`: `of` counts the participants whose value is known in that latest
  enrollment (age: birth date or birth year; household: set; resources and violence: answered).
- `individual_followup_rate`: `of` is every participant; follow-up entries count whatever their
  site or cohort.
- `target`: the sum of the existing `Target` rows of the year (of the site with `--site`);
  `null` when the period is not exactly one calendar year or when no target row exists.
- `followup_3m`: every 3-month situation recorded on an exit of the period, whatever the date
  of the follow-up itself; the same for `followup_6m` and the 6-month situation.
- `in_employment_6m_rate`: `of` counts the exits of the period whose 6-month situation is
  recorded and not `inconnu`; `n` those in `emploi_durable`, `emploi_transition` or `iae`.
- `confidence.improved_rate`: exit self-rating strictly higher than the entry one.
- `event_attendees`: events of kind alumni, comité d'usagers or co-évaluation, as the spec lists
  them; events of kind `autre` are not counted.
"""

from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, Sum

from unisvers.choices import (
    AttendanceStatus,
    DropoutReason,
    EventKind,
    ExitOutcome,
    FollowupSituation,
    Household,
)
from unisvers.models import Attendance, Cohort, Enrollment, Event, FollowUp, Target

from .codes import UnisversCode
from .common import Period, age_at, breakdown, mean, rate

INCOME_THRESHOLD_EUR = 550
AGE_BAND = (35, 50)
COUNTED_EVENT_KINDS = [EventKind.ALUMNI, EventKind.COMITE_USAGERS, EventKind.CO_EVALUATION]
# In employment six months after the exit (indicators.md, `in_employment_6m_rate`).
EMPLOYED_6M = (
    FollowupSituation.EMPLOI_DURABLE,
    FollowupSituation.EMPLOI_TRANSITION,
    FollowupSituation.IAE,
)


def _site_filter(queryset, site, path):
    return queryset.filter(**{path: site}) if site is not None else queryset


def active_enrollments(period: Period, site):
    """Enrollments active in the period: entered by its end, not exited before its start."""
    enrollments = _site_filter(Enrollment.objects.all(), site, "cohort__site")
    return enrollments.filter(entry_date__lte=period.end).filter(
        Q(exit_date__isnull=True) | Q(exit_date__gte=period.start)
    )


def participant_profiles(period: Period, site):
    """One row per participant: their latest active enrollment."""
    active = active_enrollments(period, site)
    latest = (
        active.filter(person_id=OuterRef("person_id")).order_by("-entry_date", "-id").values("id")
    )
    return active.filter(id=Subquery(latest[:1]))


def _participants(period: Period, site) -> dict:
    followed = FollowUp.objects.filter(person_id=OuterRef("person_id"), date__range=period.bounds)
    profiles = participant_profiles(period, site).annotate(
        age=age_at("entry_date", birth_date="person__birth_date", birth_year="person__birth_year"),
    )
    low, high = AGE_BAND
    return profiles.aggregate(
        participants=Count("id"),
        # Exists inline, not as an annotation: Django drops a boolean annotation from the inner
        # query of an aggregate over annotations, and SQLite then reads "followed" as a string.
        followed=Count("id", filter=Q(Exists(followed))),
        age_known=Count("id", filter=Q(age__isnull=False)),
        age_in_band=Count("id", filter=Q(age__gte=low, age__lte=high)),
        income_known=Count("id", filter=Q(monthly_income_eur__isnull=False)),
        income_below=Count("id", filter=Q(monthly_income_eur__lt=INCOME_THRESHOLD_EUR)),
        household_known=Count("id", filter=~Q(household="")),
        living_alone=Count("id", filter=Q(household=Household.SEUL)),
        single_parent=Count("id", filter=Q(household=Household.MONOPARENTAL)),
        violence_known=Count("id", filter=Q(domestic_violence__isnull=False)),
        violence=Count("id", filter=Q(domestic_violence=True)),
    )


def _target(period: Period, site) -> int | None:
    year = period.calendar_year
    if year is None:
        return None
    targets = _site_filter(Target.objects.filter(year=year), site, "site")
    return targets.aggregate(total=Sum("persons"))["total"]


def _exits(period: Period, site) -> dict:
    """Exits counted by outcome, dropout reason, 3-month and 6-month situation (one grouped
    query of a few rows, added up here), each group with its confidence ratings."""
    exits = _site_filter(
        Enrollment.objects.filter(exit_date__range=period.bounds), site, "cohort__site"
    )
    both_ratings = Q(confidence_entry__isnull=False, confidence_exit__isnull=False)
    improved = both_ratings & Q(confidence_exit__gt=F("confidence_entry"))
    rows = (
        exits.order_by()
        .values("exit_outcome", "dropout_reason", "followup_3m_situation", "followup_6m_situation")
        .annotate(
            n=Count("id"),
            assessed=Count("id", filter=both_ratings),
            confidence_entry_sum=Sum("confidence_entry", filter=both_ratings),
            confidence_exit_sum=Sum("confidence_exit", filter=both_ratings),
            improved=Count("id", filter=improved),
        )
    )
    sums = ["assessed", "confidence_entry_sum", "confidence_exit_sum", "improved"]
    counts = dict.fromkeys(
        ["exits", "positive", "followup_recorded", "followup_6m_recorded", "employed_6m", *sums], 0
    )
    counts.update({f"outcome:{code}": 0 for code in ExitOutcome.values})
    counts.update({f"reason:{code}": 0 for code in DropoutReason.values})
    counts.update({f"followup:{code}": 0 for code in FollowupSituation.values})
    counts.update({f"followup_6m:{code}": 0 for code in FollowupSituation.values})
    positive = set(ExitOutcome.positive())
    for row in rows:
        n, outcome, situation = row["n"], row["exit_outcome"], row["followup_3m_situation"]
        counts["exits"] += n
        for key in sums:
            counts[key] += row[key] or 0
        if outcome in positive:
            counts["positive"] += n
        if situation:
            counts["followup_recorded"] += n
        situation_6m = row["followup_6m_situation"]
        if situation_6m:
            counts["followup_6m_recorded"] += n
        if situation_6m in EMPLOYED_6M:
            counts["employed_6m"] += n
        # A code outside the reference lists is in no column, as with one filtered count each.
        keys = [f"outcome:{outcome}", f"followup:{situation}", f"followup_6m:{situation_6m}"]
        if outcome == ExitOutcome.ABANDON:
            keys.append(f"reason:{row['dropout_reason']}")
        for key in keys:
            if key in counts:
                counts[key] += n
    return counts


def _attendance(period: Period, site) -> dict:
    """Attendance records counted by status (grouped: one row per status)."""
    records = _site_filter(
        Attendance.objects.filter(date__range=period.bounds), site, "cohort__site"
    )
    rows = records.order_by().values("status").annotate(n=Count("id"))
    by_status = {row["status"]: row["n"] for row in rows}
    return {
        "total": sum(by_status.values()),
        **{code: by_status.get(code, 0) for code in AttendanceStatus.values},
    }


def _event_attendees(period: Period, site) -> int:
    attendance = _site_filter(
        Event.attendees.through.objects.filter(
            event__date__range=period.bounds, event__kind__in=COUNTED_EVENT_KINDS
        ),
        site,
        "event__site",
    )
    return attendance.aggregate(n=Count("person_id", distinct=True))["n"]


def _cohorts(period: Period, site) -> int:
    cohorts = Cohort.objects.filter(start_date__lte=period.end, end_date__gte=period.start)
    return _site_filter(cohorts, site, "site").count()


def _picked(counts: dict, prefix: str) -> dict:
    return {
        key.removeprefix(prefix): value for key, value in counts.items() if key.startswith(prefix)
    }


def compute(period: Period, site) -> dict:
    people = _participants(period, site)
    participants = people["participants"]
    target = _target(period, site)
    exits = _exits(period, site)
    dropouts = exits[f"outcome:{ExitOutcome.ABANDON}"]
    completions = exits["exits"] - dropouts
    attendance = _attendance(period, site)
    absences = (
        attendance[AttendanceStatus.ABSENT_EXCUSE] + attendance[AttendanceStatus.ABSENT_NON_EXCUSE]
    )
    return {
        UnisversCode.PARTICIPANTS: participants,
        UnisversCode.TARGET: target,
        UnisversCode.TARGET_RATE: rate(participants, target or 0),
        UnisversCode.COHORTS: _cohorts(period, site),
        UnisversCode.EXITS: exits["exits"],
        UnisversCode.DROPOUTS: dropouts,
        UnisversCode.COMPLETIONS: completions,
        UnisversCode.POSITIVE_EXITS: exits["positive"],
        UnisversCode.POSITIVE_EXIT_RATE: rate(exits["positive"], exits["exits"]),
        UnisversCode.POSITIVE_EXIT_RATE_COMPLETERS: rate(exits["positive"], completions),
        UnisversCode.DROPOUT_RATE: rate(dropouts, exits["exits"]),
        UnisversCode.OUTCOMES: breakdown(ExitOutcome, _picked(exits, "outcome:")),
        UnisversCode.DROPOUT_REASONS: breakdown(DropoutReason, _picked(exits, "reason:")),
        UnisversCode.INDIVIDUAL_FOLLOWUP_RATE: rate(people["followed"], participants),
        UnisversCode.AGE_35_50_RATE: rate(people["age_in_band"], people["age_known"]),
        UnisversCode.INCOME_BELOW_550_RATE: rate(people["income_below"], people["income_known"]),
        UnisversCode.LIVING_ALONE_RATE: rate(people["living_alone"], people["household_known"]),
        UnisversCode.SINGLE_PARENT_RATE: rate(people["single_parent"], people["household_known"]),
        UnisversCode.DOMESTIC_VIOLENCE_RATE: rate(people["violence"], people["violence_known"]),
        UnisversCode.ATTENDANCE: breakdown(AttendanceStatus, attendance),
        UnisversCode.ATTENDANCE_RATE: rate(
            attendance[AttendanceStatus.PRESENT], attendance["total"]
        ),
        UnisversCode.UNEXCUSED_ABSENCE_RATE: rate(
            attendance[AttendanceStatus.ABSENT_NON_EXCUSE], absences
        ),
        UnisversCode.FOLLOWUP_3M: breakdown(FollowupSituation, _picked(exits, "followup:")),
        UnisversCode.FOLLOWUP_3M_RECORDED: exits["followup_recorded"],
        UnisversCode.CONFIDENCE: {
            "assessed": exits["assessed"],
            "mean_entry": mean(exits["confidence_entry_sum"], exits["assessed"]),
            "mean_exit": mean(exits["confidence_exit_sum"], exits["assessed"]),
            "improved_rate": rate(exits["improved"], exits["assessed"]),
        },
        UnisversCode.EVENT_ATTENDEES: _event_attendees(period, site),
        UnisversCode.FOLLOWUP_6M: breakdown(FollowupSituation, _picked(exits, "followup_6m:")),
        UnisversCode.FOLLOWUP_6M_RECORDED: exits["followup_6m_recorded"],
        # Among the known 6-month situations: recorded and not « inconnu ».
        UnisversCode.IN_EMPLOYMENT_6M_RATE: rate(
            exits["employed_6m"],
            exits["followup_6m_recorded"] - exits[f"followup_6m:{FollowupSituation.INCONNU}"],
        ),
    }
