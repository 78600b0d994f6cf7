"""Views of Vill@ges connectés: parse input, call a selector or a service, render.

Permissions: `permission_required` on lists and forms (→ French 403), `object_permission_required`
on the pages of one object (→ 404, like another site's object); both journalled. Sites: selectors.
"""

import calendar
import datetime
from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ceis import bounds
from ceis.choices import JournalAction
from ceis.decorators import object_permission_required, refuse_object
from ceis.pagination import paginate
from ceis.perms import person_search_typed_enough
from ceis.selectors import person_duplicates, person_get
from ceis.services import journal_record, person_create
from ceis.submissions import single_submission

from . import perms, selectors, services
from .assessment import MEANINGS, QUESTIONS
from .choices import Attendance, RegistrationStatus, SkillDomain, SkillLevel
from .filters import HelpFilter, PastSessionFilter, WorkshopFilter
from .forms import (
    AssessmentForm,
    HelpForm,
    MinimalPersonForm,
    SessionCreateForm,
    SessionForm,
    VisitForm,
    WorkshopForm,
)

FORM_ERROR = (
    "Le formulaire contient des erreurs : elles sont indiquées sous chaque champ. "
    "Rien de ce que vous avez saisi n'est perdu."
)


def _parse_date(value, default):
    # Within the bounds of every date: `?semaine=0001-01-01` was a 500.
    return bounds.parse_date(value, default)


def _add_validation_errors(form, error: ValidationError):
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


# Workshops ---------------------------------------------------------------------------------


@require_GET
@permission_required("villages.view_workshop", raise_exception=True)
def workshop_list(request):
    workshop_filter = WorkshopFilter(request.GET, queryset=selectors.workshop_list())
    context = {
        "filter": workshop_filter,
        "page": paginate(request, workshop_filter.qs),
        "can_manage": perms.can_manage_workshops(request.user),
    }
    return render(request, "villages/workshops/list.html", context)


@require_http_methods(["GET", "POST"])
@permission_required("villages.add_workshop", raise_exception=True)
@single_submission
def workshop_create_view(request):
    form = WorkshopForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        workshop = services.workshop_create(user=request.user, request=request, **form.cleaned_data)
        messages.success(request, f"L'atelier « {workshop} » a été ajouté au catalogue.")
        return redirect("villages:workshop_list")
    return render(request, "villages/workshops/form.html", {"form": form, "creating": True})


@require_http_methods(["GET", "POST"])
@object_permission_required("villages.change_workshop")
def workshop_update_view(request, public_id):
    workshop = selectors.workshop_get(public_id=public_id)
    form = WorkshopForm(request.POST or None, instance=selectors.workshop_get(public_id=public_id))
    if request.method == "POST" and form.is_valid():
        services.workshop_update(
            workshop=workshop, user=request.user, request=request, **form.cleaned_data
        )
        messages.success(request, "Les modifications de l'atelier ont été enregistrées.")
        return redirect("villages:workshop_list")
    return render(request, "villages/workshops/form.html", {"form": form, "workshop": workshop})


# Sessions: calendar ------------------------------------------------------------------------


def _by_day(sessions):
    return [
        (day, list(items))
        for day, items in groupby(sessions, key=lambda s: timezone.localtime(s.start).date())
    ]


# A user of more sites than this (an administrator of a metropolis) sees one site's calendar
# by default: every site's sessions of a month would be a page of megabytes.
CALENDAR_ALL_SITES_MAX = 5
ALL_SITES = "tous"


def _calendar_site(request):
    """The site the week or month shows (`?site=<id>` or `?site=tous`), or None for all."""
    sites = request.user.site_list
    if len(sites) <= 1:
        return None
    wanted = request.GET.get("site", "")
    if wanted == ALL_SITES:
        return None
    for site in sites:
        if str(site.pk) == wanted:
            return site
    return sites[0] if len(sites) > CALENDAR_ALL_SITES_MAX else None


def _calendar_context(request, site=None):
    sites = request.user.site_list
    return {
        "can_manage": perms.can_manage_sessions(request.user),
        "can_view_registrations": perms.can_view_registrations(request.user),
        "can_checkin": perms.can_checkin(request.user),
        "today": timezone.localdate(),
        "site_choices": sites if len(sites) > 1 else [],
        "site": site,
        "site_query": f"&site={site.pk if site else ALL_SITES}" if len(sites) > 1 else "",
    }


