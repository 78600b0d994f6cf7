"""Reads of Unis'Vers, always scoped to the user's sites and role (security.md rows 2–3).

A forbidden object is a 404, never a 403 or data.
"""

import datetime

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, Window
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from ceis.choices import Role
from ceis.models import Person, User
from ceis.scoping import get_visible_or_404, site_ids
from ceis.selectors import persons_visible_to

from . import perms
from .calendar import add_months
from .choices import AttendanceStatus, Space
from .models import (
    Attendance,
    Cohort,
    CollectiveActivity,
    Enrollment,
    Event,
    FollowUp,
    Handover,
    MeetingDay,
    Target,
    Testimonial,
)

FOLLOWUP_3M_NOTICE_DAYS = 14


# Cohorts ------------------------------------------------------------------------------------


def cohorts_visible_to(user) -> QuerySet[Cohort]:
    if not user.is_authenticated or not perms.can_access(user):
        return Cohort.objects.none()
    return Cohort.objects.visible_to(user).select_related("site")


def _enrollment_count(**filters) -> Coalesce:
    """The number of a cohort's enrollments matching `filters`, as a correlated subquery:
    computed for the page's cohorts only, instead of grouping every enrollment."""
    enrollments = (
        Enrollment.objects.filter(cohort=OuterRef("pk"), **filters)
        .order_by()
        .values("cohort")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(enrollments), 0)


def cohort_list(user) -> QuerySet[Cohort]:
    """Cohorts with their counts, for the list: a constant number of queries."""
    return (
        cohorts_visible_to(user)
        .annotate(
            enrolled=_enrollment_count(),
            exited=_enrollment_count(exit_date__isnull=False),
        )
        .prefetch_related("referents")
        .order_by("-start_date", "name")
    )


def cohort_get(*, public_id, user) -> Cohort:
    return get_visible_or_404(
        cohorts_visible_to(user).prefetch_related("referents"),
        "Promotion introuvable.",
        public_id=public_id,
    )


def cohort_enrollments(cohort: Cohort) -> list[Enrollment]:
    """The roster with each participant's attendance counts (one query)."""
    present = Count(
        "person__unisvers_attendances",
        filter=Q(
            person__unisvers_attendances__cohort=cohort,
            person__unisvers_attendances__status=AttendanceStatus.PRESENT,
        ),
    )
    recorded = Count(
        "person__unisvers_attendances",
        filter=Q(person__unisvers_attendances__cohort=cohort),
    )
    return list(
        cohort.enrollments.select_related("person", "person__neighbourhood")
        .annotate(days_present=present, days_recorded=recorded)
        .order_by("person__last_name", "person__first_name")
    )


def _attendance_count(attendances) -> Coalesce:
    return Coalesce(Subquery(attendances.values("cohort").annotate(n=Count("id")).values("n")), 0)


def cohort_meeting_days(cohort: Cohort) -> list[MeetingDay]:
    """The calendar, each day with its `present` and `absent` (any other status) counts: one
    query whatever the number of days and participants."""
    recorded = Attendance.objects.filter(cohort=cohort, date=OuterRef("date"))
    return list(
        cohort.meeting_days.annotate(
            present=_attendance_count(recorded.filter(status=AttendanceStatus.PRESENT)),
            absent=_attendance_count(recorded.exclude(status=AttendanceStatus.PRESENT)),
        )
    )


def cohort_space_summary(activities: list[CollectiveActivity]) -> list[dict]:
    """Minutes and activities per space, every space listed (zeros included), from the cohort's
    activities already read (no query)."""
    minutes = dict.fromkeys(Space, 0)
    counts = dict.fromkeys(Space, 0)
    for activity in activities:
        minutes[activity.space] += activity.duration_min or 0
        counts[activity.space] += 1
    return [
        {
            "space": space,
            "label": space.label,
            "minutes": minutes[space],
            "hours": round(minutes[space] / 60, 1),
            "activities": counts[space],
        }
        for space in Space
    ]


