"""One session: create, edit, delete; registrations, and the check-in with walk-ins."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ceis import bounds
from ceis.decorators import object_permission_required, refuse_object
from ceis.perms import person_search_typed_enough
from ceis.person_flow import PersonCreation
from ceis.selectors import person_get
from ceis.submissions import single_submission
from messaging.choices import Channel, TemplateCode
from messaging.selectors import channels_told

from .. import perms, selectors, services
from ..choices import Attendance, RegistrationStatus
from ..forms import (
    AnonymousAttendeesForm,
    MinimalPersonForm,
    SessionCreateForm,
    SessionForm,
)
from ._common import FORM_ERROR, apply_errors

# Sessions: create, edit, delete ------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@permission_required("villages.add_session", raise_exception=True)
@single_submission
def session_create_view(request):
    initial = selectors.session_defaults(user=request.user)
    workshop_id = request.GET.get("atelier")
    if workshop_id:
        initial["workshop"] = selectors.workshop_get(public_id=workshop_id)
    form = SessionCreateForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["repeat_weekly"]:
                sessions = services.session_series_create(
                    user=request.user,
                    request=request,
                    first_day=data["date"],
                    last_day=data["until"],
                    weekday=data["date"].weekday(),
                    at=data["time"],
                    **form.session_fields(),
                )
                messages.success(request, f"{len(sessions)} séances ont été programmées.")
                return redirect(f"{reverse('villages:session_month')}?mois={data['date']:%Y-%m}")
            session = services.session_create(
                user=request.user, request=request, start=form.start(), **form.session_fields()
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "La séance a été programmée.")
            return redirect(session)
    return render(request, "villages/sessions/form.html", {"form": form, "creating": True})


@require_http_methods(["GET", "POST"])
@object_permission_required("villages.change_session")
def session_update_view(request, public_id):
    session = selectors.session_get(public_id=public_id, user=request.user)
    form = SessionForm(
        request.POST or None,
        instance=selectors.session_get(public_id=public_id, user=request.user),
        user=request.user,
    )
    if request.method == "POST" and form.is_valid():
        services.session_update(
            session=session, user=request.user, request=request, **form.cleaned_data
        )
        messages.success(request, "La séance a été modifiée.")
        return redirect(session)
    return render(request, "villages/sessions/form.html", {"form": form, "session": session})


@require_http_methods(["GET", "POST"])
@object_permission_required("villages.delete_session")
def session_delete_view(request, public_id):
    session = selectors.session_get(public_id=public_id, user=request.user)
    if request.method == "POST":
        label = str(session)
        services.session_delete(session=session, user=request.user, request=request)
        messages.success(request, f"La séance « {label} » a été supprimée.")
        return redirect("villages:session_week")
    return render(request, "villages/sessions/confirm_delete.html", {"session": session})


# Sessions: registrations -------------------------------------------------------------------


def _registration_groups(session):
    registrations = list(selectors.session_registrations(session=session))
    return {
        "registered": [r for r in registrations if r.status == RegistrationStatus.INSCRIT],
        "waiting": [r for r in registrations if r.status == RegistrationStatus.LISTE_ATTENTE],
        "cancelled": [r for r in registrations if r.status == RegistrationStatus.ANNULE],
    }


@require_GET
@object_permission_required("villages.view_registration")
def session_detail(request, public_id):
    session = selectors.session_get(public_id=public_id, user=request.user)
    query = bounds.clean_query(request.GET.get("q"))
    context = {
        "session": session,
        **_registration_groups(session),
        "q": query,
        "results": _search(request, session, query),
        "mode": "inscription",
        "person_form": MinimalPersonForm(user=request.user, session_site=session.site),
        "can_manage": perms.can_manage_sessions(request.user),
        "can_register": perms.can_register(request.user),
        "can_checkin": perms.can_checkin(request.user),
    }
    return render(request, "villages/sessions/detail.html", context)


def _search(request, session, query):
    if not person_search_typed_enough(request.user, query):
        return None
    return selectors.persons_for_registration(user=request.user, query=query, session=session)


@require_GET
@object_permission_required("ceis.view_person")
def session_person_search(request, public_id):
    """Search-as-you-type results of the registration and walk-in boxes (htmx fragment)."""
    mode = "sur_place" if request.GET.get("mode") == "sur_place" else "inscription"
    allowed = perms.can_checkin if mode == "sur_place" else perms.can_register
    if not allowed(request.user):
        refuse_object(request)
    session = selectors.session_get(public_id=public_id, user=request.user)
    query = bounds.clean_query(request.GET.get("q"))
    context = {
        "session": session,
        "results": _search(request, session, query),
        "q": query,
        "mode": mode,
    }
    return render(request, "villages/sessions/_person_results.html", context)


def _chosen_or_new_person(request, session, action_name):
    """The person chosen in a list (`person` = UUID) or created from the minimal form.

    Returns (person or None, the form or None, the flow whose context shows the duplicates)."""
    action = reverse(action_name, args=[session.public_id])
    creation = PersonCreation(
        request,
        hint="choisissez-la dans la liste",
        choose_label="Choisir cette personne",
        choose_url=lambda _match: action,
        choose_by_post=True,
    )
    public_id = request.POST.get("person")
    if public_id:
        return person_get(public_id=public_id, user=request.user), None, creation
    if not request.user.has_perm("ceis.add_person"):
        refuse_object(request)
    form = MinimalPersonForm(request.POST, user=request.user, session_site=session.site)
    return creation.create(form), form, creation


@require_POST
@object_permission_required("villages.add_registration")
@single_submission
def session_register(request, public_id):
    """Register an existing person (`person` = UUID) or a new one (the minimal form)."""
    session = selectors.session_get(public_id=public_id, user=request.user)
    with transaction.atomic():
        person, form, creation = _chosen_or_new_person(
            request, session, "villages:session_register"
        )
        if person is not None:
            try:
                registration = services.registration_create(
                    session=session, person=person, user=request.user, request=request
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
                return redirect(session)
            if registration.status == RegistrationStatus.INSCRIT:
                messages.success(request, f"{person} est inscrit·e à la séance.")
            else:
                messages.warning(
                    request, f"La séance est complète : {person} est sur la liste d'attente."
                )
            return redirect(session)
    messages.error(request, FORM_ERROR)
    context = {
        "session": selectors.session_get(public_id=public_id, user=request.user),
        **_registration_groups(session),
        "person_form": form,
        **creation.context(),
        "mode": "inscription",
        "can_manage": perms.can_manage_sessions(request.user),
        "can_register": True,
        "can_checkin": perms.can_checkin(request.user),
    }
    return render(request, "villages/sessions/detail.html", context, status=200)


@require_http_methods(["GET", "POST"])
@object_permission_required("villages.change_registration")
def registration_cancel_view(request, public_id):
    registration = selectors.registration_get(public_id=public_id, user=request.user)
    session = registration.session
    if request.method == "POST":
        promoted = services.registration_cancel(
            registration=registration, user=request.user, request=request
        )
        text = f"L'inscription de {registration.person} est annulée."
        if promoted:
            text += f" {promoted.person} passe de la liste d'attente à la séance" + _promotion_told(
                promoted
            )
        messages.success(request, text)
        return redirect(session)
    return render(
        request, "villages/registrations/confirm_cancel.html", {"registration": registration}
    )


def _promotion_told(registration) -> str:
    """How the person promoted hears of it: the automatic messages they consented to, and the
    number to call (issue #19: the screen of the promotion gives it)."""
    channels = channels_told(
        about_kind="registration",
        about_id=registration.pk,
        template=TemplateCode.WAITLIST_PROMOTION,
    )
    told = {
        (Channel.SMS,): "un SMS lui est envoyé",
        (Channel.EMAIL,): "un e-mail lui est envoyé",
        (Channel.EMAIL, Channel.SMS): "un SMS et un e-mail lui sont envoyés",
    }.get(tuple(sorted(channels)), "")
    phone = registration.person.phone
    if told and phone:
        return f" : {told} ; pour l'appeler, {phone}."
    if told:
        return f" : {told}."
    if phone:
        return f" : aucun message automatique (pas de consentement), appelez-la·le au {phone}."
    return " : aucun message automatique ni numéro de téléphone, prévenez-la·le autrement."


# Check-in ----------------------------------------------------------------------------------


def _checkin_rows(session):
    return [
        r
        for r in selectors.session_registrations(session=session)
        if r.status != RegistrationStatus.ANNULE
    ]


def _checkin_counts(rows) -> dict:
    """`selectors.checkin_counts` from the rows already read."""
    return {"expected": len(rows), "present": sum(row.is_present for row in rows)}


@require_GET
@object_permission_required("villages.checkin_registration")
def session_checkin(request, public_id):
    session = selectors.session_get(public_id=public_id, user=request.user)
    query = bounds.clean_query(request.GET.get("q"))
    rows = _checkin_rows(session)
    context = {
        "session": session,
        "rows": rows,
        "counts": _checkin_counts(rows),
        "q": query,
        "results": _search(request, session, query),
        "mode": "sur_place",
        "person_form": MinimalPersonForm(user=request.user, session_site=session.site),
    }
    return render(request, "villages/sessions/checkin.html", context)


@require_POST
@object_permission_required("villages.checkin_registration")
def registration_attendance(request, public_id):
    """One tap: the button posts the state to set. htmx gets the row back, others the page."""
    registration = selectors.registration_get(public_id=public_id, user=request.user)
    value = request.POST.get("attendance", "")
    if value not in Attendance.values:
        value = ""
    services.registration_set_attendance(
        registration=registration, attendance=value, user=request.user, request=request
    )
    if request.htmx:
        registration.refresh_from_db()
        # The row, and the counter of people present (swapped out of band).
        context = {
            "registration": registration,
            "counts": selectors.checkin_counts(session=registration.session),
            "oob": True,
        }
        return render(request, "villages/sessions/_checkin_row.html", context)
    label = "présent·e" if value == Attendance.PRESENT else "absent·e"
    messages.success(request, f"{registration.person} : {label}.")
    return redirect("villages:session_checkin", public_id=registration.session.public_id)


@require_http_methods(["GET", "POST"])
@object_permission_required("villages.checkin_registration")
def session_anonymous(request, public_id):
    """The people who came without giving their name, by age band and sex: one grid, one save.
    Saving again replaces the numbers (a correction, not an addition)."""
    session = selectors.session_get(public_id=public_id, user=request.user)
    # Bound on every POST: all boxes empty is a valid answer (nobody), not an unsent form.
    data = request.POST if request.method == "POST" else None
    form = AnonymousAttendeesForm(data, session=session)
    if request.method == "POST":
        if form.is_valid():
            rows = services.session_set_anonymous(
                session=session, counts=form.counts(), user=request.user, request=request
            )
            total = sum(row.count for row in rows)
            if total:
                noun = "participant anonyme" if total == 1 else "participants anonymes"
                messages.success(request, f"{total} {noun} enregistré{'s' if total > 1 else ''}.")
            else:
                messages.success(request, "Aucun participant anonyme pour cette séance.")
            return redirect("villages:session_checkin", public_id=session.public_id)
        messages.error(request, FORM_ERROR)
    return render(request, "villages/sessions/anonymous.html", {"session": session, "form": form})


@require_POST
@object_permission_required("villages.checkin_registration")
@single_submission
def session_walk_in(request, public_id):
    session = selectors.session_get(public_id=public_id, user=request.user)
    with transaction.atomic():
        person, form, creation = _chosen_or_new_person(request, session, "villages:session_walk_in")
        if person is not None:
            services.registration_walk_in(
                session=session, person=person, user=request.user, request=request
            )
            messages.success(request, f"{person} est ajouté·e et marqué·e présent·e.")
            return redirect("villages:session_checkin", public_id=session.public_id)
    messages.error(request, FORM_ERROR)
    rows = _checkin_rows(session)
    context = {
        "session": session,
        "rows": rows,
        "counts": _checkin_counts(rows),
        "mode": "sur_place",
        "person_form": form,
        **creation.context(),
    }
    return render(request, "villages/sessions/checkin.html", context)
