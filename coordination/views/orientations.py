"""Orientations: one screen per record they are made from (a follow-up entry, an individual
help, an exit), the page of one orientation with its status, and the fiche de liaison."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ceis.choices import JournalAction
from ceis.decorators import object_permission_required
from ceis.services import journal_record
from ceis.submissions import single_submission

from .. import perms, selectors, services
from ..choices import OrientationSource, OrientationStatus
from ..forms import OrientationForm, StatusForm
from .partners import _add_errors

FORM_ERROR = "L'orientation n'est pas enregistrée : corrigez les champs signalés."


def _create(request, *, source: str, record, site, default_date, what: str):
    user = request.user
    person = record.person
    partners = selectors.partner_choices(user=user, site=site)
    initial = {"date": default_date}
    if source == OrientationSource.EXIT:
        initial["partner"] = partners.filter(category="france_travail").first()
    form = OrientationForm(request.POST or None, partners=partners, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            try:
                orientation = services.orientation_create(
                    user=user,
                    person=person,
                    source=source,
                    record=record,
                    request=request,
                    **form.cleaned_data,
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(
                    request,
                    f"{person} est orienté·e vers « {orientation.partner} ». "
                    "Imprimez la fiche de liaison pour le partenaire.",
                )
                return redirect(orientation.get_absolute_url())
        messages.error(request, FORM_ERROR)
    context = {
        "form": form,
        "person": person,
        "site": site,
        "what": what,
        "no_partner": not partners.exists(),
        "can_edit_partners": perms.can_edit_partners(user),
    }
    return render(request, "coordination/orientations/form.html", context)


@require_http_methods(["GET", "POST"])
@object_permission_required("coordination.add_orientation")
@single_submission
def orientation_create_from_followup(request, public_id):
    followup = selectors.followup_for_orientation(public_id=public_id, user=request.user)
    cohort = followup.cohort
    return _create(
        request,
        source=OrientationSource.FOLLOWUP,
        record=followup,
        site=cohort.site if cohort else followup.person.site,
        default_date=followup.date,
        what=f"lors du suivi du {followup.date:%d/%m/%Y}",
    )


@require_http_methods(["GET", "POST"])
@object_permission_required("coordination.add_orientation")
@single_submission
def orientation_create_from_help(request, public_id):
    help_ = selectors.help_for_orientation(public_id=public_id, user=request.user)
    return _create(
        request,
        source=OrientationSource.HELP,
        record=help_,
        site=help_.site,
        default_date=help_.date,
        what=f"lors de l'accompagnement du {help_.date:%d/%m/%Y}",
    )


@require_http_methods(["GET", "POST"])
@object_permission_required("coordination.add_orientation")
@single_submission
def orientation_create_from_exit(request, public_id):
    enrollment = selectors.exit_for_orientation(public_id=public_id, user=request.user)
    return _create(
        request,
        source=OrientationSource.EXIT,
        record=enrollment,
        site=enrollment.cohort.site,
        default_date=enrollment.exit_date,
        what=f"à la sortie de la promotion « {enrollment.cohort} »",
    )


@require_GET
@object_permission_required("coordination.view_orientation")
def orientation_detail(request, public_id):
    user = request.user
    orientation = selectors.orientation_get(public_id=public_id, user=user)
    journal_record(action=JournalAction.VIEW, user=user, obj=orientation, request=request)
    form = StatusForm(
        initial={
            "status": _next_status(orientation.status),
            "status_date": timezone.localdate(),
        }
    )
    return render(
        request,
        "coordination/orientations/detail.html",
        {
            "orientation": orientation,
            "status_form": form,
            "can_change": perms.can_change_orientation(user),
        },
    )


def _next_status(status: str) -> str:
    return {
        OrientationStatus.PROPOSEE: OrientationStatus.ACCEPTEE,
        OrientationStatus.ACCEPTEE: OrientationStatus.REALISEE,
    }.get(status, status)


@require_POST
@object_permission_required("coordination.change_orientation")
def orientation_status(request, public_id):
    user = request.user
    orientation = selectors.orientation_get(public_id=public_id, user=user)
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            services.orientation_set_status(
                user=user, orientation=orientation, request=request, **form.cleaned_data
            )
        except ValidationError as error:
            _add_errors(form, error)
            orientation.refresh_from_db()
        else:
            messages.success(
                request,
                f"Orientation vers « {orientation.partner} » : "
                f"{orientation.get_status_display().lower()}.",
            )
            return redirect(orientation.get_absolute_url())
    messages.error(request, "Le statut n'est pas modifié : corrigez les champs signalés.")
    return render(
        request,
        "coordination/orientations/detail.html",
        {"orientation": orientation, "status_form": form, "can_change": True},
    )


@require_GET
@object_permission_required("coordination.view_orientation")
def orientation_sheet(request, public_id):
    from ..pdf import sheet_pdf  # WeasyPrint is loaded by the processes that print only

    orientation = selectors.orientation_get(public_id=public_id, user=request.user)
    journal_record(
        action=JournalAction.DOWNLOAD,
        user=request.user,
        obj=orientation,
        request=request,
        payload={"file": "fiche_de_liaison"},
    )
    response = HttpResponse(sheet_pdf(orientation), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="fiche-de-liaison-{orientation.date:%Y-%m-%d}.pdf"'
    )
    return response