def cohort_activities(cohort: Cohort) -> list[CollectiveActivity]:
    return list(
        cohort.activities.annotate(participant_count=Count("participants")).order_by("-date")
    )


def meeting_day_get(*, cohort: Cohort, date: datetime.date) -> MeetingDay:
    try:
        return cohort.meeting_days.get(date=date)
    except MeetingDay.DoesNotExist:
        raise Http404("Ce jour ne fait pas partie du calendrier de la promotion.") from None


def register_rows(*, cohort: Cohort, day: MeetingDay) -> list[tuple[Enrollment, str]]:
    """Each participant enrolled on that day with their recorded (or default "present") status.

    Two queries whatever the number of participants.
    """
    enrollments = [
        enrollment
        for enrollment in cohort.enrollments.select_related("person").order_by(
            "person__last_name", "person__first_name"
        )
        if enrollment.is_present_on(day.date)
    ]
    recorded = dict(
        Attendance.objects.filter(cohort=cohort, date=day.date).values_list("person_id", "status")
    )
    return [
        (enrollment, recorded.get(enrollment.person_id, AttendanceStatus.PRESENT))
        for enrollment in enrollments
    ]


def referent_candidates(user) -> QuerySet[User]:
    """Social workers of the user's sites, to be named referents of a cohort."""
    return (
        User.objects.filter(
            groups__name=Role.TRAVAILLEUR_SOCIAL, sites__in=site_ids(user), is_active=True
        )
        .distinct()
        .order_by("last_name", "first_name")
    )


# Participants -------------------------------------------------------------------------------


def enrollments_visible_to(user) -> QuerySet[Enrollment]:
    if not user.is_authenticated or not perms.can_view_participants(user):
        return Enrollment.objects.none()
    return Enrollment.objects.visible_to(user).select_related("cohort", "cohort__site", "person")


def enrollments_prefetch(user) -> Prefetch:
    """A person's enrollments as the user sees them (cohorts of their sites): a person who moved
    from another site does not show the cohorts they followed there."""
    return Prefetch(
        "unisvers_enrollments",
        queryset=Enrollment.objects.visible_to(user).select_related("cohort"),
    )


def enrollment_get(*, public_id, user) -> Enrollment:
    return get_visible_or_404(
        enrollments_visible_to(user).prefetch_related("cohort__referents"),
        "Inscription introuvable.",
        public_id=public_id,
    )


def participant_get(*, public_id, user) -> Person:
    """A person seen from Unis'Vers: a person of the user's sites, or enrolled in a cohort of
    the user's sites (a person who moved to another site stays on the page of the referents who
    followed them there) — else 404."""
    if not perms.can_view_participants(user):
        raise Http404("Personne introuvable.")
    enrolled_here = Enrollment.objects.visible_to(user)
    persons = Person.objects.select_related("site", "neighbourhood").filter(
        Q(pk__in=persons_visible_to(user).values("pk"))
        | Q(pk__in=enrolled_here.values("person_id"))
    )
    return get_visible_or_404(persons, "Personne introuvable.", public_id=public_id)


def participant_enrollments(*, person: Person, user) -> list[Enrollment]:
    return list(
        enrollments_visible_to(user)
        .filter(person=person)
        .prefetch_related("cohort__referents", "handovers")
        .order_by("-entry_date")
    )


# Follow-up entries (security.md row 17) ---------------------------------------------------------


def _in_charge(user, *, enrollment: str, cohort: str) -> Q:
    """The enrollment (the outer query's `enrollment` and `cohort` columns) is one the social
    worker follows: they are a referent of its cohort, or it was handed over to them."""
    referent = Cohort.referents.through.objects.filter(cohort_id=OuterRef(cohort), user_id=user.pk)
    handed = Handover.objects.filter(enrollment_id=OuterRef(enrollment), to_user_id=user.pk)
    return Q(Exists(referent)) | Q(Exists(handed))


