"""Writes of the appointments: booking, moving, statuses, opening hours, absences and the
address of an agent's iCalendar feed. Keyword-only, atomic, validated, journalled.

No double booking: `appointment_book` and `appointment_move` (and a cancelled appointment put
back) go through `_save_checked`, which locks the agent's row (PostgreSQL; SQLite's IMMEDIATE
transaction holds the database's write lock from its start), looks for an appointment of the
agent in the way, and saves. On PostgreSQL the exclusion constraint `appt_no_double_booking`
refuses what a writer outside this service would let through; its violation becomes the same
French error.
"""

import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from ceis.choices import JournalAction
from ceis.services import fields_apply, journal_record, record_delete
from ceis.templatetags.french import date_phrase, time_fr
from messaging.choices import TemplateCode
from messaging.services import message_notify

from . import messages, perms
from .choices import AppointmentStatus
from .models import (
    Absence,
    AgendaFeed,
    Appointment,
    OpeningHours,
    feed_token_hash,
    new_feed_token,
)

DOUBLE_BOOKING = (
    "{agent} a déjà un rendez-vous de {start} à {end} {day} : choisissez un autre créneau."
)


def _double_booking_error(agent, other: Appointment | None = None) -> ValidationError:
    if other is None:
        message = f"{agent} a déjà un rendez-vous à ce moment-là : choisissez un autre créneau."
    else:
        start = timezone.localtime(other.start)
        message = DOUBLE_BOOKING.format(
            agent=agent,
            start=time_fr(start),
            end=time_fr(other.end),
            day=f"le {date_phrase(start)}",
        )
    return ValidationError({"start": message})


def _check_agent(appointment: Appointment) -> None:
    agent = appointment.agent
    if not agent.is_active or not perms.is_agent(agent):
        raise ValidationError({"agent": "Cette personne de l'équipe ne reçoit pas de rendez-vous."})
    if not agent.is_ceis_admin and not agent.sites.filter(pk=appointment.site_id).exists():
        raise ValidationError({"site": f"{agent} ne travaille pas sur ce site."})


def _save_checked(appointment: Appointment) -> None:
    """Validate, check the agent's time, save; inside the caller's transaction."""
    appointment.full_clean()
    _check_agent(appointment)
    if appointment.is_busy:
        # One booking at a time per agent: the second waits here for the first to commit.
        get_user_model().objects.select_for_update().filter(pk=appointment.agent_id).first()
        in_the_way = (
            Appointment.objects.busy()
            .filter(agent_id=appointment.agent_id)
            .overlapping(appointment.start, appointment.end)
            .exclude(pk=appointment.pk)
            .order_by("start")
            .first()
        )
        if in_the_way is not None:
            raise _double_booking_error(appointment.agent, in_the_way)
        absent = (
            Absence.objects.filter(agent_id=appointment.agent_id)
            .filter(start__lt=appointment.end, end__gt=appointment.start)
            .exists()
        )
        if absent:
            raise ValidationError({"start": f"{appointment.agent} est absent·e à ce moment-là."})
    try:
        with transaction.atomic():
            appointment.save()
    except IntegrityError as error:
        if "appt_no_double_booking" in str(error):
            raise _double_booking_error(appointment.agent) from error
        raise


@transaction.atomic
def appointment_book(
    *,
    user,
    person,
    agent,
    site,
    kind: str,
    start: datetime.datetime,
    duration_min: int,
    place: str = "",
    request=None,
) -> Appointment:
    appointment = Appointment(
        person=person,
        agent=agent,
        site=site,
        kind=kind,
        start=start,
        duration_min=duration_min,
        place=place,
        created_by=user if user is not None and user.is_authenticated else None,
    )
    _save_checked(appointment)
    journal_record(action=JournalAction.CREATE, user=user, obj=appointment, request=request)
    _notify(appointment, TemplateCode.APPOINTMENT_CONFIRMATION)
    return appointment


def _notify(appointment: Appointment, template: str) -> None:
    """Tell the person (messaging: only on the channels they consented to, sent on commit)."""
    if appointment.start > timezone.now():
        message_notify(messages.notice(appointment, template))


@transaction.atomic
def appointment_move(*, user, appointment: Appointment, request=None, **fields) -> Appointment:
    """Change the time, agent, site, kind or place of an appointment (never its person)."""
    fields.pop("person", None)
    changed = fields_apply(appointment, fields)
    _save_checked(appointment)
    if changed:
        journal_record(
            action=JournalAction.UPDATE,
            user=user,
            obj=appointment,
            request=request,
            payload={"fields": changed},
        )
    if set(changed) & messages.NOTIFIED_FIELDS and appointment.status == AppointmentStatus.PREVU:
        _notify(appointment, TemplateCode.CHANGE)
    return appointment


@transaction.atomic
def appointment_set_status(
    *, user, appointment: Appointment, status: str, request=None
) -> Appointment:
    """Honoured, no-show, cancelled, or back to planned. A cancelled appointment frees its slot;
    put back, it must find the slot still free."""
    if status not in AppointmentStatus.values:
        raise ValidationError({"status": "Statut inconnu."})
    if status == appointment.status:
        return appointment
    appointment.status = status
    _save_checked(appointment)
    journal_record(
        action=JournalAction.UPDATE,
        user=user,
        obj=appointment,
        request=request,
        payload={"fields": ["status"], "status": status},
    )
    if status == AppointmentStatus.EXCUSE:
        _notify(appointment, TemplateCode.CANCELLATION)
    return appointment


# Opening hours and absences ----------------------------------------------------------------


@transaction.atomic
def opening_hours_add(*, user, agent, site, weekday: int, start, end, request=None) -> OpeningHours:
    hours = OpeningHours(agent=agent, site=site, weekday=weekday, start=start, end=end)
    hours.full_clean()
    overlapping = OpeningHours.objects.filter(
        agent=agent, weekday=weekday, start__lt=end, end__gt=start
    )
    if overlapping.exists():
        raise ValidationError(
            {"start": "Ces horaires chevauchent des horaires déjà déclarés ce jour-là."}
        )
    hours.save()
    journal_record(action=JournalAction.CREATE, user=user, obj=hours, request=request)
    return hours


def opening_hours_delete(*, user, hours: OpeningHours, request=None) -> None:
    record_delete(hours, user=user, request=request)


@transaction.atomic
def absence_add(*, user, agent, start, end, reason: str = "", request=None) -> Absence:
    absence = Absence(agent=agent, start=start, end=end, reason=reason)
    absence.full_clean()
    absence.save()
    journal_record(action=JournalAction.CREATE, user=user, obj=absence, request=request)
    return absence


def absence_delete(*, user, absence: Absence, request=None) -> None:
    record_delete(absence, user=user, request=request)


# The iCalendar feed ---------------------------------------------------------------------------


@transaction.atomic
def feed_renew(*, user, request=None) -> str:
    """A new private address for the user's feed; the previous one stops working at once.
    Returns the new token, the only time it is known: only its hash is stored."""
    token = new_feed_token()
    _feed, created = AgendaFeed.objects.update_or_create(
        agent=user, defaults={"token_hash": feed_token_hash(token)}
    )
    journal_record(
        action=JournalAction.CREATE if created else JournalAction.UPDATE,
        user=user,
        object_type="appointments.agendafeed",
        object_ref=user.get_username(),
        request=request,
    )
    return token
