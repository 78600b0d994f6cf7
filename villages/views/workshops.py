"""Workshops: the catalogue, and adding or editing one."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from ceis.decorators import object_permission_required
from ceis.pagination import paginate
from ceis.submissions import single_submission

from .. import perms, selectors, services
from ..filters import WorkshopFilter
from ..forms import (
    WorkshopForm,
)

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
