"""Individual help: list, log, edit, delete."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from ceis import bounds
from ceis.choices import JournalAction
from ceis.decorators import object_permission_required
from ceis.pagination import paginate
from ceis.perms import person_search_typed_enough
from ceis.selectors import person_get
from ceis.services import journal_record
from ceis.submissions import single_submission

from .. import perms, selectors, services
from ..filters import HelpFilter
from ..forms import (
    HelpForm,
)
from ._common import FORM_ERROR

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
        if request.GET.get("date"):  # an honoured appointment: the help is dated its day
            initial["date"] = bounds.parse_date(request.GET["date"], timezone.localdate())
        form = HelpForm(user=request.user, initial=initial)
    return render(request, "villages/helps/form.html", _help_form_context(request, form))


@require_GET
@permission_required("ceis.view_person", raise_exception=True)
def help_person_search(request):
    """Person radios of the help form and the visit counter (htmx fragment); with
    `?liens=1`, links that open the help form for each person (the home's help box)."""
    query = bounds.clean_query(request.GET.get("q"))
    results = (
        selectors.persons_for_registration(user=request.user, query=query)
        if person_search_typed_enough(request.user, query)
        else None
    )
    template = (
        "villages/helps/_person_links.html"
        if request.GET.get("liens")
        else "villages/helps/_person_choices.html"
    )
    return render(request, template, {"results": results, "q": query})


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
