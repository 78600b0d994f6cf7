"""Views of the shared core: home, persons, journal, health check and error pages."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, permission_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import ProtectedError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from . import bounds, perms
from .celery import publishing_connection
from .choices import JournalAction, Role
from .decorators import object_permission_required, refuse_object
from .filters import PersonFilter
from .forms import PersonForm
from .merge import merged_refs
from .models import JournalEntry
from .navigation import home_panels, home_view, home_views, person_panels, programme_files
from .pagination import paginate
from .person_flow import PersonCreation
from .rights import person_export
from .selectors import (
    person_duplicates,
    person_get,
    person_search,
    person_search_first,
    persons_visible_to,
    search_sorted_up_to,
)
from .services import journal_record, person_delete, person_update
from .submissions import single_submission

# The homes that show the persons box (search, new person, my latest files).
_PERSON_BOX_VIEWS = (Role.ADMIN, Role.TRAVAILLEUR_SOCIAL, Role.MEDIATEUR_NUMERIQUE)


@require_GET
def home(request):
    """Each role's home shows that role's work; a user with several roles (an admin: all of
    them) chooses the view with `?vue=<role>`, kept in the session."""
    user = request.user
    view = home_view(user, request.session, request.GET.get("vue"))
    views = home_views(user)
    context = {
        "today": timezone.localdate(),
        "view": view,
        "views": [(code, Role(code).label) for code in views] if len(views) > 1 else [],
        "panels": home_panels(user, view),
    }
    if view in _PERSON_BOX_VIEWS and perms.can_view_person_file(user):
        context["person_box"] = True
        context["my_recent_persons"] = (
            persons_visible_to(user).filter(created_by=user).order_by("-created_at")[:5]
        )
    if view == Role.ADMIN and perms.can_view_journal(user):
        context["recent_journal"] = JournalEntry.objects.select_related("user")[:8]
    return render(request, "ceis/home.html", context)


@require_GET
@permission_required("ceis.view_person", raise_exception=True)
def person_list(request):
    if not perms.can_view_person_file(request.user):
        raise PermissionDenied  # no directory of persons for volunteers (security.md row 18)
    person_filter = PersonFilter(
        request.GET, queryset=persons_visible_to(request.user), user=request.user
    )
    query = person_filter.form.cleaned_data.get("q") if person_filter.form.is_valid() else ""
    page = paginate(
        request,
        person_filter.qs,
        sort_kept_up_to=search_sorted_up_to(query),
    )
    context = {"filter": person_filter, "page": page, "show_site": len(request.user.site_list) > 1}
    template = "ceis/persons/_table.html" if request.htmx else "ceis/persons/list.html"
    return render(request, template, context)


@require_GET
@permission_required("ceis.view_person", raise_exception=True)
def person_quick_search(request):
    """The header's search-as-you-type: at most 8 results that tell namesakes apart."""
    query = bounds.clean_query(request.GET.get("q"))
    user = request.user
    results = None  # nothing typed enough: no list at all
    files = {}
    if perms.person_search_typed_enough(user, query):
        names_only = not perms.can_view_person_file(user)
        results = person_search_first(
            person_search(persons_visible_to(user), query, names_only=names_only), query, 8
        )
        # Each result opens the page where the user's role works on the person (the
        # participant's page, the Vill@ges file); the identity file stays one click away.
        files = programme_files(user, home_view(user, request.session), results)
    for person in results or ():
        person.programme_file_url = files.get(person.pk)
    return render(request, "ceis/persons/_quick_results.html", {"results": results, "q": query})


@require_GET
@object_permission_required("ceis.view_person")
def person_detail(request, public_id):
    if not perms.can_view_person_file(request.user):
        refuse_object(request)  # volunteers have no person file (security.md row 18)
    person = person_get(public_id=public_id, user=request.user)
    journal_record(action=JournalAction.VIEW, user=request.user, obj=person, request=request)
    context = {
        "person": person,
        "can_change": perms.can_change_person(request.user),
        "can_delete": perms.can_delete_person(request.user),
        "can_export": perms.can_export_person(request.user),
        "can_merge": perms.can_merge_persons(request.user),
        "panels": person_panels(request.user, person),
    }
    if context["can_merge"]:
        # The duplicate warning of the file: the records that may be the same human being.
        context["duplicates"] = person_duplicates(
            user=request.user,
            last_name=person.last_name,
            first_name=person.first_name,
            birth_date=person.birth_date,
            birth_year=person.birth_year,
            exclude_pk=person.pk,
        )
    if perms.can_view_journal(request.user):
        # With the entries about the records merged into this one (ceis.merge).
        context["journal"] = JournalEntry.objects.filter(
            object_type="ceis.person",
            object_ref__in=[str(person.public_id), *merged_refs(person)],
        ).select_related("user")[:20]
    return render(request, "ceis/persons/detail.html", context)


def _person_fields(form):
    return {
        name: value for name, value in form.cleaned_data.items() if name in PersonForm.Meta.fields
    }