def enrollments_in_charge(*, person: Person, user) -> QuerySet[Enrollment]:
    """The person's enrollments whose follow-up the user reads and writes (the choices of a new
    entry): none for a social worker who is neither referent nor handed over."""
    enrollments = enrollments_visible_to(user).filter(person=person).order_by("-entry_date")
    if user.is_ceis_admin:
        return enrollments
    if not user.has_role(Role.TRAVAILLEUR_SOCIAL):
        return enrollments.none()
    return enrollments.filter(_in_charge(user, enrollment="pk", cohort="cohort_id"))


def pick_enrollment(enrollments, *, date, cohort_id=None):
    """The enrollment an entry dated `date` was written in, among one person's
    `(pk, cohort_id, entry_date, period_end)`: the one of `cohort_id`, else the one whose period
    holds the date, else the last one begun before it (an entry after the exit), else the first
    (an entry before the entry date); None for a person never enrolled. The same rule as the
    migration that tied the existing entries."""
    if cohort_id is not None:
        for pk, enrolled_cohort, _entry, _end in enrollments:
            if enrolled_cohort == cohort_id:
                return pk
    by_entry = sorted(enrollments, key=lambda e: (e[2], e[0]))
    during = [e for e in by_entry if e[2] <= date <= e[3]]
    if during:
        return during[-1][0]
    before = [e for e in by_entry if e[2] <= date]
    if before:
        return before[-1][0]
    return by_entry[0][0] if by_entry else None


def enrollment_periods(person_ids) -> dict[int, list[tuple]]:
    """Person id → `(pk, cohort_id, entry_date, period_end)` of their enrollments."""
    periods: dict[int, list[tuple]] = {}
    rows = Enrollment.objects.filter(person_id__in=person_ids).values_list(
        "pk", "person_id", "cohort_id", "entry_date", "exit_date", "cohort__end_date"
    )
    for pk, person_id, cohort_id, entry, exit_date, cohort_end in rows:
        periods.setdefault(person_id, []).append((pk, cohort_id, entry, exit_date or cohort_end))
    return periods


def followups_visible_to(user) -> QuerySet[FollowUp]:
    """The one read rule of follow-up entries (note, orientation, kind): an entry belongs to the
    enrollment it was written in, and is read by that enrollment's cohort referents and the
    colleagues it was handed over to, on that cohort's site — and by admins. Being a referent of
    another cohort, enrolling the person elsewhere or the person's site give nothing."""
    if not user.is_authenticated or not perms.can_view_participants(user):
        return FollowUp.objects.none()
    followups = FollowUp.objects.select_related("person", "enrollment__cohort", "author")
    if user.is_ceis_admin:
        return followups
    if not user.has_role(Role.TRAVAILLEUR_SOCIAL):
        return FollowUp.objects.none()
    # Row 17 is layered on the site rule: on the user's sites, only the entries in their charge.
    return followups.visible_to(user).filter(
        _in_charge(user, enrollment="enrollment_id", cohort="enrollment__cohort_id")
    )


def participant_attendance(*, person: Person, user) -> dict:
    counts = dict.fromkeys(AttendanceStatus.values, 0)
    rows = (
        Attendance.objects.visible_to(user)
        .filter(person=person)
        .values("status")
        .annotate(n=Count("id"))
    )
    for row in rows:
        counts[row["status"]] = row["n"]
    total = sum(counts.values())
    return {
        "counts": [(AttendanceStatus(code).label, n) for code, n in counts.items()],
        "total": total,
        "rate": round(100 * counts[AttendanceStatus.PRESENT] / total) if total else None,
    }


def participant_followups(*, person: Person, user) -> list[FollowUp]:
    return list(followups_visible_to(user).filter(person=person))


def participant_events(*, person: Person, user) -> list[Event]:
    return list(person.unisvers_events.visible_to(user).order_by("-date"))


def participant_testimonials(*, person: Person) -> list[Testimonial]:
    return list(person.unisvers_testimonials.all())


