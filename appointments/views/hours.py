"""An agent's opening hours and absences."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from .. import perms, selectors, services
from ..forms import AbsenceForm, OpeningHoursForm
from ..models import Absence, OpeningHours
from ._common import _add_errors

# Opening hours and absences -------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@permission_required("appointments.change_openinghours", raise_exception=True)
def hours(request):
    user = request.user
    hours_form = OpeningHoursForm(user=user)
    absence_form = AbsenceForm()
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "supprimer_horaire":
            row = OpeningHours.objects.filter(agent=user, pk=_int(request.POST.get("id"))).first()
            if row is None:
                raise Http404("Horaire introuvable.")
            services.opening_hours_delete(user=user, hours=row, request=request)
            messages.success(request, "Horaire supprimé.")
            return redirect("appointments:hours")
        if action == "supprimer_absence":
            row = Absence.objects.filter(agent=user, pk=_int(request.POST.get("id"))).first()
            if row is None:
                raise Http404("Absence introuvable.")
            services.absence_delete(user=user, absence=row, request=request)
            messages.success(request, "Absence supprimée.")
            return redirect("appointments:hours")
        if action == "absence":
            absence_form = AbsenceForm(request.POST)
            if absence_form.is_valid():
                start, end = absence_form.bounds()
                try:
                    services.absence_add(
                        user=user,
                        agent=user,
                        start=start,
                        end=end,
                        reason=absence_form.cleaned_data["reason"],
                        request=request,
                    )
                except ValidationError as error:
                    _add_errors(absence_form, error)
                else:
                    messages.success(request, "Absence enregistrée.")
                    return redirect("appointments:hours")
        else:
            hours_form = OpeningHoursForm(request.POST, user=user)
            if hours_form.is_valid():
                try:
                    services.opening_hours_add(
                        user=user, agent=user, request=request, **hours_form.cleaned_data
                    )
                except ValidationError as error:
                    _add_errors(hours_form, error)
                else:
                    messages.success(request, "Horaire ajouté.")
                    return redirect("appointments:hours")
        messages.error(request, "Rien n'est enregistré : corrigez les champs signalés.")
    context = {
        "hours_form": hours_form,
        "absence_form": absence_form,
        "hours": selectors.hours_of(user),
        "absences": selectors.absences_of(user),
        "is_agent": perms.is_agent(user),
    }
    return render(request, "appointments/hours.html", context)


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0
