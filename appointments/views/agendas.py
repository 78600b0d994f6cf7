"""The agendas: day and week, per agent or per site, with free slots."""

import datetime

from django.contrib.auth.decorators import permission_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from ceis import bounds
from ceis.templatetags.french import date_phrase, day_number

from .. import perms, selectors
from ..forms import DURATIONS
from ._common import DAY, _agenda_params, _duration, _person, _query

# Agendas --------------------------------------------------------------------------------------


def _agenda_context(request, *, week: bool):
    today = timezone.localdate()
    day = bounds.parse_date(request.GET.get("jour"), today)
    first = day - datetime.timedelta(days=day.weekday()) if week else day
    days = [first + i * DAY for i in range(7 if week else 1)]
    agents, agent, site = _agenda_params(request, selectors.agents_visible_to(request.user))
    duration = _duration(request)
    person = _person(request)
    shown = [agent] if agent else [a for a in agents if site and site in a.sites.all()]
    agendas = (
        selectors.agendas(user=request.user, agents=shown, site=site, first=first, days=len(days))
        if site
        else []
    )
    holidays = selectors.holidays_between(days[0], days[-1])
    now = timezone.now()
    columns = []
    if week and agent:
        agenda = agendas[0]
        for d in days:
            columns.append(_column(d, agenda, d, duration, holidays, now, with_agent=False))
    elif week:
        for d in days:
            entries = []
            for agenda in agendas:
                entries += [
                    (start, kind, obj, agenda.agent)
                    for start, kind, obj in agenda.day_entries(
                        d, duration_min=duration, holidays=holidays, now=now
                    )
                ]
            entries.sort(key=lambda e: (e[0], e[1] != "appointment"))
            columns.append(
                {"title": d, "day": d, "entries": entries, "holiday": holidays.get(d), "absent": []}
            )
    else:
        for agenda in agendas:
            columns.append(
                _column(agenda.agent, agenda, day, duration, holidays, now, with_agent=True)
            )
    if week:
        # The weekend only when something happens then.
        columns = [c for c in columns if c["day"].weekday() < 5 or c["entries"]]
    base = {
        "agent": agent.username if agent else "",
        "site": site.pk if site else "",
        "duree": duration,
        "personne": person.public_id if person else "",
    }
    step = 7 if week else 1
    return {
        "week": week,
        "day": day,
        "days": days,
        "first": first,
        "last": days[-1],
        "period": _period(days[0], days[-1]),
        "today": today,
        "agents": agents,
        "agent": agent,
        "site": site,
        "sites": request.user.site_list,
        "duration": duration,
        "durations": DURATIONS,
        "person": person,
        "columns": columns,
        "holidays": holidays,
        "base_query": _query(**base),
        "previous_query": _query(**base, jour=(first - step * DAY).isoformat()),
        "next_query": _query(**base, jour=(first + step * DAY).isoformat()),
        "today_query": _query(**base, jour=today.isoformat()),
        "can_book": perms.can_book(request.user),
        "appointment_count": sum(1 for c in columns for e in c["entries"] if e[1] == "appointment"),
    }


def _period(first, last) -> str:
    """ "du 7 au 13 décembre 2026", "du 28 décembre 2026 au 3 janvier 2027"."""
    if (first.year, first.month) == (last.year, last.month):
        return f"du {day_number(first.day)} au {date_phrase(last, 'sans_jour')}"
    if first.year == last.year:
        return (
            f"du {date_phrase(first, 'sans_jour sans_annee')} au {date_phrase(last, 'sans_jour')}"
        )
    return f"du {date_phrase(first, 'sans_jour')} au {date_phrase(last, 'sans_jour')}"


def _column(title, agenda, day, duration, holidays, now, *, with_agent):
    entries = [
        (start, kind, obj, agenda.agent)
        for start, kind, obj in agenda.day_entries(
            day, duration_min=duration, holidays=holidays, now=now
        )
    ]
    return {
        "title": title,
        "day": day,
        "agent": agenda.agent,
        "entries": entries,
        "holiday": holidays.get(day),
        "absent": agenda.absent_on(day),
        "no_hours": not agenda.hours,
    }


@require_GET
@permission_required("appointments.view_appointment", raise_exception=True)
def agenda_day(request):
    return render(request, "appointments/agenda.html", _agenda_context(request, week=False))


@require_GET
@permission_required("appointments.view_appointment", raise_exception=True)
def agenda_week(request):
    return render(request, "appointments/agenda.html", _agenda_context(request, week=True))
