"""Writes of Unis'Vers: keyword-only, atomic, validated with `full_clean()`, journalled with
field names only (never values nor note text)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ceis.choices import JournalAction
from ceis.models import Site
from ceis.services import fields_apply, journal_record
from ceis.submissions import natural_key

from .calendar import meeting_dates
from .choices import AttendanceStatus
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


def _log(action, *, user, obj, request=None, fields=None, **payload):
    if fields is not None:
        payload["fields"] = sorted(fields)
    journal_record(action=action, user=user, obj=obj, request=request, payload=payload)


# Cohorts and their calendar ------------------------------------------------------------------


@transaction.atomic
def cohort_create(*, user, request=None, referents=(), **fields) -> Cohort:
    cohort = Cohort(**fields)
    cohort.full_clean()
    cohort.save()
    cohort.referents.set(referents)
    MeetingDay.objects.bulk_create(
        MeetingDay(cohort=cohort, date=day)
        for day in meeting_dates(cohort.start_date, cohort.end_date, cohort.weekdays)
    )
    _log(JournalAction.CREATE, user=user, obj=cohort, request=request, fields=fields)
    return cohort


@transaction.atomic
def cohort_update(*, cohort: Cohort, user, request=None, referents=None, **fields) -> Cohort:
    changed = fields_apply(cohort, fields)
    cohort.full_clean()
    cohort.save()
    if referents is not None:
        before = {u.pk for u in cohort.referents.all()}
        cohort.referents.set(referents)
        if before != {u.pk for u in referents}:
            changed.append("referents")
    if {"start_date", "end_date", "weekdays"} & set(changed):
        _calendar_regenerate(cohort)
    if changed:
        _log(JournalAction.UPDATE, user=user, obj=cohort, request=request, fields=changed)
    return cohort


def _calendar_regenerate(cohort: Cohort) -> None:
    """After a change of dates or weekdays (see `calendar_changes`)."""
    existing = {day.date: day for day in cohort.meeting_days.all()}
    new_days, stale = calendar_changes(cohort, existing)
    MeetingDay.objects.filter(pk__in=stale).delete()
    MeetingDay.objects.bulk_create(new_days)


def calendar_changes(
    cohort: Cohort,
    existing: dict[datetime.date, MeetingDay],
    *,
    registers: frozenset[datetime.date] = frozenset(),
    regenerate: bool = True,
) -> tuple[list[MeetingDay], list[int]]:
    """The meeting days to add to `cohort` and the ids of those to drop, given its `existing`
    days by date and the dates that have a register (`registers`).

    Regenerating adds the generated days, and drops the days that no longer fit — except days
    whose register is taken and hand-added (labelled) days inside the dates. Every date with a
    register gets its day, marked taken; without `regenerate`, nothing else changes. The cohort
    screens and the data package import both call this (one calendar rule), the import in bulk.
    """
    wanted = set(registers)
    if regenerate:
        wanted |= set(meeting_dates(cohort.start_date, cohort.end_date, cohort.weekdays))
    now = timezone.now()
    new_days = [
        MeetingDay(cohort=cohort, date=date, register_taken_at=now if date in registers else None)
        for date in sorted(wanted - set(existing))
    ]
    if not regenerate:
        return new_days, []
    stale = [
        day.pk
        for date, day in existing.items()
        if date not in wanted
        and not day.register_taken
        and not (day.label and cohort.start_date <= date <= cohort.end_date)
    ]
    return new_days, stale


@transaction.atomic
def meeting_day_add(
    *, cohort: Cohort, user, date: datetime.date, label: str = "", request=None
) -> MeetingDay:
    already = {"date": "Ce jour est déjà dans le calendrier."}
    if cohort.meeting_days.filter(date=date).exists():
        raise ValidationError(already)
    day = MeetingDay(cohort=cohort, date=date, label=label)
    day.full_clean()
    with natural_key(already):  # the same day added twice at once
        day.save()
    _log(
        JournalAction.UPDATE,
        user=user,
        obj=cohort,
        request=request,
        fields=["meeting_days"],
        change="add_day",
    )
    return day


@transaction.atomic
def meeting_day_remove(*, day: MeetingDay, user, request=None) -> None:
    if day.register_taken or Attendance.objects.filter(cohort=day.cohort, date=day.date).exists():
        raise ValidationError(
            "Le registre de ce jour est déjà pris : il ne peut pas être retiré du calendrier."
        )
    cohort = day.cohort
    day.delete()
    _log(
        JournalAction.UPDATE,
        user=user,
        obj=cohort,
        request=request,
        fields=["meeting_days"],
        change="remove_day",
    )


# Enrollment, exit, 3-month follow-up ---------------------------------------------------------


@transaction.atomic
def enrollment_create(*, cohort: Cohort, person, user, request=None, **fields) -> Enrollment:
    already = "Cette personne est déjà inscrite dans cette promotion."
    enrollment = Enrollment(cohort=cohort, person=person, **fields)
    if Enrollment.objects.filter(cohort=cohort, person=person).exists():
        raise ValidationError(already)
    enrollment.full_clean()
    with natural_key(already):  # two tabs enrolling the same person at once
        enrollment.save()
    _log(JournalAction.CREATE, user=user, obj=enrollment, request=request, fields=fields)
    return enrollment


@transaction.atomic
def enrollment_update(*, enrollment: Enrollment, user, request=None, **fields) -> Enrollment:
    changed = fields_apply(enrollment, fields)
    enrollment.full_clean()
    enrollment.save()
    if changed:
        _log(JournalAction.UPDATE, user=user, obj=enrollment, request=request, fields=changed)
    return enrollment


@transaction.atomic
def enrollment_delete(*, enrollment: Enrollment, user, request=None) -> None:
    """Undo an enrollment made by mistake, with the person's registers and activities in it."""
    cohort, person = enrollment.cohort, enrollment.person
    if enrollment.followups.exists():
        # The entries belong to this enrollment (security.md row 17): they are not moved.
        raise ValidationError(
            "Des suivis individuels ont été écrits dans cette inscription : elle ne peut pas être "
            "annulée. Enregistrez plutôt la sortie de la personne."
        )
    attendance, _ = Attendance.objects.filter(cohort=cohort, person=person).delete()
    for activity in cohort.activities.filter(participants=person):
        activity.participants.remove(person)
    ref = str(enrollment.public_id)
    enrollment.delete()
    journal_record(
        action=JournalAction.DELETE,
        user=user,
        object_type="unisvers.enrollment",
        object_ref=ref,
        request=request,
        payload={"attendance": attendance},
    )