def followup_get(*, public_id, user) -> FollowUp:
    return get_visible_or_404(followups_visible_to(user), "Suivi introuvable.", public_id=public_id)


def handover_candidates(*, enrollment: Enrollment, user) -> QuerySet[User]:
    """Whom a follow-up may be handed over to: the active social workers of the enrollment's
    site, except the user, the cohort's referents and those who already have it."""
    return (
        User.objects.filter(
            groups__name=Role.TRAVAILLEUR_SOCIAL, sites=enrollment.cohort.site_id, is_active=True
        )
        .exclude(pk=user.pk)
        .exclude(unisvers_cohorts=enrollment.cohort_id)
        .exclude(unisvers_handovers__enrollment=enrollment)
        .distinct()
        .order_by("last_name", "first_name")
    )


def testimonials_visible_to(user) -> QuerySet[Testimonial]:
    if not user.is_authenticated or not user.has_perm("unisvers.view_testimonial"):
        return Testimonial.objects.none()
    # A testimonial is seen on the sites where its person took part (`Testimonial.site_path`).
    return Testimonial.objects.visible_to(user).select_related("person")


def testimonial_get(*, public_id, user) -> Testimonial:
    return get_visible_or_404(
        testimonials_visible_to(user), "Témoignage introuvable.", public_id=public_id
    )


def enrollable_persons(*, user, query: str):
    from ceis.selectors import person_search

    return person_search(persons_visible_to(user), query)


# Events and targets -------------------------------------------------------------------------


def events_visible_to(user) -> QuerySet[Event]:
    if not user.is_authenticated or not user.has_perm("unisvers.view_event"):
        return Event.objects.none()
    return Event.objects.visible_to(user).select_related("site")


def event_list(user) -> QuerySet[Event]:
    return (
        events_visible_to(user)
        .annotate(attendee_count=Count("attendees"))
        .order_by("-date", "title")
    )


def event_get(*, public_id, user) -> Event:
    return get_visible_or_404(
        events_visible_to(user), "Événement introuvable.", public_id=public_id
    )


def event_candidates(*, event: Event) -> QuerySet[Person]:
    """Current and former participants of the event's site."""
    return (
        Person.objects.filter(unisvers_enrollments__cohort__site=event.site)
        .distinct()
        .order_by("last_name", "first_name")
    )


def targets_visible_to(user) -> QuerySet[Target]:
    if not user.is_authenticated or not user.has_perm("unisvers.view_target"):
        return Target.objects.none()
    return Target.objects.visible_to(user).select_related("site")


def target_get(*, pk, user) -> Target:
    return get_visible_or_404(targets_visible_to(user), "Objectif introuvable.", pk=pk)


# To-do list ---------------------------------------------------------------------------------


# The intake's "situation at entry": an enrollment where none of it is filled has no intake (a
# France Travail list enrolls people with their referral only).
INTAKE_EMPTY = Q(
    minimum_income="",
    monthly_income_eur__isnull=True,
    household="",
    barriers=[],
    confidence_entry__isnull=True,
)


def intakes_missing(enrollments: QuerySet[Enrollment]) -> QuerySet[Enrollment]:
    """The enrollments not exited whose intake (situation at entry) is still empty."""
    return enrollments.filter(INTAKE_EMPTY, exit_date__isnull=True)


# Entries of each kind on the home page's to-do panel; the page « À faire » lists them all.
TODO_PANEL_ROWS = 10


def _first_rows(queryset: QuerySet, limit: int | None) -> tuple[list, int]:
    """`(rows, total)`: the first `limit` rows (every row when `limit` is None) and how many
    there are in all, in one query (a window count, taken before the LIMIT)."""
    if limit is None:
        rows = list(queryset)
        return rows, len(rows)
    rows = list(queryset.annotate(todo_total=Window(Count("pk")))[:limit])
    return rows, rows[0].todo_total if rows else 0