@require_http_methods(["GET", "POST"])
@permission_required("ceis.add_person", raise_exception=True)
@single_submission
def person_create_view(request):
    user = request.user
    if not perms.can_view_person_file(user):
        # The full form is the person's file; volunteers add a person at a session's check-in.
        raise PermissionDenied
    creation = PersonCreation(
        request,
        hint="ouvrez sa fiche",
        choose_label="ouvrir sa fiche",
        choose_url=lambda match: match.get_absolute_url(),
    )
    if request.method == "POST":
        form = PersonForm(request.POST, user=user, ask_duplicate=True)
        person = creation.create(form)
        if person is not None:
            messages.success(request, f"{person} a été créé·e.")
            return redirect(person)
    else:
        form = PersonForm(user=user, initial=_initial_from_query(request))
    return render(
        request, "ceis/persons/form.html", {"form": form, **creation.context(), "creating": True}
    )


def _initial_from_query(request):
    """Prefill the new-person form from a search that found nobody (name typed in the search)."""
    query = bounds.clean_query(request.GET.get("q"))
    parts = query.split(maxsplit=1)
    if len(parts) == 2 and not any(c.isdigit() for c in query):
        return {"last_name": parts[0], "first_name": parts[1]}
    return {}


@require_http_methods(["GET", "POST"])
@object_permission_required("ceis.change_person")
def person_update_view(request, public_id):
    person = person_get(public_id=public_id, user=request.user)
    if request.method == "POST":
        form = PersonForm(request.POST, instance=person, user=request.user)
        if form.is_valid():
            # The form has already written the cleaned values onto the instance; compare with
            # a fresh copy so that the journal lists the fields that really changed.
            fresh = person_get(public_id=public_id, user=request.user)
            person_update(person=fresh, user=request.user, request=request, **_person_fields(form))
            messages.success(request, "Les modifications ont été enregistrées.")
            return redirect(fresh)
    else:
        form = PersonForm(instance=person, user=request.user)
    return render(
        request, "ceis/persons/form.html", {"form": form, "person": person, "creating": False}
    )


@require_http_methods(["GET", "POST"])
@object_permission_required("ceis.delete_person")
def person_delete_view(request, public_id):
    person = person_get(public_id=public_id, user=request.user)
    if request.method == "POST":
        label = str(person)
        try:
            person_delete(person=person, user=request.user, request=request)
        except ProtectedError:
            messages.error(
                request,
                f"La fiche de {label} ne peut pas être supprimée : elle a un parcours enregistré "
                "(inscriptions, présences…). Son anonymisation relève de la procédure de "
                "conservation des données.",
            )
            return redirect(person)
        messages.success(request, f"La fiche de {label} a été supprimée.")
        return redirect("persons:list")
    return render(request, "ceis/persons/confirm_delete.html", {"person": person})


@require_GET
@object_permission_required("ceis.view_person")
def person_export_view(request, public_id):
    """Everything about one person, as one JSON document (right of access, admins only)."""
    if not perms.can_export_person(request.user):
        refuse_object(request)
    person = person_get(public_id=public_id, user=request.user)
    export = person_export(person)
    journal_record(action=JournalAction.EXPORT, user=request.user, obj=person, request=request)
    response = HttpResponse(
        json.dumps(export, ensure_ascii=False, indent=2), content_type="application/json"
    )
    name = f"droit-d-acces-{person.public_id}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
@permission_required("ceis.view_journalentry", raise_exception=True)
def journal(request):
    entries = JournalEntry.objects.select_related("user")
    action = request.GET.get("action")
    if action in JournalAction.values:
        entries = entries.filter(action=action)
    username = bounds.clean_query(request.GET.get("utilisateur"))  # NUL: a 500 on PostgreSQL
    if username:
        entries = entries.filter(username__icontains=username)
    return render(
        request,
        "ceis/journal.html",
        {"page": paginate(request, entries, 50), "actions": JournalAction.choices},
    )


@login_not_required
@require_GET
def healthz(request):
    """Database and broker status for monitors: ok/ko only, no details."""
    status = {"database": "ok", "broker": "ok"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        status["database"] = "ko"
    try:
        # Short timeouts: a hanging broker is reported "ko" in under a second (row 25).
        with publishing_connection() as conn:
            conn.ensure_connection(max_retries=0)
    except Exception:
        status["broker"] = "ko"
    healthy = all(value == "ok" for value in status.values())
    return JsonResponse(status, status=200 if healthy else 503)


@login_not_required
def error_403(request, exception=None):
    journal_record(
        action=JournalAction.ACCESS_REFUSED,
        user=getattr(request, "user", None),
        object_type="url",
        object_ref=request.path[:100],
        request=request,
    )
    return render(request, "403.html", status=403)


@login_not_required
def error_404(request, exception=None):
    return render(request, "404.html", status=404)


@login_not_required
def error_500(request):
    return render(request, "500.html", status=500)
