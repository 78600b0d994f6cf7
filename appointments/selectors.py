"""Reads of the agendas, each starting from what the user may see: the appointments of their
sites (`Appointment.objects.visible_to`), the agents who work on their sites."""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils import timezone

from ceis.calendar import public_holidays
from ceis.choices import Role
from ceis.scoping import get_visible_or_404, site_ids

from . import slots
from .models import Absence, Appointment, OpeningHours
from .perms import AGENT_ROLES, SOCIAL_KINDS, sees_social_appointments

DAY = datetime.timedelta(days=1)


def agents_visible_to(user) -> QuerySet:
    """The active agents (social workers, mediators) of the user's sites, by name; a user who
    may not see Unis'Vers data sees no social worker's agenda."""
    User = get_user_model()
    ids = User.objects.filter(
        is_active=True, groups__name__in=AGENT_ROLES, sites__in=site_ids(user)
    )
    if not sees_social_appointments(user):
        ids = ids.exclude(groups__name=Role.TRAVAILLEUR_SOCIAL)
    ids = ids.values("pk").distinct()
    return (
        User.objects.filter(pk__in=ids)
        .prefetch_related("sites")
        .order_by("last_name", "first_name", "username")
    )


def appointments_visible_to(user) -> QuerySet[Appointment]:
    """The appointments of the user's sites; without the right to see Unis'Vers data, neither a
    social worker's appointments nor social interviews (security.md row 3)."""
    appointments = Appointment.objects.visible_to(user)
    if not sees_social_appointments(user):
        appointments = appointments.exclude(
            Q(agent__groups__name=Role.TRAVAILLEUR_SOCIAL) | Q(kind__in=SOCIAL_KINDS)
        )
    return appointments.select_related("person", "agent", "site")


def appointment_get(*, public_id, user) -> Appointment:
    return get_visible_or_404(
        appointments_visible_to(user), "Rendez-vous introuvable.", public_id=public_id
    )


def person_appointments(*, person, user, limit: int = 5) -> dict:
    """The person's coming appointments (cancelled ones left out) and their latest past ones."""
    now = timezone.now()
    own = appointments_visible_to(user).filter(person=person)
    return {
        "coming": list(own.busy().filter(end__gte=now).order_by("start")[:limit]),
        "past": list(own.filter(end__lt=now).order_by("-start")[:limit]),
    }


def agent_day(*, agent, day: datetime.date, user) -> list[Appointment]:
    """The agent's appointments of a day on the user's sites, cancelled ones included."""
    start, end = _day_bounds(day, day + DAY)
    return list(appointments_visible_to(user).filter(agent=agent, start__gte=start, start__lt=end))


def _day_bounds(first: datetime.date, last: datetime.date):
    tz = timezone.get_current_timezone()
    return (
        datetime.datetime.combine(first, datetime.time.min, tzinfo=tz),
        datetime.datetime.combine(last, datetime.time.min, tzinfo=tz),
    )


@dataclass
class AgentAgenda:
    """One agent's days at a site: appointments, absences, free slots."""

    agent: object
    appointments: list = field(default_factory=list)  # visible ones, cancelled included
    busy: list = field(default_factory=list)  # (start, end) of every busy appointment, any site
    absences: list = field(default_factory=list)
    hours: list = field(default_factory=list)  # opening hours at the site

    def day_entries(self, day, *, duration_min, holidays, now):
        """The day's appointments and free slots in time order: (start, kind, object)."""
        taken = self.busy + [(a.start, a.end) for a in self.absences]
        free = slots.free_slots(
            day=day,
            hours=self.hours,
            taken=taken,
            duration_min=duration_min,
            holidays=holidays,
            not_before=now,
        )
        entries = [
            (a.start, "appointment", a)
            for a in self.appointments
            if timezone.localtime(a.start).date() == day
        ]
        entries += [(start, "free", start) for start in free]
        return sorted(entries, key=lambda e: (e[0], e[1] != "appointment"))

    def absent_on(self, day):
        start, end = _day_bounds(day, day + DAY)
        return [a for a in self.absences if a.start < end and a.end > start]


def agendas(*, user, agents, site, first: datetime.date, days: int) -> list[AgentAgenda]:
    """The agendas of `agents` at `site` from `first`, in four queries whatever their number:
    opening hours, absences, busy appointments (every site, for the free slots), and the
    appointments the user may see."""
    agents = list(agents)
    start, end = _day_bounds(first, first + days * DAY)
    ids = [a.pk for a in agents]
    by_agent = {a.pk: AgentAgenda(agent=a) for a in agents}
    for hours in OpeningHours.objects.filter(agent_id__in=ids, site=site):
        by_agent[hours.agent_id].hours.append(hours)
    for absence in Absence.objects.filter(agent_id__in=ids, start__lt=end, end__gt=start):
        by_agent[absence.agent_id].absences.append(absence)
    busy = Appointment.objects.busy().filter(agent_id__in=ids, start__lt=end, end__gt=start)
    for agent_id, a_start, a_end in busy.values_list("agent_id", "start", "end"):
        by_agent[agent_id].busy.append((a_start, a_end))
    shown = appointments_visible_to(user).filter(
        agent_id__in=ids, site=site, start__gte=start, start__lt=end
    )
    for appointment in shown:
        by_agent[appointment.agent_id].appointments.append(appointment)
    return [by_agent[a.pk] for a in agents]


def holidays_between(first: datetime.date, last: datetime.date) -> dict:
    return public_holidays(first, last)


def agent_free_slots(
    *, user, agent, site, first: datetime.date, days: int, duration_min: int
) -> list[tuple[datetime.date, list]]:
    """(day, free slot starts) of one agent at a site for `days` days from `first`."""
    agenda = agendas(user=user, agents=[agent], site=site, first=first, days=days)[0]
    holidays = holidays_between(first, first + days * DAY)
    now = timezone.now()
    result = []
    for offset in range(days):
        day = first + offset * DAY
        starts = [
            e[2]
            for e in agenda.day_entries(day, duration_min=duration_min, holidays=holidays, now=now)
            if e[1] == "free"
        ]
        result.append((day, starts))
    return result


def today_for_agent(*, user) -> list[Appointment]:
    """The user's own appointments today on their sites (the home page's list)."""
    return agent_day(agent=user, day=timezone.localdate(), user=user)


def absences_of(agent) -> QuerySet[Absence]:
    return Absence.objects.filter(agent=agent, end__gte=timezone.now()).order_by("start")


def hours_of(agent) -> QuerySet[OpeningHours]:
    return OpeningHours.objects.filter(agent=agent).select_related("site")
