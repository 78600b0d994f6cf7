"""Screens of the agendas: day and week per agent or per site with free slots, booking and
moving in one form (from the agenda or the person's file), statuses, the convocation, opening
hours and absences, and the private iCalendar feed."""

import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, permission_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ceis import bounds
from ceis.choices import JournalAction
from ceis.decorators import object_permission_required
from ceis.navigation import after_appointment_url
from ceis.selectors import person_get, person_search, persons_visible_to
from ceis.services import journal_record
from ceis.submissions import single_submission
from ceis.templatetags.french import date_phrase, day_number, time_fr

from . import perms, selectors, services
from .choices import AppointmentStatus
from .forms import DURATIONS, AbsenceForm, AppointmentForm, OpeningHoursForm
from .ical import agenda_ics
from .models import Absence, AgendaFeed, OpeningHours
from .pdf import convocation_pdf

FORM_ERROR = "Le rendez-vous n'est pas enregistré : corrigez les champs signalés."
DAY = datetime.timedelta(days=1)
DURATION_CODES = {value for value, _ in DURATIONS}


# Parameters of the agendas and the booking form ----------------------------------------------


def _duration(request) -> int:
    try:
        value = int(request.GET.get("duree", 30))
    except (TypeError, ValueError):
        return 30
    return value if value in DURATION_CODES else 30


def _site(request, agents_site=None):
    sites = request.user.site_list
    wanted = request.GET.get("site")
    for site in sites:
        if str(site.pk) == wanted:
            return site
    return agents_site or (sites[0] if sites else None)


def _agent(request, agents):
    """The agent named by `?agent=` (username); the user themself by default; None for
    `?agent=` empty (every agent of the site)."""
    wanted = request.GET.get("agent", request.user.username)
    return next((a for a in agents if a.username == wanted), None)


def _person(request):
    public_id = request.GET.get("personne")
    if not public_id:
        return None
    return person_get(public_id=public_id, user=request.user)


def _agenda_params(request, agents):
    agents = list(agents)
    agent = _agent(request, agents)
    site = _site(request)
    if agent is not None and site is not None:
        agent_sites = {s.pk for s in agent.sites.all()}
        if site.pk not in agent_sites and not agent.is_ceis_admin:
            mine = [s for s in request.user.site_list if s.pk in agent_sites]
            site = mine[0] if mine else site
    return agents, agent, site


def _query(**params) -> str:
    return urlencode({k: v for k, v in params.items() if v not in (None, "")})


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


# Booking and moving ---------------------------------------------------------------------------


def _initial_from_query(request, agents, site) -> dict:
    initial = {"duration_min": _duration(request)}
    agent = _agent(request, agents)
    if agent:
        initial["agent"] = agent.username
    if site:
        initial["site"] = site.pk
    start = request.GET.get("debut")
    if start:
        try:
            moment = datetime.datetime.fromisoformat(start)
            bounds.check_date(moment.date())
        except (TypeError, ValueError, ValidationError):
            moment = None
        if moment is not None:
            initial["date"] = moment.date()
            initial["time"] = moment.time().replace(second=0, microsecond=0)
    kind = request.GET.get("motif")
    if kind:
        initial["kind"] = kind
    return initial


def _slots_context(request, *, agent, site, person, appointment=None):
    if agent is None or site is None:
        return {}
    today = timezone.localdate()
    first = bounds.parse_date(request.GET.get("jour"), today)
    duration = _duration(request)
    days = selectors.agent_free_slots(
        user=request.user, agent=agent, site=site, first=first, days=7, duration_min=duration
    )
    base = {
        "agent": agent.username,
        "site": site.pk,
        "duree": duration,
        "personne": person.public_id if person else "",
    }
    return {
        "slot_days": days,
        "slot_query": _query(**base),
        "slot_next_query": _query(**base, jour=(first + 7 * DAY).isoformat()),
        "slot_previous_query": _query(**base, jour=max(today, first - 7 * DAY).isoformat())
        if first > today
        else "",
    }


