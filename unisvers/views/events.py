"""Events and targets."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from ceis.decorators import object_permission_required, refuse_object
from ceis.pagination import paginate
from ceis.submissions import single_submission
from ceis.templatetags.french import accord

from .. import perms, selectors, services
from ..filters import EventFilter
from ..forms import (
    EventForm,
    TargetForm,
)

# Events -------------------------------------------------------------------------------------


@require_GET
@permission_required("unisvers.view_enrollment", raise_exception=True)
def todo(request):
    """Every entry of the referent's to-do list; the home page's panel shows the first ones of
    each kind (`selectors.TODO_PANEL_ROWS`)."""
    return render(
        request,
        "unisvers/todo.html",
        {"panel": {"todo": selectors.todo_for(request.user), "full": True}},
    )


@require_GET
@permission_required("unisvers.view_event", raise_exception=True)
def event_list(request):
    event_filter = EventFilter(request.GET, queryset=selectors.event_list(request.user))
    context = {
        "filter": event_filter,
        "page": paginate(request, event_filter.qs),
        "can_manage": perms.can_manage_events(request.user),
    }
    return render(request, "unisvers/events/list.html", context)


@require_http_methods(["GET", "POST"])
@permission_required("unisvers.add_event", raise_exception=True)
@single_submission
def event_create(request):
    form = EventForm(
        request.POST or None, user=request.user, initial={"date": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        event = services.event_create(user=request.user, request=request, **form.cleaned_data)
        messages.success(request, "L'événement est créé : cochez maintenant les présents.")
        return redirect(event)
    return render(request, "unisvers/events/form.html", {"form": form})


@require_http_methods(["GET", "POST"])
@object_permission_required("unisvers.view_event")
def event_detail(request, public_id):
    user = request.user
    event = selectors.event_get(public_id=public_id, user=user)
    can_manage = perms.can_manage_events(user)
    if request.method == "POST":
        if not can_manage:
            refuse_object(request)
        candidates = selectors.event_candidates(event=event)
        wanted = set(request.POST.getlist("attendees"))
        persons = [p for p in candidates if str(p.public_id) in wanted]
        services.event_set_attendees(event=event, user=user, persons=persons, request=request)
        forms = "participant·e enregistré·e,participant·e·s enregistré·e·s"
        messages.success(request, f"{accord(len(persons), forms)}.")
        return redirect(event)
    attendee_ids = set(event.attendees.values_list("pk", flat=True))
    context = {"event": event, "can_manage": can_manage, "attendee_count": len(attendee_ids)}
    if can_manage:
        context["candidates"] = [
            (person, person.pk in attendee_ids)
            for person in selectors.event_candidates(event=event)
        ]
    return render(request, "unisvers/events/detail.html", context)


# Targets ------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@permission_required("unisvers.view_target", raise_exception=True)
@single_submission
def target_list(request):
    user = request.user
    can_manage = perms.can_manage_targets(user)
    form = None
    if can_manage:
        form = TargetForm(
            request.POST or None, user=user, initial={"year": timezone.localdate().year}
        )
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            target = services.target_set(user=user, request=request, **form.cleaned_data)
            messages.success(
                request,
                f"Objectif {target.year} de {target.site} : {target.persons} personnes.",
            )
            return redirect("unisvers:target_list")
    context = {
        "targets": selectors.targets_visible_to(user),
        "form": form,
        "can_manage": can_manage,
    }
    return render(request, "unisvers/targets.html", context)
