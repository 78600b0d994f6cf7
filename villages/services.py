"""Writes of Vill@ges connectés: keyword-only, atomic, validated, journalled (field names only).

Seats are decided under a row lock on the session (`select_for_update`), so that two people
registering for the last seat at the same moment cannot both get it.
"""

import datetime
import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ceis.choices import JournalAction
from ceis.services import (
    journal_record,
    record_delete,
    record_update,
)
from messaging.choices import TemplateCode
from messaging.services import message_notify

from . import messages
from .assessment import ALL_KEYS, QUESTIONNAIRE_VERSION, classify, score_answers
from .choices import Attendance, RegistrationStatus
from .models import (
    AnonymousAttendance,
    Assessment,
    IndividualHelp,
    Registration,
    Session,
    Visit,
    Workshop,
)

MAX_SERIES_SESSIONS = 60


def _create(obj, *, user, request=None, payload=None):
    obj.full_clean()
    obj.save()
    journal_record(
        action=JournalAction.CREATE, user=user, obj=obj, request=request, payload=payload
    )
    return obj


# Workshops ---------------------------------------------------------------------------------


@transaction.atomic
def workshop_create(*, user, request=None, **fields) -> Workshop:
    return _create(Workshop(**fields), user=user, request=request)


@transaction.atomic
def workshop_update(*, workshop: Workshop, user, request=None, **fields) -> Workshop:
    return record_update(workshop, user=user, request=request, **fields)


# Sessions ----------------------------------------------------------------------------------


@transaction.atomic
def session_create(*, user, request=None, **fields) -> Session:
    return _create(Session(**fields), user=user, request=request)


def series_starts(
    *, first_day: datetime.date, last_day: datetime.date, weekday: int, at: datetime.time
) -> list[datetime.datetime]:
    """Every `weekday` (0 = Monday) at `at`, local time, from `first_day` to `last_day`."""
    tz = timezone.get_current_timezone()
    day = first_day + datetime.timedelta(days=(weekday - first_day.weekday()) % 7)
    starts = []
    while day <= last_day:
        starts.append(datetime.datetime.combine(day, at, tzinfo=tz))
        day += datetime.timedelta(days=7)
    return starts


@transaction.atomic
def session_series_create(
    *,
    user,
    request=None,
    first_day: datetime.date,
    last_day: datetime.date,
    weekday: int,
    at: datetime.time,
    **fields,
) -> list[Session]:
    """ "Every Tuesday at 14:00 from … to …": one session per week, sharing a series id."""
    starts = series_starts(first_day=first_day, last_day=last_day, weekday=weekday, at=at)
    if not starts:
        raise ValidationError("Aucune date ne correspond à ce jour de la semaine dans la période.")
    if len(starts) > MAX_SERIES_SESSIONS:
        raise ValidationError(
            f"Une série compte au plus {MAX_SERIES_SESSIONS} séances : raccourcissez la période."
        )
    series_id = uuid.uuid4()
    return [
        _create(
            Session(start=start, series_id=series_id, **fields),
            user=user,
            request=request,
            payload={"series": str(series_id)},
        )
        for start in starts
    ]


@transaction.atomic
def session_update(*, session: Session, user, request=None, **fields) -> Session:
    session = Session.objects.select_for_update().get(pk=session.pk)
    start_before = session.start
    record_update(session, user=user, request=request, **fields)
    if session.start != start_before:
        for registration in session.registrations.filter(
            status=RegistrationStatus.INSCRIT
        ).select_related("person", "session__workshop", "session__site"):
            _notify(registration, TemplateCode.CHANGE)
    # More seats: the waiting list moves up.
    _promote_waiting(session=session, user=user, request=request)
    return session


@transaction.atomic
def session_delete(*, session: Session, user, request=None) -> None:
    for registration in session.registrations.filter(
        status=RegistrationStatus.INSCRIT
    ).select_related("person", "session__workshop", "session__site"):
        _notify(registration, TemplateCode.CANCELLATION)
    record_delete(session, user=user, request=request)


# Registrations -----------------------------------------------------------------------------


def _lock_session(session: Session) -> Session:
    return Session.objects.select_for_update().get(pk=session.pk)