@require_http_methods(["GET", "POST"])
@permission_required("appointments.add_appointment", raise_exception=True)
@single_submission
def appointment_create(request):
    user = request.user
    agents, agent, site = _agenda_params(request, selectors.agents_visible_to(user))
    person = _person(request)
    if request.method == "POST":
        person = person or _posted_person(request)
        form = AppointmentForm(request.POST, agents=selectors.agents_visible_to(user), user=user)
        valid = form.is_valid()
        if person is None:
            form.add_error(None, "Choisissez d'abord la personne.")
        elif valid:
            try:
                appointment = services.appointment_book(
                    user=user, person=person, request=request, **form.appointment_fields()
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(
                    request,
                    f"Rendez-vous de {person} pris le "
                    f"{_phrase(appointment.start)} avec {appointment.agent}.",
                )
                return redirect(_after_save(request, appointment))
        messages.error(request, FORM_ERROR)
        agent = form.cleaned_data.get("agent") or agent
        site = form.cleaned_data.get("site") or site
    else:
        form = AppointmentForm(
            agents=selectors.agents_visible_to(user),
            user=user,
            initial=_initial_from_query(request, agents, site),
        )
    context = {
        "form": form,
        "person": person,
        "agent": agent,
        "site": site,
        "query": bounds.clean_query(request.GET.get("q")),
        # The choices already made, kept by the person search.
        "kept": [
            (name, request.GET[name])
            for name in ("agent", "site", "duree", "debut", "motif")
            if request.GET.get(name)
        ],
        **_slots_context(request, agent=agent, site=site, person=person),
    }
    if person is None and context["query"]:
        context["found"] = person_search(persons_visible_to(user), context["query"])[:8]
        context["search_query"] = _query(
            agent=agent.username if agent else "",
            site=site.pk if site else "",
            duree=_duration(request),
            debut=request.GET.get("debut", ""),
        )
    return render(request, "appointments/form.html", context)


def _posted_person(request):
    public_id = request.POST.get("person")
    if not public_id:
        return None
    return person_get(public_id=public_id, user=request.user)


def _add_errors(form, error: ValidationError):
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            target = field if field in form.fields else None
            if field == "start" and "time" in form.fields:
                target = "time"  # the booking form's start is its date and time
            for message in errors:
                form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


def _phrase(moment) -> str:
    return f"{date_phrase(moment)} à {time_fr(moment)}"


def _after_save(request, appointment) -> str:
    back = request.POST.get("retour")
    if back == "personne":
        return appointment.person.get_absolute_url() + "#rendez-vous"
    return reverse("appointments:update", args=[appointment.public_id])


@require_http_methods(["GET", "POST"])
@object_permission_required("appointments.change_appointment")
def appointment_update(request, public_id):
    user = request.user
    appointment = selectors.appointment_get(public_id=public_id, user=user)
    agents = selectors.agents_visible_to(user)
    if request.method == "POST":
        form = AppointmentForm(request.POST, agents=agents, user=user)
        if form.is_valid():
            try:
                services.appointment_move(
                    user=user, appointment=appointment, request=request, **form.appointment_fields()
                )
            except ValidationError as error:
                _add_errors(form, error)
                appointment.refresh_from_db()
            else:
                messages.success(request, f"Rendez-vous déplacé au {_phrase(appointment.start)}.")
                return redirect(_after_save(request, appointment))
        messages.error(request, "Le rendez-vous n'est pas modifié : corrigez les champs signalés.")
        agent = form.cleaned_data.get("agent") or appointment.agent
        site = form.cleaned_data.get("site") or appointment.site
    else:
        local = timezone.localtime(appointment.start)
        initial = {
            "agent": appointment.agent.username,
            "site": appointment.site_id,
            "kind": appointment.kind,
            "date": local.date(),
            "time": local.time(),
            "duration_min": appointment.duration_min,
            "place": "" if appointment.by_phone else appointment.place,
            "by_phone": appointment.by_phone,
        }
        if request.GET.get("debut"):
            # A free slot chosen beside the form: its agent, day and time.
            initial.update(_initial_from_query(request, list(agents), appointment.site))
        form = AppointmentForm(agents=agents, user=user, initial=initial)
        wanted = [a for a in agents if a.username == request.GET.get("agent")]
        agent = wanted[0] if wanted else appointment.agent
        site = appointment.site
    context = {
        "form": form,
        "appointment": appointment,
        "person": appointment.person,
        "agent": agent,
        "site": site,
        "statuses": AppointmentStatus,
        **_slots_context(request, agent=agent, site=site, person=None, appointment=appointment),
    }
    return render(request, "appointments/form.html", context)


@require_POST
@object_permission_required("appointments.change_appointment")
def appointment_status(request, public_id):
    user = request.user
    appointment = selectors.appointment_get(public_id=public_id, user=user)
    status = request.POST.get("status", "")
    try:
        services.appointment_set_status(
            user=user, appointment=appointment, status=status, request=request
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(appointment.get_absolute_url())
    messages.success(
        request,
        f"Rendez-vous de {appointment.person} : {appointment.get_status_display().lower()}.",
    )
    if status == AppointmentStatus.HONORE:
        # The matching record opens prefilled: a help for a mediator, a follow-up entry for a
        # social worker (each programme's navigation hook says where).
        follow = after_appointment_url(user, appointment)
        if follow:
            return redirect(follow)
    return redirect(appointment.get_absolute_url())


@require_GET
@object_permission_required("appointments.view_appointment")
def appointment_convocation(request, public_id):
    appointment = selectors.appointment_get(public_id=public_id, user=request.user)
    journal_record(
        action=JournalAction.DOWNLOAD,
        user=request.user,
        obj=appointment,
        request=request,
        payload={"file": "convocation"},
    )
    response = HttpResponse(convocation_pdf(appointment), content_type="application/pdf")
    day = timezone.localtime(appointment.start).date()
    response["Content-Disposition"] = f'inline; filename="convocation-{day:%Y-%m-%d}.pdf"'
    return response


# Opening hours and absences -------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@permission_required("appointments.change_openinghours", raise_exception=True)
def hours(request):
    user = request.user
    hours_form = OpeningHoursForm(user=user)
    absence_form = AbsenceForm()
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "supprimer_horaire":
            row = OpeningHours.objects.filter(agent=user, pk=_int(request.POST.get("id"))).first()
            if row is None:
                raise Http404("Horaire introuvable.")
            services.opening_hours_delete(user=user, hours=row, request=request)
            messages.success(request, "Horaire supprimé.")
            return redirect("appointments:hours")
        if action == "supprimer_absence":
            row = Absence.objects.filter(agent=user, pk=_int(request.POST.get("id"))).first()
            if row is None:
                raise Http404("Absence introuvable.")
            services.absence_delete(user=user, absence=row, request=request)
            messages.success(request, "Absence supprimée.")
            return redirect("appointments:hours")
        if action == "absence":
            absence_form = AbsenceForm(request.POST)
            if absence_form.is_valid():
                start, end = absence_form.bounds()
                try:
                    services.absence_add(
                        user=user,
                        agent=user,
                        start=start,
                        end=end,
                        reason=absence_form.cleaned_data["reason"],
                        request=request,
                    )
                except ValidationError as error:
                    _add_errors(absence_form, error)
                else:
                    messages.success(request, "Absence enregistrée.")
                    return redirect("appointments:hours")
        else:
            hours_form = OpeningHoursForm(request.POST, user=user)
            if hours_form.is_valid():
                try:
                    services.opening_hours_add(
                        user=user, agent=user, request=request, **hours_form.cleaned_data
                    )
                except ValidationError as error:
                    _add_errors(hours_form, error)
                else:
                    messages.success(request, "Horaire ajouté.")
                    return redirect("appointments:hours")
        messages.error(request, "Rien n'est enregistré : corrigez les champs signalés.")
    context = {
        "hours_form": hours_form,
        "absence_form": absence_form,
        "hours": selectors.hours_of(user),
        "absences": selectors.absences_of(user),
        "is_agent": perms.is_agent(user),
    }
    return render(request, "appointments/hours.html", context)


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


# The iCalendar feed ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@permission_required("appointments.view_appointment", raise_exception=True)
def feed_settings(request):
    if request.method == "POST":
        services.feed_renew(user=request.user, request=request)
        messages.success(
            request, "Nouvelle adresse créée : l'ancienne ne donne plus accès à votre agenda."
        )
        return redirect("appointments:feed_settings")
    feed = AgendaFeed.objects.filter(agent=request.user).first()
    url = (
        request.build_absolute_uri(reverse("appointments:feed", args=[feed.token])) if feed else ""
    )
    return render(request, "appointments/feed.html", {"feed": feed, "feed_url": url})


@login_not_required
@require_GET
def feed(request, token):
    """A calendar application reads this without a session: the token is the key."""
    found = AgendaFeed.objects.select_related("agent").filter(token=token).first()
    if found is None or not found.agent.is_active:
        raise Http404("Agenda introuvable.")
    response = HttpResponse(agenda_ics(found.agent), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="agenda.ics"'
    return response