@require_GET
@permission_required("villages.view_session", raise_exception=True)
def session_week(request):
    today = timezone.localdate()
    day = _parse_date(request.GET.get("semaine"), today)
    monday = day - datetime.timedelta(days=day.weekday())
    sunday = monday + datetime.timedelta(days=6)
    site = _calendar_site(request)
    sessions = list(
        selectors.sessions_between(
            user=request.user, start=monday, end=monday + datetime.timedelta(days=7), site=site
        )
    )
    context = {
        **_calendar_context(request, site),
        "days": _by_day(sessions),
        "count": len(sessions),
        "monday": monday,
        "sunday": sunday,
        "previous": monday - datetime.timedelta(days=7),
        "next": monday + datetime.timedelta(days=7),
    }
    return render(request, "villages/sessions/week.html", context)


@require_GET
@permission_required("villages.view_session", raise_exception=True)
def session_month(request):
    today = timezone.localdate()
    first = bounds.parse_month(request.GET.get("mois"), today)
    last_day = calendar.monthrange(first.year, first.month)[1]
    after = first + datetime.timedelta(days=last_day)
    site = _calendar_site(request)
    sessions = list(
        selectors.sessions_between(user=request.user, start=first, end=after, site=site)
    )
    context = {
        **_calendar_context(request, site),
        "days": _by_day(sessions),
        "count": len(sessions),
        "first": first,
        "previous": (first - datetime.timedelta(days=1)).replace(day=1),
        "next": after,
    }
    return render(request, "villages/sessions/month.html", context)


@require_GET
@permission_required("villages.view_session", raise_exception=True)
def session_past(request):
    session_filter = PastSessionFilter(
        request.GET, queryset=selectors.past_sessions(user=request.user), user=request.user
    )
    context = {
        **_calendar_context(request),
        "filter": session_filter,
        "page": paginate(request, session_filter.qs),
        "show_site": len(request.user.site_list) > 1,
    }
    return render(request, "villages/sessions/past.html", context)


# Sessions: create, edit, delete ------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@permission_required("villages.add_session", raise_exception=True)
@single_submission
def session_create_view(request):
    initial = {"time": datetime.time(14, 0), "date": timezone.localdate()}
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
            _add_validation_errors(form, error)
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


def _new_person(request, session):
    """Create the minimal person of the form, or return the form with the duplicate warning."""
    form = MinimalPersonForm(request.POST, user=request.user, session_site=session.site)
    if not form.is_valid():
        return None, form, []
    data = form.cleaned_data
    duplicates = person_duplicates(
        user=request.user,
        last_name=data["last_name"],
        first_name=data["first_name"],
        birth_date=data.get("birth_date"),
        birth_year=data.get("birth_year"),
    )
    if duplicates and not data.get("confirm_not_duplicate"):
        form.add_error(
            "confirm_not_duplicate",
            "Une personne semblable existe déjà : choisissez-la dans la liste, ou cochez cette "
            "case si c'est bien quelqu'un d'autre.",
        )
        return None, form, duplicates
    try:
        person = person_create(user=request.user, request=request, **form.person_fields())
    except ValidationError as error:
        _add_validation_errors(form, error)
        return None, form, []
    return person, form, []


def _person_from_post(request):
    public_id = request.POST.get("person")
    return person_get(public_id=public_id, user=request.user) if public_id else None


@require_POST
@object_permission_required("villages.add_registration")
@single_submission
def session_register(request, public_id):
    """Register an existing person (`person` = UUID) or a new one (the minimal form)."""
    session = selectors.session_get(public_id=public_id, user=request.user)
    with transaction.atomic():
        person = _person_from_post(request)
        duplicates, form = [], None
        if person is None:
            if not request.user.has_perm("ceis.add_person"):
                refuse_object(request)
            person, form, duplicates = _new_person(request, session)
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
        "duplicates": duplicates,
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
            text += f" {promoted.person} passe de la liste d'attente à la séance."
        messages.success(request, text)
        return redirect(session)
    return render(
        request, "villages/registrations/confirm_cancel.html", {"registration": registration}
    )


# Check-in ----------------------------------------------------------------------------------


def _checkin_rows(session):
    return [
        r
        for r in selectors.session_registrations(session=session)
        if r.status != RegistrationStatus.ANNULE
    ]