def _seats_taken(session: Session) -> int:
    return session.registrations.filter(status=RegistrationStatus.INSCRIT).count()


def _promote_waiting(*, session: Session, user, request=None) -> list[Registration]:
    """Fill free seats from the waiting list, first registered first (session already locked)."""
    free = session.capacity - _seats_taken(session)
    promoted = []
    if free <= 0:
        return promoted
    waiting = session.registrations.filter(status=RegistrationStatus.LISTE_ATTENTE).order_by(
        "registered_at", "id"
    )[:free]
    for registration in waiting:
        registration.status = RegistrationStatus.INSCRIT
        registration.save(update_fields=["status"])
        journal_record(
            action=JournalAction.UPDATE,
            user=user,
            obj=registration,
            request=request,
            payload={"fields": ["status"], "reason": "promotion"},
        )
        _notify(registration, TemplateCode.WAITLIST_PROMOTION)
        promoted.append(registration)
    return promoted


def _notify(registration: Registration, template: str) -> None:
    """Tell the person (messaging: only on the channels they consented to, sent on commit)."""
    if registration.session.start > timezone.now():
        message_notify(messages.notice(registration, template))


@transaction.atomic
def registration_create(*, session: Session, person, user, request=None) -> Registration:
    """Register `person`: a seat if one is free, else the waiting list. A cancelled
    registration is reopened (one row per session and person)."""
    session = _lock_session(session)
    status = (
        RegistrationStatus.INSCRIT
        if _seats_taken(session) < session.capacity
        else RegistrationStatus.LISTE_ATTENTE
    )
    existing = Registration.objects.filter(session=session, person=person).first()
    if existing and existing.status != RegistrationStatus.ANNULE:
        raise ValidationError(f"{person} est déjà inscrit·e à cette séance.")
    if existing:
        existing = record_update(
            existing,
            user=user,
            request=request,
            status=status,
            attendance="",
            registered_at=timezone.now(),
        )
        if status == RegistrationStatus.INSCRIT:
            _notify(existing, TemplateCode.WORKSHOP_CONFIRMATION)
        return existing
    registration = Registration(session=session, person=person, status=status, created_by=user)
    registration = _create(registration, user=user, request=request, payload={"status": status})
    if status == RegistrationStatus.INSCRIT:
        _notify(registration, TemplateCode.WORKSHOP_CONFIRMATION)
    return registration


@transaction.atomic
def registration_cancel(*, registration: Registration, user, request=None) -> Registration | None:
    """Cancel; a freed seat goes to the first person waiting, who is returned."""
    session = _lock_session(registration.session)
    registration.refresh_from_db()
    if registration.status == RegistrationStatus.ANNULE:
        return None
    record_update(
        registration, user=user, request=request, status=RegistrationStatus.ANNULE, attendance=""
    )
    _notify(registration, TemplateCode.CANCELLATION)
    promoted = _promote_waiting(session=session, user=user, request=request)
    return promoted[0] if promoted else None


@transaction.atomic
def registration_set_attendance(
    *, registration: Registration, attendance: str, user, request=None
) -> Registration:
    """Mark present or absent (or "" to clear). Someone on the waiting list who came and was
    let in is counted as registered: they attended."""
    fields = {"attendance": Attendance(attendance) if attendance else ""}
    if attendance == Attendance.PRESENT and registration.status != RegistrationStatus.INSCRIT:
        fields["status"] = RegistrationStatus.INSCRIT
    return record_update(registration, user=user, request=request, **fields)


@transaction.atomic
def registration_walk_in(*, session: Session, person, user, request=None) -> Registration:
    """Someone who came without registering: present, whatever the seats (they are in the room)."""
    session = _lock_session(session)
    existing = Registration.objects.filter(session=session, person=person).first()
    if existing:
        return record_update(
            existing,
            user=user,
            request=request,
            status=RegistrationStatus.INSCRIT,
            attendance=Attendance.PRESENT,
        )
    registration = Registration(
        session=session,
        person=person,
        status=RegistrationStatus.INSCRIT,
        attendance=Attendance.PRESENT,
        created_by=user,
    )
    return _create(registration, user=user, request=request, payload={"walk_in": True})


