"""Unis'Vers printables: the attendance sheet of a cohort week (who takes the register prints
it) and a participant's path summary (their referent, or whom it was handed over to, prints it
for the person). Both are journalled as downloads: they name people."""

from django.http import Http404
from django.views.decorators.http import require_GET

from ceis.choices import JournalAction
from ceis.decorators import object_permission_required, refuse_object
from ceis.printables import pdf_response, render_pdf
from ceis.services import journal_record

from .. import selectors
from ..printables import cohort_week_sheet, path_summary
from ._common import parse_day


@require_GET
@object_permission_required("unisvers.add_attendance")
def attendance_sheet(request, public_id, day):
    cohort = selectors.cohort_get(public_id=public_id, user=request.user)
    context = cohort_week_sheet(cohort, parse_day(day))
    if context is None:
        raise Http404("Aucun jour de rencontre de la promotion cette semaine.")
    journal_record(
        action=JournalAction.DOWNLOAD,
        user=request.user,
        obj=cohort,
        request=request,
        payload={"printable": "attendance_sheet", "week": context["monday"].isoformat()},
    )
    pdf = render_pdf("unisvers/printables/attendance_week.html", context)
    return pdf_response(pdf, f"emargement-{context['monday']:%Y-%m-%d}.pdf")


@require_GET
@object_permission_required("unisvers.view_enrollment")
def path_summary_pdf(request, public_id):
    person = selectors.participant_get(public_id=public_id, user=request.user)
    enrollments = list(
        selectors.enrollments_in_charge(person=person, user=request.user)
        .select_related("cohort", "cohort__site")
        .order_by("entry_date", "pk")
    )
    if not enrollments:
        refuse_object(request)  # a social worker who does not follow the person
    journal_record(
        action=JournalAction.DOWNLOAD,
        user=request.user,
        obj=person,
        request=request,
        payload={"printable": "path_summary"},
    )
    pdf = render_pdf("unisvers/printables/path_summary.html", path_summary(person, enrollments))
    return pdf_response(pdf, f"parcours-unisvers-{person.public_id}.pdf")