def enrollment_exit(
    *,
    enrollment: Enrollment,
    user,
    exit_date,
    exit_outcome: str,
    dropout_reason: str = "",
    confidence_exit=None,
    request=None,
) -> Enrollment:
    return enrollment_update(
        enrollment=enrollment,
        user=user,
        request=request,
        exit_date=exit_date,
        exit_outcome=exit_outcome,
        dropout_reason=dropout_reason or "",
        confidence_exit=confidence_exit,
    )


def enrollment_followup_3m(
    *, enrollment: Enrollment, user, followup_3m_date, followup_3m_situation: str, request=None
) -> Enrollment:
    return enrollment_update(
        enrollment=enrollment,
        user=user,
        request=request,
        followup_3m_date=followup_3m_date,
        followup_3m_situation=followup_3m_situation,
    )


def enrollment_followup_6m(
    *, enrollment: Enrollment, user, followup_6m_date, followup_6m_situation: str, request=None
) -> Enrollment:
    return enrollment_update(
        enrollment=enrollment,
        user=user,
        request=request,
        followup_6m_date=followup_6m_date,
        followup_6m_situation=followup_6m_situation,
    )


# Register ------------------------------------------------------------------------------------


@transaction.atomic
def register_save(
    *, cohort: Cohort, day: MeetingDay, statuses: dict[int, str], user, request=None
) -> dict:
    """Save the whole register of a day in a constant number of queries.

    `statuses` maps person ids to an `AttendanceStatus` code; persons not enrolled on that day
    are refused. Returns how many rows were created and updated.
    """
    if day.date > timezone.localdate():
        raise ValidationError("Le registre d'un jour à venir ne peut pas encore être pris.")
    allowed = {
        enrollment.person_id
        for enrollment in cohort.enrollments.all()
        if enrollment.is_present_on(day.date)
    }
    unknown = set(statuses) - allowed
    if unknown:
        raise ValidationError("Le registre contient une personne qui n'est pas inscrite ce jour.")
    if any(status not in AttendanceStatus.values for status in statuses.values()):
        raise ValidationError("Statut de présence inconnu.")
    # One register per cohort day: a second save of the same day (double click, two tabs) waits
    # for the first, then updates its rows instead of creating them again.
    MeetingDay.objects.select_for_update().filter(pk=day.pk).first()
    existing = {
        row.person_id: row for row in Attendance.objects.filter(cohort=cohort, date=day.date)
    }
    to_create, to_update = [], []
    for person_id, status in statuses.items():
        row = existing.get(person_id)
        if row is None:
            to_create.append(
                Attendance(cohort=cohort, person_id=person_id, date=day.date, status=status)
            )
        elif row.status != status:
            row.status = status
            to_update.append(row)
    Attendance.objects.bulk_create(to_create)
    Attendance.objects.bulk_update(to_update, ["status"])
    MeetingDay.objects.filter(pk=day.pk).update(
        register_taken_at=timezone.now(), register_taken_by=user
    )
    _log(
        JournalAction.UPDATE if existing else JournalAction.CREATE,
        user=user,
        obj=cohort,
        request=request,
        fields=["attendance"],
        date=day.date.isoformat(),
        created=len(to_create),
        updated=len(to_update),
    )
    return {"created": len(to_create), "updated": len(to_update)}