@transaction.atomic
def session_set_anonymous(
    *, session: Session, counts: dict[tuple[str, str], int], user, request=None
) -> list[AnonymousAttendance]:
    """Record the session's anonymous attendees: `counts` maps (age band, sex) to a number and
    replaces what was recorded (a zero or a missing group is no row). Journalled once."""
    session = _lock_session(session)
    rows = [
        AnonymousAttendance(session=session, age_band=band, sex=sex, count=count)
        for (band, sex), count in sorted(counts.items())
        if count
    ]
    for row in rows:
        row.full_clean(exclude=["session"], validate_unique=False)
    session.anonymous_attendances.all().delete()
    AnonymousAttendance.objects.bulk_create(rows)
    journal_record(
        action=JournalAction.UPDATE,
        user=user,
        obj=session,
        request=request,
        payload={"fields": ["anonymous_attendees"]},
    )
    return rows


# Individual help ---------------------------------------------------------------------------


@transaction.atomic
def help_create(*, user, request=None, **fields) -> IndividualHelp:
    fields.setdefault("mediator", user)
    return _create(IndividualHelp(**fields), user=user, request=request)


@transaction.atomic
def help_update(*, individual_help: IndividualHelp, user, request=None, **fields) -> IndividualHelp:
    return record_update(individual_help, user=user, request=request, **fields)


@transaction.atomic
def help_delete(*, individual_help: IndividualHelp, user, request=None) -> None:
    record_delete(individual_help, user=user, request=request)


# Free-access visits ------------------------------------------------------------------------


@transaction.atomic
def visit_create(
    *, site, user, request=None, person=None, volunteer_help=False, date=None
) -> Visit:
    visit = Visit(
        site=site,
        person=person,
        volunteer_help=volunteer_help,
        date=date or timezone.localdate(),
        recorded_by=user,
    )
    return _create(visit, user=user, request=request)


# Two taps of "+1 visite" this close together, by the same desk for the same visit, are one tap
# that bounced (the page came back under a finger still on the screen): the second is not
# counted. A second arrival takes longer to greet than this.
DOUBLE_TAP_WINDOW = datetime.timedelta(seconds=3)


@transaction.atomic
def visit_tap(*, site, user, request=None, person=None, volunteer_help=False) -> tuple[Visit, bool]:
    """The counter's "+1 visite": `(visit, True)` when counted, `(the twin, False)` when the
    same user counted the same visit less than `DOUBLE_TAP_WINDOW` ago."""
    twin = (
        Visit.objects.select_for_update()
        .filter(
            site=site,
            recorded_by=user,
            person=person,
            volunteer_help=volunteer_help,
            date=timezone.localdate(),
            created_at__gte=timezone.now() - DOUBLE_TAP_WINDOW,
        )
        .first()
    )
    if twin is not None:
        return twin, False
    visit = visit_create(
        site=site, user=user, request=request, person=person, volunteer_help=volunteer_help
    )
    return visit, True


@transaction.atomic
def visit_undo(*, visit: Visit, user, request=None) -> None:
    """Undo a visit counted by mistake (perms.can_undo_visit decides who may); journalled."""
    record_delete(visit, user=user, request=request)


# Assessments -------------------------------------------------------------------------------


@transaction.atomic
def assessment_create(
    *,
    person,
    site,
    user,
    answers: dict[str, bool],
    internet_use_3m: bool,
    request=None,
    date=None,
    **equipment,
) -> Assessment:
    """Score the yes/no answers, classify (INSEE 2021) and keep the raw answers."""
    unknown = set(answers) - ALL_KEYS
    if unknown:
        raise ValidationError(f"Questions inconnues : {', '.join(sorted(unknown))}.")
    clean_answers = {key: bool(answers.get(key)) for key in sorted(ALL_KEYS)}
    scores = score_answers(clean_answers)
    assessment = Assessment(
        person=person,
        site=site,
        date=date or timezone.localdate(),
        internet_use_3m=internet_use_3m,
        classification=classify(internet_use_3m=internet_use_3m, scores=scores),
        answers=clean_answers,
        questionnaire_version=QUESTIONNAIRE_VERSION,
        assessor=user,
        **scores,
        **equipment,
    )
    return _create(assessment, user=user, request=request)