def todo_for(user, today: datetime.date | None = None, limit: int | None = None) -> dict:
    """The referent's to-do list (domain.md): registers not taken, intakes to fill (people
    enrolled from a France Travail list, or without their situation at entry), exits missing,
    3-month and 6-month follow-ups due in the next 14 days or overdue. Only cohorts the user is
    referent of.

    Each kind is a list, most urgent first; with `limit` (the home page's panel) it holds at
    most that many entries, and `totals` says how many there are of each kind in all. Today's
    registers are never cut (one per cohort at most)."""
    today = today or timezone.localdate()
    # The cohorts' ids read once instead of the visibility subquery built into six queries
    # (19 instead of 22 ms of CPU for the demo referent at 100×, docs/performance.md).
    mine = list(
        cohorts_visible_to(user).filter(referents=user).order_by().values_list("pk", flat=True)
    )
    registers = MeetingDay.objects.filter(
        cohort__in=mine, register_taken_at__isnull=True
    ).select_related("cohort")
    registers_today = list(registers.filter(date=today).order_by("cohort__name"))
    registers_late, registers_late_total = _first_rows(
        registers.filter(date__lt=today).order_by("date", "cohort__name", "pk"), limit
    )
    exits_missing, exits_missing_total = _first_rows(
        Enrollment.objects.filter(cohort__in=mine, cohort__end_date__lt=today, exit_date=None)
        .select_related("cohort", "person")
        .order_by("cohort__end_date", "person__last_name", "pk"),
        limit,
    )
    # Due date = exit + 3 months; due within 14 days ⇔ exit ≤ (today + 14 days) − 3 months.
    latest_exit = add_months(today + datetime.timedelta(days=FOLLOWUP_3M_NOTICE_DAYS), -3)
    followups, followups_total = _first_rows(
        Enrollment.objects.filter(
            cohort__in=mine,
            exit_date__isnull=False,
            exit_date__lte=latest_exit,
            followup_3m_date=None,
        )
        .select_related("cohort", "person")
        .order_by("exit_date", "pk"),
        limit,
    )
    for enrollment in followups:
        enrollment.followup_due = add_months(enrollment.exit_date, 3)
        enrollment.followup_overdue = enrollment.followup_due < today
    # The 6-month situation: due at exit + 6 months, with the same notice.
    latest_exit_6m = add_months(today + datetime.timedelta(days=FOLLOWUP_3M_NOTICE_DAYS), -6)
    followups_6m, followups_6m_total = _first_rows(
        Enrollment.objects.filter(
            cohort__in=mine,
            exit_date__isnull=False,
            exit_date__lte=latest_exit_6m,
            followup_6m_date=None,
        )
        .select_related("cohort", "person")
        .order_by("exit_date", "pk"),
        limit,
    )
    for enrollment in followups_6m:
        enrollment.followup_due = add_months(enrollment.exit_date, 6)
        enrollment.followup_overdue = enrollment.followup_due < today
    intakes, intakes_total = _first_rows(
        intakes_missing(Enrollment.objects.filter(cohort__in=mine))
        .select_related("cohort", "person")
        .order_by("entry_date", "person__last_name", "pk"),
        limit,
    )
    return {
        "registers_today": registers_today,
        "registers_late": registers_late,
        "intakes_missing": intakes,
        "exits_missing": exits_missing,
        "followups": followups,
        "followups_6m": followups_6m,
        "totals": {
            "registers_late": registers_late_total,
            "intakes_missing": intakes_total,
            "exits_missing": exits_missing_total,
            "followups": followups_total,
            "followups_6m": followups_6m_total,
        },
        "limited": limit is not None,
        "today": today,
    }


def my_cohorts(user) -> list[Cohort]:
    today = timezone.localdate()
    return list(
        cohorts_visible_to(user)
        .filter(referents=user, end_date__gte=add_months(today, -1))
        .annotate(enrolled=Count("enrollments"))
        .order_by("start_date")
    )
