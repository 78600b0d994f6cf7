"""Vill@ges printables: a session's attendance sheet, printed by who checks people in (the
mediator, volunteers, admins of the session's site). Journalled as a download: it names people."""

from django.views.decorators.http import require_GET

from ceis.choices import JournalAction
from ceis.decorators import object_permission_required
from ceis.printables import pdf_response, render_pdf
from ceis.services import journal_record

from .. import selectors
from ..printables import session_sheet


@require_GET
@object_permission_required("villages.checkin_registration")
def session_attendance_sheet(request, public_id):
    session = selectors.session_get(public_id=public_id, user=request.user)
    journal_record(
        action=JournalAction.DOWNLOAD,
        user=request.user,
        obj=session,
        request=request,
        payload={"printable": "attendance_sheet"},
    )
    pdf = render_pdf("villages/printables/attendance_session.html", session_sheet(session))
    return pdf_response(pdf, f"emargement-{session.start:%Y-%m-%d}.pdf")
