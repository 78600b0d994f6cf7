"""Cohorts: list, form, page, calendar, register, collective activities."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ceis.decorators import object_permission_required, refuse_object
from ceis.pagination import paginate
from ceis.submissions import single_submission
from ceis.templatetags.french import accord

from .. import perms, selectors, services
from ..choices import AttendanceStatus
from ..filters import CohortFilter
from ..forms import (
    ActivityForm,
    CohortForm,
    CohortReferentsForm,
    MeetingDayForm,
)
from ..models import CollectiveActivity
from ._common import apply_errors, cohort_fields, parse_day

# Cohorts ------------------------------------------------------------------------------------


@require_GET
@permission_required("unisvers.view_cohort", raise_exception=True)
def cohort_list(request):
    cohort_filter = CohortFilter(
        request.GET, queryset=selectors.cohort_list(request.user), user=request.user
    )
    context = {
        "filter": cohort_filter,
        "page": paginate(request, cohort_filter.qs),
        "show_site": len(request.user.site_list) > 1,
        "can_manage": perms.can_manage_cohorts(request.user),
    }
    template = "unisvers/cohorts/_table.html" if request.htmx else "unisvers/cohorts/list.html"
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
@permission_required("unisvers.add_cohort", raise_exception=True)
@single_submission
def cohort_create(request):
    form = CohortForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            cohort = services.cohort_create(
                user=request.user,
                request=request,
                referents=form.cleaned_data.get("referents", ()),
                **cohort_fields(form),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                f"La promotion « {cohort} » est créée avec "
                f"{accord(cohort.meeting_days.count(), 'jour')} de rencontre.",
            )
            return redirect(cohort)
    return render(request, "unisvers/cohorts/form.html", {"form": form})


@require_http_methods(["GET", "POST"])
@object_permission_required("unisvers.change_cohort")
def cohort_update(request, public_id):
    cohort = selectors.cohort_get(public_id=public_id, user=request.user)
    form = CohortForm(request.POST or None, instance=cohort, user=request.user)
    if request.method == "POST" and form.is_valid():
        fresh = selectors.cohort_get(public_id=public_id, user=request.user)
        try:
            services.cohort_update(
                cohort=fresh,
                user=request.user,
                request=request,
                # None keeps the referents: the field is only in the form of who may set them.
                referents=(
                    list(form.cleaned_data["referents"])
                    if "referents" in form.cleaned_data
                    else None
                ),
                **cohort_fields(form),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Les modifications de la promotion sont enregistrées.")
            return redirect(fresh)
    return render(request, "unisvers/cohorts/form.html", {"form": form, "cohort": cohort})


@require_http_methods(["GET", "POST"])
def cohort_referents(request, public_id):
    """Managers and admins name a cohort's referents, who then read its participants' follow-up
    (security.md row 17); anyone else gets the 404 of an object page."""
    if not perms.can_assign_referents(request.user):
        refuse_object(request)
    cohort = selectors.cohort_get(public_id=public_id, user=request.user)
    form = CohortReferentsForm(
        request.POST or None,
        candidates=selectors.referent_candidates(request.user).filter(sites=cohort.site_id),
        initial={"referents": list(cohort.referents.all())},
    )
    if request.method == "POST" and form.is_valid():
        fresh = selectors.cohort_get(public_id=public_id, user=request.user)
        services.cohort_update(
            cohort=fresh,
            user=request.user,
            request=request,
            referents=list(form.cleaned_data["referents"]),
        )
        messages.success(request, f"Les référents de « {fresh} » sont enregistrés.")
        return redirect(fresh)
    return render(request, "unisvers/cohorts/referents.html", {"form": form, "cohort": cohort})


@require_GET
@object_permission_required("unisvers.view_cohort")
def cohort_detail(request, public_id):
    user = request.user
    cohort = selectors.cohort_get(public_id=public_id, user=user)
    today = timezone.localdate()
    enrollments = selectors.cohort_enrollments(cohort)
    days = selectors.cohort_meeting_days(cohort)
    activities = selectors.cohort_activities(cohort)
    active = [e for e in enrollments if e.exit_date is None]
    context = {
        "cohort": cohort,
        "enrollments": enrollments,
        "active_count": len(active),
        "exits": [e for e in enrollments if e.exit_date],
        "days": days,
        "days_missing": [d for d in days if d.date <= today and not d.register_taken],
        "today": today,
        "spaces": selectors.cohort_space_summary(activities),
        "activities": activities,
        "can_manage": perms.can_manage_cohorts(user),
        "can_assign_referents": perms.can_assign_referents(user),
        "can_view_participants": perms.can_view_participants(user),
        "day_form": MeetingDayForm(),
    }
    return render(request, "unisvers/cohorts/detail.html", context)


@require_POST
@object_permission_required("unisvers.add_meetingday")
@single_submission
def meeting_day_add(request, public_id):
    cohort = selectors.cohort_get(public_id=public_id, user=request.user)
    form = MeetingDayForm(request.POST)
    if form.is_valid():
        try:
            day = services.meeting_day_add(
                cohort=cohort, user=request.user, request=request, **form.cleaned_data
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Le {day.date:%d/%m/%Y} est ajouté au calendrier.")
    else:
        messages.error(request, "Indiquez une date valide pour ajouter un jour.")
    return redirect(cohort.get_absolute_url() + "#calendrier")


@require_http_methods(["GET", "POST"])
@object_permission_required("unisvers.delete_meetingday")
def meeting_day_remove(request, public_id, day):
    cohort = selectors.cohort_get(public_id=public_id, user=request.user)
    day = parse_day(day)
    meeting_day = selectors.meeting_day_get(cohort=cohort, date=day)
    if request.method == "POST":
        try:
            services.meeting_day_remove(day=meeting_day, user=request.user, request=request)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Le {day:%d/%m/%Y} est retiré du calendrier.")
        return redirect(cohort.get_absolute_url() + "#calendrier")
    return render(
        request, "unisvers/cohorts/confirm_remove_day.html", {"cohort": cohort, "day": meeting_day}
    )


@require_http_methods(["GET", "POST"])
@object_permission_required("unisvers.add_attendance")
@single_submission
def register(request, public_id, day):
    """One screen, one save: every participant of the day, "present" by default."""
    cohort = selectors.cohort_get(public_id=public_id, user=request.user)
    day = parse_day(day)
    meeting_day = selectors.meeting_day_get(cohort=cohort, date=day)
    rows = selectors.register_rows(cohort=cohort, day=meeting_day)
    if request.method == "POST":
        statuses, missing = {}, False
        for enrollment, current in rows:
            value = request.POST.get(f"status-{enrollment.public_id}", current)
            if request.POST.get("tous_presents"):
                value = AttendanceStatus.PRESENT
            if value not in AttendanceStatus.values:
                missing = True
                value = current
            statuses[enrollment.person_id] = value
        if missing:
            messages.error(request, "Un statut de présence est inconnu : vérifiez le registre.")
        else:
            try:
                services.register_save(
                    cohort=cohort,
                    day=meeting_day,
                    statuses=statuses,
                    user=request.user,
                    request=request,
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
                return redirect(cohort.get_absolute_url() + "#calendrier")
            present = sum(1 for v in statuses.values() if v == AttendanceStatus.PRESENT)
            messages.success(
                request,
                f"Registre du {day:%d/%m/%Y} enregistré : {accord(present, 'présent·e')} sur "
                f"{len(statuses)}.",
            )
            return redirect(cohort.get_absolute_url() + "#calendrier")
        rows = [(e, statuses[e.person_id]) for e, _ in rows]
    context = {
        "cohort": cohort,
        "day": meeting_day,
        "rows": rows,
        "statuses": AttendanceStatus.choices,
    }
    return render(request, "unisvers/cohorts/register.html", context)


# Collective activities ----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@object_permission_required("unisvers.add_collectiveactivity")
@single_submission
def activity_create(request, public_id):
    cohort = selectors.cohort_get(public_id=public_id, user=request.user)
    form = ActivityForm(
        request.POST or None,
        instance=CollectiveActivity(cohort=cohort),
        cohort=cohort,
        initial={"date": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        participants = data.pop("participants")
        try:
            services.activity_create(
                cohort=cohort, user=request.user, request=request, participants=participants, **data
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"L'activité « {data['title']} » est enregistrée.")
            return redirect(cohort.get_absolute_url() + "#activites")
    return render(request, "unisvers/cohorts/activity_form.html", {"form": form, "cohort": cohort})


@require_http_methods(["GET", "POST"])
@object_permission_required("unisvers.delete_collectiveactivity")
def activity_delete(request, public_id, activity_id):
    cohort = selectors.cohort_get(public_id=public_id, user=request.user)
    try:
        activity = cohort.activities.get(public_id=activity_id)
    except cohort.activities.model.DoesNotExist:
        raise Http404("Activité introuvable.") from None
    if request.method == "POST":
        services.activity_delete(activity=activity, user=request.user, request=request)
        messages.success(request, "L'activité est supprimée.")
        return redirect(cohort.get_absolute_url() + "#activites")
    return render(
        request,
        "unisvers/cohorts/confirm_delete_activity.html",
        {"cohort": cohort, "activity": activity},
    )
