"""Views of Unis'Vers: thin — parse input, call a selector or a service, render.

Model permissions open the pages (403 otherwise); selectors scope to the user's sites (404);
`perms.can_view_sensitive` decides whether sensitive fields and notes reach the template at all.
"""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ceis.choices import JournalAction
from ceis.forms import PersonForm
from ceis.selectors import person_duplicates, person_get, sites_visible_to
from ceis.services import journal_record, person_create

from . import perms, selectors, services
from .choices import AttendanceStatus
from .filters import CohortFilter, EventFilter, TestimonialFilter
from .forms import (
    ActivityForm,
    CohortForm,
    EnrollmentForm,
    EventForm,
    ExitForm,
    Followup3mForm,
    FollowUpForm,
    MeetingDayForm,
    TargetForm,
    TestimonialForm,
)
from .models import Attendance, Cohort, CollectiveActivity, Enrollment

PAGE_SIZE = 25


def _paginate(request, queryset, per_page=PAGE_SIZE):
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def _apply_errors(form, error: ValidationError):
    """Show a service's refusal on the form, keeping what was typed."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _day(value: str):
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise Http404("Date invalide.") from None


def _cohort_fields(form):
    return {name: value for name, value in form.cleaned_data.items() if name != "referents"}


# Cohorts ------------------------------------------------------------------------------------


@require_GET
@permission_required("unisvers.view_cohort", raise_exception=True)
def cohort_list(request):
    sites = sites_visible_to(request.user)
    cohort_filter = CohortFilter(
        request.GET, queryset=selectors.cohort_list(request.user), sites=sites
    )
    context = {
        "filter": cohort_filter,
        "page": _paginate(request, cohort_filter.qs),
        "show_site": len(request.user.site_list) > 1,
        "can_manage": perms.can_manage_cohorts(request.user),
    }
    template = "unisvers/cohorts/_table.html" if request.htmx else "unisvers/cohorts/list.html"
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
@permission_required("unisvers.add_cohort", raise_exception=True)
def cohort_create(request):
    form = CohortForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            cohort = services.cohort_create(
                user=request.user,
                request=request,
                referents=form.cleaned_data["referents"],
                **_cohort_fields(form),
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(
                request,
                f"La promotion « {cohort} » est créée avec "
                f"{cohort.meeting_days.count()} jours de rencontre.",
            )
            return redirect(cohort)
    return render(request, "unisvers/cohorts/form.html", {"form": form})


@require_http_methods(["GET", "POST"])
@permission_required("unisvers.change_cohort", raise_exception=True)
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
                referents=list(form.cleaned_data["referents"]),
                **_cohort_fields(form),
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, "Les modifications de la promotion sont enregistrées.")
            return redirect(fresh)
    return render(request, "unisvers/cohorts/form.html", {"form": form, "cohort": cohort})


@require_GET
@permission_required("unisvers.view_cohort", raise_exception=True)
def cohort_detail(request, public_id):
    user = request.user
    cohort = selectors.cohort_get(public_id=public_id, user=user)
    today = timezone.localdate()
    enrollments = selectors.cohort_enrollments(cohort)
    days = selectors.cohort_meeting_days(cohort)
    per_day = {}
    for row in (
        Attendance.objects.filter(cohort=cohort).values("date", "status").annotate(n=Count("id"))
    ):
        per_day.setdefault(row["date"], {})[row["status"]] = row["n"]
    for day in days:
        counts = per_day.get(day.date, {})
        day.present = counts.get(AttendanceStatus.PRESENT, 0)
        day.absent = sum(counts.values()) - day.present
    active = [e for e in enrollments if e.exit_date is None]
    context = {
        "cohort": cohort,
        "enrollments": enrollments,
        "active_count": len(active),
        "exits": [e for e in enrollments if e.exit_date],
        "days": days,
        "days_missing": [d for d in days if d.date <= today and not d.register_taken],
        "today": today,
        "spaces": selectors.cohort_space_summary(cohort),
        "activities": selectors.cohort_activities(cohort),
        "can_manage": perms.can_manage_cohorts(user),
        "can_view_participants": perms.can_view_participants(user),
        "day_form": MeetingDayForm(),
    }
    return render(request, "unisvers/cohorts/detail.html", context)


@require_POST
@permission_required("unisvers.add_meetingday", raise_exception=True)
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
@permission_required("unisvers.delete_meetingday", raise_exception=True)
def meeting_day_remove(request, public_id, day):
    cohort = selectors.cohort_get(public_id=public_id, user=request.user)
    day = _day(day)
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
@permission_required("unisvers.add_attendance", raise_exception=True)
def register(request, public_id, day):
    """One screen, one save: every participant of the day, "present" by default."""
    cohort = selectors.cohort_get(public_id=public_id, user=request.user)
    day = _day(day)
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
                f"Registre du {day:%d/%m/%Y} enregistré : {present} présent·e·s sur "
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


# Enrollment ---------------------------------------------------------------------------------


@require_GET
@permission_required("unisvers.add_enrollment", raise_exception=True)
def enroll_search(request, public_id):
    cohort = selectors.cohort_get(public_id=public_id, user=request.user)
    query = request.GET.get("q", "").strip()
    results = []
    if len(query) >= 2:
        results = list(
            selectors.enrollable_persons(user=request.user, query=query).prefetch_related(
                "unisvers_enrollments__cohort"
            )[:20]
        )
    context = {"cohort": cohort, "q": query, "results": results}
    template = "unisvers/enroll/_results.html" if request.htmx else "unisvers/enroll/search.html"
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
@permission_required("unisvers.add_enrollment", raise_exception=True)
def enroll_new_person(request, public_id):
    """Create the person (with the foundation's duplicate warning), then go to the intake."""
    cohort = selectors.cohort_get(public_id=public_id, user=request.user)
    if not request.user.has_perm("ceis.add_person"):
        raise PermissionDenied
    duplicates = []
    if request.method == "POST":
        form = PersonForm(request.POST, user=request.user, ask_duplicate=True)
        if form.is_valid():
            data = form.cleaned_data
            duplicates = person_duplicates(
                user=request.user,
                last_name=data["last_name"],
                first_name=data["first_name"],
                birth_date=data.get("birth_date"),
                birth_year=data.get("birth_year"),
            )
            if not duplicates or data.get("confirm_not_duplicate"):
                fields = {k: v for k, v in data.items() if k in PersonForm.Meta.fields}
                person = person_create(user=request.user, request=request, **fields)
                messages.success(request, f"La fiche de {person} est créée.")
                return redirect("unisvers:enroll_intake", cohort.public_id, person.public_id)
            form.add_error(
                "confirm_not_duplicate",
                "Une personne semblable existe déjà : inscrivez-la, ou cochez cette case si "
                "c'est bien quelqu'un d'autre.",
            )
    else:
        form = PersonForm(user=request.user, initial={"site": cohort.site})
    return render(
        request,
        "unisvers/enroll/new_person.html",
        {"cohort": cohort, "form": form, "duplicates": duplicates},
    )


@require_http_methods(["GET", "POST"])
@permission_required("unisvers.add_enrollment", raise_exception=True)
def enroll_intake(request, public_id, person_id):
    user = request.user
    cohort = selectors.cohort_get(public_id=public_id, user=user)
    person = person_get(public_id=person_id, user=user)
    sensitive = perms.can_view_sensitive(user, cohort)
    instance = Enrollment(cohort=cohort, person=person)
    initial = {"entry_date": max(cohort.start_date, timezone.localdate())}
    if request.method == "POST":
        form = EnrollmentForm(request.POST, instance=instance, sensitive=sensitive)
        if form.is_valid():
            try:
                services.enrollment_create(
                    cohort=cohort, person=person, user=user, request=request, **form.cleaned_data
                )
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                active = cohort.enrollments.filter(exit_date=None).count()
                messages.success(request, f"{person} est inscrit·e dans « {cohort} ».")
                if active > cohort.capacity:
                    messages.warning(
                        request,
                        f"La promotion compte maintenant {active} participants pour une "
                        f"capacité de {cohort.capacity}.",
                    )
                return redirect(cohort.get_absolute_url() + "#participants")
    else:
        form = EnrollmentForm(instance=instance, initial=initial, sensitive=sensitive)
    active = cohort.enrollments.filter(exit_date=None).count()
    context = {
        "cohort": cohort,
        "person": person,
        "form": form,
        "capacity_reached": active >= cohort.capacity,
        "active": active,
    }
    return render(request, "unisvers/enroll/intake.html", context)


@require_http_methods(["GET", "POST"])
@permission_required("unisvers.change_enrollment", raise_exception=True)
def enrollment_update(request, public_id):
    user = request.user
    enrollment = selectors.enrollment_get(public_id=public_id, user=user)
    sensitive = perms.can_view_sensitive(user, enrollment.cohort)
    form = EnrollmentForm(request.POST or None, instance=enrollment, sensitive=sensitive)
    if request.method == "POST" and form.is_valid():
        fresh = selectors.enrollment_get(public_id=public_id, user=user)
        try:
            services.enrollment_update(
                enrollment=fresh, user=user, request=request, **form.cleaned_data
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, "La fiche d'entrée est mise à jour.")
            return redirect(fresh)
    return render(
        request,
        "unisvers/enroll/intake.html",
        {
            "form": form,
            "enrollment": enrollment,
            "cohort": enrollment.cohort,
            "person": enrollment.person,
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required("unisvers.delete_enrollment", raise_exception=True)
def enrollment_delete(request, public_id):
    enrollment = selectors.enrollment_get(public_id=public_id, user=request.user)
    if request.method == "POST":
        cohort, person = enrollment.cohort, enrollment.person
        services.enrollment_delete(enrollment=enrollment, user=request.user, request=request)
        messages.success(request, f"L'inscription de {person} dans « {cohort} » est annulée.")
        return redirect(cohort.get_absolute_url() + "#participants")
    attendance = Attendance.objects.filter(
        cohort=enrollment.cohort, person=enrollment.person
    ).count()
    return render(
        request,
        "unisvers/enroll/confirm_delete.html",
        {"enrollment": enrollment, "attendance": attendance},
    )


@require_http_methods(["GET", "POST"])
@permission_required("unisvers.change_enrollment", raise_exception=True)
def enrollment_exit(request, public_id):
    user = request.user
    enrollment = selectors.enrollment_get(public_id=public_id, user=user)
    initial = {} if enrollment.exit_date else {"exit_date": timezone.localdate()}
    form = ExitForm(request.POST or None, instance=enrollment, initial=initial)
    if request.method == "POST" and form.is_valid():
        fresh = selectors.enrollment_get(public_id=public_id, user=user)
        try:
            services.enrollment_exit(
                enrollment=fresh, user=user, request=request, **form.cleaned_data
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, f"La sortie de {fresh.person} est enregistrée.")
            return redirect(fresh)
    return render(request, "unisvers/enroll/exit.html", {"form": form, "enrollment": enrollment})


@require_http_methods(["GET", "POST"])
@permission_required("unisvers.change_enrollment", raise_exception=True)
def enrollment_followup_3m(request, public_id):
    user = request.user
    enrollment = selectors.enrollment_get(public_id=public_id, user=user)
    if not enrollment.exit_date:
        messages.error(request, "Enregistrez d'abord la sortie : le suivi à 3 mois vient après.")
        return redirect(enrollment)
    initial = {} if enrollment.followup_3m_date else {"followup_3m_date": timezone.localdate()}
    form = Followup3mForm(request.POST or None, instance=enrollment, initial=initial)
    if request.method == "POST" and form.is_valid():
        fresh = selectors.enrollment_get(public_id=public_id, user=user)
        try:
            services.enrollment_followup_3m(
                enrollment=fresh, user=user, request=request, **form.cleaned_data
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, "La situation à 3 mois est enregistrée.")
            return redirect(fresh)
    return render(
        request, "unisvers/enroll/followup_3m.html", {"form": form, "enrollment": enrollment}
    )


# Collective activities ----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@permission_required("unisvers.add_collectiveactivity", raise_exception=True)
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
            _apply_errors(form, error)
        else:
            messages.success(request, f"L'activité « {data['title']} » est enregistrée.")
            return redirect(cohort.get_absolute_url() + "#activites")
    return render(request, "unisvers/cohorts/activity_form.html", {"form": form, "cohort": cohort})


@require_http_methods(["GET", "POST"])
@permission_required("unisvers.delete_collectiveactivity", raise_exception=True)
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


# Participant file ---------------------------------------------------------------------------


def _participant_context(request, person):
    user = request.user
    enrollments = selectors.participant_enrollments(person=person, user=user)
    cohorts = [e.cohort for e in enrollments]
    for enrollment in enrollments:
        enrollment.show_sensitive = perms.can_view_sensitive(user, enrollment.cohort)
    show_notes = perms.can_view_person_sensitive(user, cohorts)
    context = {
        "person": person,
        "enrollments": enrollments,
        "attendance": selectors.participant_attendance(person=person, user=user),
        "followups": selectors.participant_followups(person=person),
        "events": selectors.participant_events(person=person, user=user),
        "testimonials": selectors.participant_testimonials(person=person),
        "show_notes": show_notes,
        "can_change": user.has_perm("unisvers.change_enrollment"),
        "can_delete": user.has_perm("unisvers.delete_enrollment"),
        "can_add_followup": show_notes and user.has_perm("unisvers.add_followup"),
        "can_add_testimonial": user.has_perm("unisvers.add_testimonial") and bool(enrollments),
    }
    if context["can_add_followup"]:
        cohort_ids = [c.pk for c in cohorts]
        context["followup_form"] = FollowUpForm(
            cohorts=Cohort.objects.filter(pk__in=cohort_ids),
            initial={"date": timezone.localdate(), "cohort": cohort_ids[0] if cohort_ids else None},
        )
    if context["can_add_testimonial"]:
        context["testimonial_form"] = TestimonialForm(
            initial={"date": timezone.localdate(), "display_name": person.first_name}
        )
    return context


@require_GET
@permission_required("unisvers.view_enrollment", raise_exception=True)
def participant(request, public_id):
    person = selectors.participant_get(public_id=public_id, user=request.user)
    journal_record(
        action=JournalAction.VIEW,
        user=request.user,
        obj=person,
        request=request,
        payload={"page": "unisvers.participant"},
    )
    return render(request, "unisvers/participant.html", _participant_context(request, person))


@require_POST
@permission_required("unisvers.add_followup", raise_exception=True)
def followup_create(request, public_id):
    user = request.user
    person = selectors.participant_get(public_id=public_id, user=user)
    enrollments = selectors.participant_enrollments(person=person, user=user)
    cohorts = [e.cohort for e in enrollments]
    if not perms.can_view_person_sensitive(user, cohorts):
        raise PermissionDenied
    form = FollowUpForm(request.POST, cohorts=Cohort.objects.filter(pk__in=[c.pk for c in cohorts]))
    if form.is_valid():
        services.followup_create(person=person, user=user, request=request, **form.cleaned_data)
        messages.success(request, "Le suivi est ajouté.")
        return redirect("unisvers:participant", person.public_id)
    context = _participant_context(request, person)
    context["followup_form"] = form
    return render(request, "unisvers/participant.html", context)


@require_http_methods(["GET", "POST"])
@permission_required("unisvers.change_followup", raise_exception=True)
def followup_update(request, public_id):
    user = request.user
    followup = selectors.followup_get(public_id=public_id, user=user)
    enrollments = selectors.participant_enrollments(person=followup.person, user=user)
    cohorts = [e.cohort for e in enrollments]
    if not perms.can_view_person_sensitive(user, cohorts):
        raise PermissionDenied
    form = FollowUpForm(
        request.POST or None,
        instance=followup,
        cohorts=Cohort.objects.filter(pk__in=[c.pk for c in cohorts]),
    )
    if request.method == "POST" and form.is_valid():
        fresh = selectors.followup_get(public_id=public_id, user=user)
        services.followup_update(followup=fresh, user=user, request=request, **form.cleaned_data)
        messages.success(request, "Le suivi est modifié.")
        return redirect("unisvers:participant", followup.person.public_id)
    return render(request, "unisvers/followup_form.html", {"form": form, "followup": followup})


# Testimonials -------------------------------------------------------------------------------


@require_POST
@permission_required("unisvers.add_testimonial", raise_exception=True)
def testimonial_create(request, public_id):
    person = selectors.participant_get(public_id=public_id, user=request.user)
    form = TestimonialForm(request.POST)
    if form.is_valid():
        services.testimonial_create(
            person=person, user=request.user, request=request, **form.cleaned_data
        )
        messages.success(request, "Le témoignage est enregistré.")
        return redirect("unisvers:participant", person.public_id)
    context = _participant_context(request, person)
    context["testimonial_form"] = form
    return render(request, "unisvers/participant.html", context)


@require_GET
@permission_required("unisvers.view_testimonial", raise_exception=True)
def testimonial_list(request):
    testimonial_filter = TestimonialFilter(
        request.GET, queryset=selectors.testimonials_visible_to(request.user)
    )
    context = {
        "filter": testimonial_filter,
        "page": _paginate(request, testimonial_filter.qs),
        "can_change": request.user.has_perm("unisvers.change_testimonial"),
        "can_view_participants": perms.can_view_participants(request.user),
    }
    return render(request, "unisvers/testimonials/list.html", context)


@require_http_methods(["GET", "POST"])
@permission_required("unisvers.change_testimonial", raise_exception=True)
def testimonial_update(request, public_id):
    testimonial = selectors.testimonial_get(public_id=public_id, user=request.user)
    form = TestimonialForm(request.POST or None, instance=testimonial)
    if request.method == "POST" and form.is_valid():
        fresh = selectors.testimonial_get(public_id=public_id, user=request.user)
        services.testimonial_update(
            testimonial=fresh, user=request.user, request=request, **form.cleaned_data
        )
        messages.success(request, "Le témoignage est modifié.")
        return redirect("unisvers:testimonial_list")
    return render(
        request, "unisvers/testimonials/form.html", {"form": form, "testimonial": testimonial}
    )


# Events -------------------------------------------------------------------------------------


@require_GET
@permission_required("unisvers.view_event", raise_exception=True)
def event_list(request):
    event_filter = EventFilter(request.GET, queryset=selectors.event_list(request.user))
    context = {
        "filter": event_filter,
        "page": _paginate(request, event_filter.qs),
        "can_manage": perms.can_manage_events(request.user),
    }
    return render(request, "unisvers/events/list.html", context)


@require_http_methods(["GET", "POST"])
@permission_required("unisvers.add_event", raise_exception=True)
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
@permission_required("unisvers.view_event", raise_exception=True)
def event_detail(request, public_id):
    user = request.user
    event = selectors.event_get(public_id=public_id, user=user)
    can_manage = perms.can_manage_events(user)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        candidates = selectors.event_candidates(event=event)
        wanted = set(request.POST.getlist("attendees"))
        persons = [p for p in candidates if str(p.public_id) in wanted]
        services.event_set_attendees(event=event, user=user, persons=persons, request=request)
        messages.success(request, f"{len(persons)} participant·e·s enregistré·e·s.")
        return redirect(event)
    attendee_ids = set(event.attendees.values_list("pk", flat=True))
    context = {"event": event, "can_manage": can_manage, "attendee_count": len(attendee_ids)}
    if can_manage:
        context["candidates"] = [
            (person, person.pk in attendee_ids)
            for person in selectors.event_candidates(event=event)
        ]
    else:
        context["attendees"] = list(event.attendees.order_by("last_name", "first_name"))
    return render(request, "unisvers/events/detail.html", context)


# Targets ------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@permission_required("unisvers.view_target", raise_exception=True)
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