@require_GET
@object_permission_required("villages.checkin_registration")
def session_checkin(request, public_id):
    session = selectors.session_get(public_id=public_id, user=request.user)
    query = bounds.clean_query(request.GET.get("q"))
    context = {
        "session": session,
        "rows": _checkin_rows(session),
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
        return render(
            request, "villages/sessions/_checkin_row.html", {"registration": registration}
        )
    label = "présent·e" if value == Attendance.PRESENT else "absent·e"
    messages.success(request, f"{registration.person} : {label}.")
    return redirect("villages:session_checkin", public_id=registration.session.public_id)


@require_POST
@object_permission_required("villages.checkin_registration")
@single_submission
def session_walk_in(request, public_id):
    session = selectors.session_get(public_id=public_id, user=request.user)
    with transaction.atomic():
        person = _person_from_post(request)
        duplicates, form = [], None
        if person is None:
            if not request.user.has_perm("ceis.add_person"):
                refuse_object(request)
            person, form, duplicates = _new_person(request, session)
        if person is not None:
            services.registration_walk_in(
                session=session, person=person, user=request.user, request=request
            )
            messages.success(request, f"{person} est ajouté·e et marqué·e présent·e.")
            return redirect("villages:session_checkin", public_id=session.public_id)
    messages.error(request, FORM_ERROR)
    context = {
        "session": session,
        "rows": _checkin_rows(session),
        "mode": "sur_place",
        "person_form": form,
        "duplicates": duplicates,
    }
    return render(request, "villages/sessions/checkin.html", context)


# Individual help ---------------------------------------------------------------------------


@require_GET
@permission_required("villages.view_individualhelp", raise_exception=True)
def help_list(request):
    help_filter = HelpFilter(
        request.GET, queryset=selectors.helps_visible_to(request.user), user=request.user
    )
    context = {
        "filter": help_filter,
        "page": paginate(request, help_filter.qs),
        "show_site": len(request.user.site_list) > 1,
        "can_log_help": perms.can_log_help(request.user),
    }
    template = "villages/helps/_table.html" if request.htmx else "villages/helps/list.html"
    return render(request, template, context)


def _help_form_context(request, form, *, individual_help=None):
    query = bounds.clean_query(request.GET.get("q"))
    chosen = None
    person_value = form["person"].value()
    if person_value:
        try:
            chosen = person_get(public_id=person_value, user=request.user)
        except (Http404, ValidationError):
            chosen = None  # the form reports the invalid choice
    return {
        "form": form,
        "chosen": chosen,
        "results": selectors.persons_for_registration(user=request.user, query=query)
        if len(query) >= 2
        else None,
        "q": query,
        "help": individual_help,
    }


@require_http_methods(["GET", "POST"])
@permission_required("villages.add_individualhelp", raise_exception=True)
@single_submission
def help_create_view(request):
    if request.method == "POST":
        form = HelpForm(request.POST, user=request.user)
        if form.is_valid():
            individual_help = services.help_create(
                user=request.user, request=request, **form.cleaned_data
            )
            messages.success(request, f"Accompagnement de {individual_help.person} enregistré.")
            if request.POST.get("next") == "encore":
                return redirect("villages:help_create")
            return redirect(individual_help.person.get_absolute_url())
        messages.error(request, FORM_ERROR)
    else:
        initial = selectors.help_defaults(user=request.user)
        person_id = request.GET.get("personne")
        if person_id:
            initial["person"] = person_get(public_id=person_id, user=request.user).public_id
        form = HelpForm(user=request.user, initial=initial)
    return render(request, "villages/helps/form.html", _help_form_context(request, form))


@require_GET
@permission_required("ceis.view_person", raise_exception=True)
def help_person_search(request):
    """Person radios of the help form and the visit counter (htmx fragment)."""
    query = bounds.clean_query(request.GET.get("q"))
    results = (
        selectors.persons_for_registration(user=request.user, query=query)
        if person_search_typed_enough(request.user, query)
        else None
    )
    return render(request, "villages/helps/_person_choices.html", {"results": results, "q": query})


@require_GET
@object_permission_required("villages.view_individualhelp")
def help_detail(request, public_id):
    individual_help = selectors.help_get(public_id=public_id, user=request.user)
    journal_record(
        action=JournalAction.VIEW, user=request.user, obj=individual_help, request=request
    )
    return render(
        request,
        "villages/helps/detail.html",
        {
            "help": individual_help,
            "can_change": request.user.has_perm("villages.change_individualhelp"),
            "can_delete": request.user.has_perm("villages.delete_individualhelp"),
        },
    )


@require_http_methods(["GET", "POST"])
@object_permission_required("villages.change_individualhelp")
def help_update_view(request, public_id):
    individual_help = selectors.help_get(public_id=public_id, user=request.user)
    if request.method == "POST":
        form = HelpForm(
            request.POST,
            instance=selectors.help_get(public_id=public_id, user=request.user),
            user=request.user,
        )
        if form.is_valid():
            services.help_update(
                individual_help=individual_help,
                user=request.user,
                request=request,
                **form.cleaned_data,
            )
            messages.success(request, "L'accompagnement a été modifié.")
            return redirect(individual_help)
        messages.error(request, FORM_ERROR)
    else:
        form = HelpForm(
            instance=individual_help,
            user=request.user,
            initial={"person": individual_help.person.public_id},
        )
    return render(
        request,
        "villages/helps/form.html",
        _help_form_context(request, form, individual_help=individual_help),
    )


@require_http_methods(["GET", "POST"])
@object_permission_required("villages.delete_individualhelp")
def help_delete_view(request, public_id):
    individual_help = selectors.help_get(public_id=public_id, user=request.user)
    if request.method == "POST":
        person = individual_help.person
        services.help_delete(individual_help=individual_help, user=request.user, request=request)
        messages.success(request, "L'accompagnement a été supprimé.")
        return redirect(person.get_absolute_url())
    return render(request, "villages/helps/confirm_delete.html", {"help": individual_help})


# Free-access visits ------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@permission_required("villages.add_visit", raise_exception=True)
@single_submission
def visit_counter(request):
    if request.method == "POST":
        form = VisitForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            services.visit_create(
                site=data["site"],
                person=data.get("person"),
                volunteer_help=data["volunteer_help"],
                user=request.user,
                request=request,
            )
            counts = selectors.visit_counts_today(user=request.user)
            total = counts["total"]
            messages.success(
                request,
                f"Visite enregistrée. {total} visite{'s' if total > 1 else ''} aujourd'hui.",
            )
            return redirect("villages:visit_counter")
        messages.error(request, FORM_ERROR)
    else:
        form = VisitForm(user=request.user, initial={"site": _last_visit_site(request.user)})
    query = bounds.clean_query(request.GET.get("q"))
    today = timezone.localdate()
    context = {
        "form": form,
        "counts": selectors.visit_counts_today(user=request.user),
        "recent": selectors.visits_visible_to(request.user).filter(date=today)[:10],
        "q": query,
        "results": selectors.persons_for_registration(user=request.user, query=query)
        if person_search_typed_enough(request.user, query)
        else None,
        "show_site": len(request.user.site_list) > 1,
    }
    return render(request, "villages/visits/counter.html", context)


def _last_visit_site(user):
    last = selectors.visits_visible_to(user).filter(recorded_by=user).first()
    if last:
        return last.site_id
    return user.site_list[0].pk if user.site_list else None


# Assessments -------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@object_permission_required("villages.add_assessment")
@single_submission
def assessment_create_view(request, person_id):
    person = person_get(public_id=person_id, user=request.user)
    if request.method == "POST":
        form = AssessmentForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            assessment = services.assessment_create(
                person=person,
                site=data["site"],
                date=data["date"],
                internet_use_3m=data["internet_use_3m"],
                answers=form.answers(),
                user=request.user,
                request=request,
                **form.equipment_values(),
            )
            messages.success(request, "Le diagnostic est enregistré.")
            return redirect(assessment)
        messages.error(request, FORM_ERROR)
    else:
        initial = {"site": person.site_id} if person.site in request.user.site_list else {}
        form = AssessmentForm(user=request.user, initial=initial)
    return render(request, "villages/assessments/form.html", {"form": form, "person": person})


@require_GET
@object_permission_required("villages.view_assessment")
def assessment_detail(request, public_id):
    assessment = selectors.assessment_get(public_id=public_id, user=request.user)
    journal_record(action=JournalAction.VIEW, user=request.user, obj=assessment, request=request)
    answers = assessment.answers or {}
    domains = [
        {
            "label": SkillDomain(domain).label,
            "score": getattr(assessment, domain),
            "questions": [(text, answers.get(key)) for key, text in QUESTIONS[domain]],
        }
        for domain in SkillDomain.values
    ]
    context = {
        "assessment": assessment,
        "domains": domains,
        "meaning": MEANINGS[SkillLevel(assessment.classification)],
        "has_answers": bool(answers),
    }
    return render(request, "villages/assessments/detail.html", context)


# A person's Vill@ges file ------------------------------------------------------------------


@require_GET
@object_permission_required("villages.view_assessment")
def person_file(request, person_id):
    if not perms.can_view_person_history(request.user):
        refuse_object(request)
    person = person_get(public_id=person_id, user=request.user)
    journal_record(
        action=JournalAction.VIEW,
        user=request.user,
        obj=person,
        request=request,
        payload={"view": "villages"},
    )
    history = selectors.person_history(person=person, user=request.user)
    context = {
        "person": person,
        **history,
        "progress": progress(history["assessments"]),
        "can_log_help": perms.can_log_help(request.user),
        "can_assess": perms.can_assess(request.user),
    }
    return render(request, "villages/persons/detail.html", context)


def progress(assessments) -> dict | None:
    """First and latest classification, and whether it improved (indicators.md order)."""
    if len(assessments) < 2:
        return None
    first, latest = assessments[0], assessments[-1]
    delta = SkillLevel.rank(latest.classification) - SkillLevel.rank(first.classification)
    return {"first": first, "latest": latest, "delta": delta}
