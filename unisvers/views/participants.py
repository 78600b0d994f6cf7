"""Participants: enrollment and intake, exit, 3-month follow-up, the participant file,
individual follow-up and testimonials."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ceis import bounds
from ceis.choices import JournalAction
from ceis.decorators import object_permission_required, refuse_object
from ceis.forms import PersonForm
from ceis.pagination import paginate
from ceis.person_flow import PersonCreation
from ceis.selectors import person_get
from ceis.services import journal_record
from ceis.submissions import single_submission

from .. import perms, selectors, services
from ..filters import TestimonialFilter
from ..forms import (
    EnrollmentForm,
    ExitForm,
    Followup3mForm,
    Followup6mForm,
    FollowUpForm,
    HandoverForm,
    TestimonialForm,
)
from ..models import Attendance, Enrollment
from ._common import apply_errors

# Enrollment ---------------------------------------------------------------------------------


@require_GET
@object_permission_required("unisvers.add_enrollment")
def enroll_search(request, public_id):
    cohort = selectors.cohort_get(public_id=public_id, user=request.user)
    query = bounds.clean_query(request.GET.get("q"))
    results = []
    if len(query) >= 2:
        results = list(
            selectors.enrollable_persons(user=request.user, query=query).prefetch_related(
                selectors.enrollments_prefetch(request.user)
            )[:20]
        )
    context = {"cohort": cohort, "q": query, "results": results}
    template = "unisvers/enroll/_results.html" if request.htmx else "unisvers/enroll/search.html"
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
@object_permission_required("unisvers.add_enrollment")
@single_submission
def enroll_new_person(request, public_id):
    """Create the person (with the foundation's duplicate warning), then go to the intake."""
    cohort = selectors.cohort_get(public_id=public_id, user=request.user)
    if not request.user.has_perm("ceis.add_person"):
        refuse_object(request)
    creation = PersonCreation(
        request,
        hint="inscrivez-la",
        choose_label="inscrire cette personne",
        choose_url=lambda match: reverse(
            "unisvers:enroll_intake", args=[cohort.public_id, match.public_id]
        ),
    )
    if request.method == "POST":
        form = PersonForm(request.POST, user=request.user, ask_duplicate=True)
        person = creation.create(form)
        if person is not None:
            messages.success(request, f"La fiche de {person} est créée.")
            return redirect("unisvers:enroll_intake", cohort.public_id, person.public_id)
    else:
        form = PersonForm(user=request.user, initial={"site": cohort.site})
    return render(
        request,
        "unisvers/enroll/new_person.html",
        {"cohort": cohort, "form": form, **creation.context()},
    )


@require_http_methods(["GET", "POST"])
@object_permission_required("unisvers.add_enrollment")
@single_submission
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
                apply_errors(form, error)
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


def _enrollment_step(request, enrollment, form, *, service, success, template, context=None):
    """One step of an enrollment (entry file, exit, 3-month follow-up) on its own form.

    The form has written what was typed onto `enrollment`: the service gets a fresh copy, so
    that it compares with what is stored; its refusal stays on the form. `success` may name
    the `{person}`."""
    if request.method == "POST" and form.is_valid():
        fresh = selectors.enrollment_get(public_id=enrollment.public_id, user=request.user)
        try:
            service(enrollment=fresh, user=request.user, request=request, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, success.format(person=fresh.person))
            return redirect(fresh)
    return render(request, template, {"form": form, "enrollment": enrollment, **(context or {})})


@require_http_methods(["GET", "POST"])
@object_permission_required("unisvers.change_enrollment")
def enrollment_update(request, public_id):
    enrollment = selectors.enrollment_get(public_id=public_id, user=request.user)
    sensitive = perms.is_in_charge(request.user, enrollment)
    form = EnrollmentForm(request.POST or None, instance=enrollment, sensitive=sensitive)
    return _enrollment_step(
        request,
        enrollment,
        form,
        service=services.enrollment_update,
        success="La fiche d'entrée est mise à jour.",
        template="unisvers/enroll/intake.html",
        context={"cohort": enrollment.cohort, "person": enrollment.person},
    )


@require_http_methods(["GET", "POST"])
@object_permission_required("unisvers.delete_enrollment")
def enrollment_delete(request, public_id):
    enrollment = selectors.enrollment_get(public_id=public_id, user=request.user)
    if request.method == "POST":
        cohort, person = enrollment.cohort, enrollment.person
        try:
            services.enrollment_delete(enrollment=enrollment, user=request.user, request=request)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(enrollment)
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
@object_permission_required("unisvers.change_enrollment")
@single_submission
def enrollment_exit(request, public_id):
    enrollment = selectors.enrollment_get(public_id=public_id, user=request.user)
    # The usual exit is at the cohort's end; before it, an early exit is recorded the same day.
    default_exit = min(enrollment.cohort.end_date, timezone.localdate())
    initial = {} if enrollment.exit_date else {"exit_date": default_exit}
    form = ExitForm(request.POST or None, instance=enrollment, initial=initial)
    return _enrollment_step(
        request,
        enrollment,
        form,
        service=services.enrollment_exit,
        success="La sortie de {person} est enregistrée.",
        template="unisvers/enroll/exit.html",
    )


@require_http_methods(["GET", "POST"])
@object_permission_required("unisvers.change_enrollment")
@single_submission
def enrollment_followup_3m(request, public_id):
    enrollment = selectors.enrollment_get(public_id=public_id, user=request.user)
    if not enrollment.exit_date:
        messages.error(request, "Enregistrez d'abord la sortie : le suivi à 3 mois vient après.")
        return redirect(enrollment)
    initial = {} if enrollment.followup_3m_date else {"followup_3m_date": timezone.localdate()}
    form = Followup3mForm(request.POST or None, instance=enrollment, initial=initial)
    return _enrollment_step(
        request,
        enrollment,
        form,
        service=services.enrollment_followup_3m,
        success="La situation à 3 mois est enregistrée.",
        template="unisvers/enroll/followup_3m.html",
    )


@require_http_methods(["GET", "POST"])
@object_permission_required("unisvers.change_enrollment")
@single_submission
def enrollment_followup_6m(request, public_id):
    enrollment = selectors.enrollment_get(public_id=public_id, user=request.user)
    if not enrollment.exit_date:
        messages.error(request, "Enregistrez d'abord la sortie : le suivi à 6 mois vient après.")
        return redirect(enrollment)
    initial = {} if enrollment.followup_6m_date else {"followup_6m_date": timezone.localdate()}
    form = Followup6mForm(request.POST or None, instance=enrollment, initial=initial)
    return _enrollment_step(
        request,
        enrollment,
        form,
        service=services.enrollment_followup_6m,
        success="La situation à 6 mois est enregistrée.",
        template="unisvers/enroll/followup_6m.html",
    )


# Participant file ---------------------------------------------------------------------------


def _participant_context(request, person):
    user = request.user
    enrollments = selectors.participant_enrollments(person=person, user=user)
    for enrollment in enrollments:
        enrollment.show_sensitive = perms.is_in_charge(user, enrollment)
        enrollment.can_hand_over = enrollment.show_sensitive and user.has_perm(
            "unisvers.change_followup"
        )
    in_charge = selectors.enrollments_in_charge(person=person, user=user)
    context = {
        "person": person,
        "enrollments": enrollments,
        "attendance": selectors.participant_attendance(person=person, user=user),
        # Only the entries of the enrollments the user is in charge of: note, orientation and
        # kind of the others do not reach the template (security.md row 17).
        "followups": selectors.participant_followups(person=person, user=user),
        "events": selectors.participant_events(person=person, user=user),
        "testimonials": selectors.participant_testimonials(person=person),
        "can_change": user.has_perm("unisvers.change_enrollment"),
        "can_delete": user.has_perm("unisvers.delete_enrollment"),
        "can_change_followup": user.has_perm("unisvers.change_followup"),
        "can_add_followup": user.has_perm("unisvers.add_followup") and in_charge.exists(),
        "can_add_testimonial": user.has_perm("unisvers.add_testimonial") and bool(enrollments),
    }
    if context["can_add_followup"]:
        # `?date=`: an honoured appointment opens the form dated its day.
        day = bounds.parse_date(request.GET.get("date"), timezone.localdate())
        context["followup_form"] = FollowUpForm(enrollments=in_charge, initial={"date": day})
    if context["can_add_testimonial"]:
        context["testimonial_form"] = TestimonialForm(
            initial={"date": timezone.localdate(), "display_name": person.first_name}
        )
    return context


@require_GET
@object_permission_required("unisvers.view_enrollment")
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
@object_permission_required("unisvers.add_followup")
@single_submission
def followup_create(request, public_id):
    user = request.user
    person = selectors.participant_get(public_id=public_id, user=user)
    in_charge = selectors.enrollments_in_charge(person=person, user=user)
    if not in_charge.exists():
        refuse_object(request)
    form = FollowUpForm(request.POST, enrollments=in_charge)
    if form.is_valid():
        followup = services.followup_create(user=user, request=request, **form.cleaned_data)
        messages.success(request, "Le suivi est ajouté.")
        return _to_followup(followup)
    context = _participant_context(request, person)
    context["followup_form"] = form
    return render(request, "unisvers/participant.html", context)


def _to_followup(followup):
    """Back to the participant's page, at the entry just saved (ceis.js gives it the focus)."""
    url = reverse("unisvers:participant", args=[followup.person.public_id])
    return redirect(f"{url}#suivi-{followup.public_id}")


@require_http_methods(["GET", "POST"])
@object_permission_required("unisvers.change_followup")
def followup_update(request, public_id):
    """An entry stays in the enrollment it was written in: the form does not move it."""
    user = request.user
    followup = selectors.followup_get(public_id=public_id, user=user)
    form = FollowUpForm(request.POST or None, instance=followup)
    if request.method == "POST" and form.is_valid():
        fresh = selectors.followup_get(public_id=public_id, user=user)
        services.followup_update(followup=fresh, user=user, request=request, **form.cleaned_data)
        messages.success(request, "Le suivi est modifié.")
        return _to_followup(followup)
    return render(request, "unisvers/followup_form.html", {"form": form, "followup": followup})


@require_http_methods(["GET", "POST"])
@object_permission_required("unisvers.change_followup")
@single_submission
def enrollment_handover(request, public_id):
    """ "Transmettre le suivi" of one enrollment to a named colleague of the same site: a form,
    then the hand-over, journalled. Only for who is in charge of the enrollment (else 404)."""
    user = request.user
    enrollment = selectors.enrollment_get(public_id=public_id, user=user)
    if not perms.is_in_charge(user, enrollment):
        refuse_object(request)
    if request.method == "POST" and "retirer" in request.POST:
        return _handover_revoke(request, enrollment)
    candidates = selectors.handover_candidates(enrollment=enrollment, user=user)
    form = HandoverForm(request.POST or None, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        to_user = form.cleaned_data["to_user"]
        try:
            services.handover_create(
                enrollment=enrollment, to_user=to_user, user=user, request=request
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                f"Le suivi de {enrollment.person} dans « {enrollment.cohort} » est transmis à "
                f"{to_user.get_full_name() or to_user}.",
            )
            return redirect(enrollment)
    context = {
        "form": form,
        "enrollment": enrollment,
        "handovers": enrollment.handovers.select_related("from_user", "to_user"),
    }
    return render(request, "unisvers/enroll/handover.html", context)


def _handover_revoke(request, enrollment):
    """ "Retirer la transmission": the colleague no longer reads the enrollment's entries."""
    value = request.POST.get("retirer", "")
    valid = value.isascii() and value.isdigit() and len(value) < 19  # a primary key, no more
    handover = enrollment.handovers.filter(pk=int(value)).first() if valid else None
    if handover is None:
        refuse_object(request)
    to_user = handover.to_user
    services.handover_revoke(handover=handover, user=request.user, request=request)
    messages.success(
        request, f"La transmission à {to_user.get_full_name() or to_user} est retirée."
    )
    return redirect("unisvers:enrollment_handover", enrollment.public_id)


# Testimonials -------------------------------------------------------------------------------


@require_POST
@object_permission_required("unisvers.add_testimonial")
@single_submission
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
        "page": paginate(request, testimonial_filter.qs),
        "can_change": request.user.has_perm("unisvers.change_testimonial"),
        "can_view_participants": perms.can_view_participants(request.user),
    }
    return render(request, "unisvers/testimonials/list.html", context)


@require_http_methods(["GET", "POST"])
@object_permission_required("unisvers.change_testimonial")
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