# Collective activities -----------------------------------------------------------------------


@transaction.atomic
def activity_create(
    *, cohort: Cohort, user, participants=(), request=None, **fields
) -> CollectiveActivity:
    activity = CollectiveActivity(cohort=cohort, **fields)
    activity.full_clean()
    activity.save()
    activity.participants.set(participants)
    _log(JournalAction.CREATE, user=user, obj=activity, request=request, fields=fields)
    return activity


@transaction.atomic
def activity_delete(*, activity: CollectiveActivity, user, request=None) -> None:
    ref = str(activity.public_id)
    activity.delete()
    journal_record(
        action=JournalAction.DELETE,
        user=user,
        object_type="unisvers.collectiveactivity",
        object_ref=ref,
        request=request,
    )


# Follow-up -----------------------------------------------------------------------------------


@transaction.atomic
def followup_create(*, enrollment: Enrollment, user, request=None, **fields) -> FollowUp:
    """An entry belongs to the enrollment it is written in (security.md row 17)."""
    followup = FollowUp(person=enrollment.person, enrollment=enrollment, author=user, **fields)
    followup.full_clean()
    followup.save()
    _log(JournalAction.CREATE, user=user, obj=followup, request=request, fields=fields)
    return followup


@transaction.atomic
def followup_update(*, followup: FollowUp, user, request=None, **fields) -> FollowUp:
    changed = fields_apply(followup, fields)
    followup.full_clean()
    followup.save()
    if changed:
        _log(JournalAction.UPDATE, user=user, obj=followup, request=request, fields=changed)
    return followup


@transaction.atomic
def handover_create(*, enrollment: Enrollment, to_user, user, request=None) -> Handover:
    """ "Transmettre le suivi": `to_user`, a social worker of the enrollment's site, then reads
    and writes its follow-up entries. Journalled (security.md row 17)."""
    from .selectors import handover_candidates

    if not handover_candidates(enrollment=enrollment, user=user).filter(pk=to_user.pk).exists():
        raise ValidationError(
            {
                "to_user": "Le suivi ne peut être transmis qu'à une travailleuse ou un travailleur "
                "social du site de la promotion, qui n'en est pas déjà chargé."
            }
        )
    handover = Handover(enrollment=enrollment, from_user=user, to_user=to_user)
    handover.full_clean()
    handover.save()
    # Journalled on the enrollment, so that the person's right-of-access export lists it.
    _log(
        JournalAction.UPDATE,
        user=user,
        obj=enrollment,
        request=request,
        fields=["handovers"],
        to_user=to_user.pk,
    )
    return handover


@transaction.atomic
def handover_revoke(*, handover: Handover, user, request=None) -> None:
    """Withdraw a hand-over: its colleague no longer reads the enrollment's entries."""
    enrollment, to_user_id = handover.enrollment, handover.to_user_id
    handover.delete()
    _log(
        JournalAction.UPDATE,
        user=user,
        obj=enrollment,
        request=request,
        fields=["handovers"],
        revoked=to_user_id,
    )


# Events, testimonials, targets ---------------------------------------------------------------


@transaction.atomic
def event_create(*, user, request=None, **fields) -> Event:
    event = Event(**fields)
    event.full_clean()
    event.save()
    _log(JournalAction.CREATE, user=user, obj=event, request=request, fields=fields)
    return event


@transaction.atomic
def event_set_attendees(*, event: Event, user, persons, request=None) -> Event:
    event.attendees.set(persons)
    _log(JournalAction.UPDATE, user=user, obj=event, request=request, fields=["attendees"])
    return event


@transaction.atomic
def testimonial_create(*, person, user, request=None, **fields) -> Testimonial:
    testimonial = Testimonial(person=person, **fields)
    testimonial.full_clean()
    testimonial.save()
    _log(JournalAction.CREATE, user=user, obj=testimonial, request=request, fields=fields)
    return testimonial


@transaction.atomic
def testimonial_update(*, testimonial: Testimonial, user, request=None, **fields) -> Testimonial:
    changed = fields_apply(testimonial, fields)
    testimonial.full_clean()
    testimonial.save()
    if changed:
        _log(JournalAction.UPDATE, user=user, obj=testimonial, request=request, fields=changed)
    return testimonial


@transaction.atomic
def target_set(*, site, year: int, persons: int, user, request=None) -> Target:
    """Create or change the target of a site for a year (one per site and year)."""
    # Two concurrent first settings of a year: the second waits, then updates the first.
    Site.objects.select_for_update().filter(pk=site.pk).first()
    target = Target.objects.filter(site=site, year=year).first()
    action = JournalAction.UPDATE if target else JournalAction.CREATE
    target = target or Target(site=site, year=year)
    target.persons = persons
    target.full_clean()
    target.save()
    _log(action, user=user, obj=target, request=request, fields=["persons"])
    return target
