"""Booking, moving, statuses and the convocation: one form from the agenda or the person's file."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
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

from .. import selectors, services
from ..choices import AppointmentStatus
from ..forms import AppointmentForm
from ._common import (
    DAY,
    FORM_ERROR,
    _add_errors,
    _agenda_params,
    _agent,
    _duration,
    _person,
    _phrase,
    _query,
)

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
    from ..pdf import convocation_pdf  # WeasyPrint is loaded by the processes that print only

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
