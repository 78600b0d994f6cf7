"""The partner directory of the user's sites: list, create, edit, delete (refused if used)."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from ceis.decorators import object_permission_required
from ceis.pagination import paginate
from ceis.submissions import single_submission

from .. import perms, selectors, services
from ..filters import PartnerFilter
from ..forms import PartnerForm

FORM_ERROR = "Le partenaire n'est pas enregistré : corrigez les champs signalés."


def _add_errors(form, error: ValidationError):
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            for message in errors:
                form.add_error(field if field in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


@require_GET
@permission_required("coordination.view_partner", raise_exception=True)
def partner_list(request):
    user = request.user
    partner_filter = PartnerFilter(
        request.GET, queryset=selectors.partner_list(user=user), user=user
    )
    context = {
        "filter": partner_filter,
        "page": paginate(request, partner_filter.qs),
        "can_edit": perms.can_edit_partners(user),
        "several_sites": len(user.site_list) > 1,
    }
    return render(request, "coordination/partners/list.html", context)


@require_http_methods(["GET", "POST"])
@permission_required("coordination.add_partner", raise_exception=True)
@single_submission
def partner_create(request):
    user = request.user
    form = PartnerForm(request.POST or None, user=user)
    if request.method == "POST":
        if form.is_valid():
            try:
                partner = services.partner_create(user=user, request=request, **form.cleaned_data)
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, f"Le partenaire « {partner} » est ajouté à l'annuaire.")
                return redirect("coordination:partner_list")
        messages.error(request, FORM_ERROR)
    return render(request, "coordination/partners/form.html", {"form": form, "creating": True})


@require_http_methods(["GET", "POST"])
@object_permission_required("coordination.change_partner")
def partner_update(request, public_id):
    user = request.user
    partner = selectors.partner_get(public_id=public_id, user=user)
    form = PartnerForm(
        request.POST or None,
        instance=selectors.partner_get(public_id=public_id, user=user),
        user=user,
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                services.partner_update(
                    user=user, partner=partner, request=request, **form.cleaned_data
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, f"Le partenaire « {partner} » est modifié.")
                return redirect("coordination:partner_list")
        messages.error(request, FORM_ERROR)
    return render(
        request,
        "coordination/partners/form.html",
        {"form": form, "partner": partner, "can_delete": perms.can_edit_partners(user)},
    )


@require_http_methods(["GET", "POST"])
@object_permission_required("coordination.delete_partner")
def partner_delete(request, public_id):
    """A confirmation first (GET), then the deletion (POST), refused when an orientation names
    the partner."""
    partner = selectors.partner_get(public_id=public_id, user=request.user)
    refusal = ""
    if request.method == "POST":
        try:
            services.partner_delete(user=request.user, partner=partner, request=request)
        except ValidationError as error:
            refusal = " ".join(error.messages)
            messages.error(request, refusal)
        else:
            messages.success(request, f"Le partenaire « {partner} » est supprimé de l'annuaire.")
            return redirect("coordination:partner_list")
    return render(
        request,
        "coordination/partners/delete.html",
        {"partner": partner, "refusal": refusal},
    )
