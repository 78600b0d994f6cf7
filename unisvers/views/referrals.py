"""Import of a France Travail referral list into a cohort: upload, preview, confirm.

The uploaded file is kept under MEDIA_ROOT (never served) and named by a random token held in
the session, so that a refused confirmation keeps both the file and the rows chosen."""

import datetime
import zipfile
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from ceis.choices import ImportKind, ImportStep
from ceis.decorators import object_permission_required, refuse_object
from ceis.imports import import_job_start
from ceis.submissions import single_submission
from ceis.templatetags.french import accord
from ceis.uploads import upload_store, upload_stored

from .. import selectors
from ..referrals import (
    ERROR,
    ReferralFileError,
    count_rows,
    enroll_referrals,
    is_xlsx,
    preview,
    reading_notice,
)

TEMPLATE = "unisvers/referrals/import.html"


UPLOAD_KIND = "referrals"


def _session_key(cohort) -> str:
    return f"referrals:{cohort.public_id}"


def _check_upload(upload) -> str:
    """The French reason a file is refused, or "": size cap, XLSX or text CSV by content."""
    cap = settings.CEIS_UPLOAD_MAX_BYTES
    if upload.size > cap:
        return f"Fichier trop volumineux (maximum {cap // 1_000_000} Mo)."
    head = upload.read(2048)
    upload.seek(0)
    if is_xlsx(head):
        try:
            with zipfile.ZipFile(upload) as archive:
                if "xl/workbook.xml" not in archive.namelist():
                    return "Cette archive n'est pas un classeur Excel (.xlsx)."
        except zipfile.BadZipFile:
            return "Classeur Excel illisible."
        finally:
            upload.seek(0)
        return ""
    if b"\x00" in head.split(b"\n", 1)[0]:  # a NUL further on is named by its line
        return "Ce fichier n'est ni un classeur Excel (.xlsx) ni un fichier CSV."
    return ""


def _default_entry_date(cohort) -> datetime.date:
    return min(max(cohort.start_date, timezone.localdate()), cohort.end_date)


@require_http_methods(["GET", "POST"])
@object_permission_required("unisvers.add_enrollment")
@single_submission
def referral_import(request, public_id):
    cohort = selectors.cohort_get(public_id=public_id, user=request.user)
    if not request.user.has_perm("ceis.add_person"):
        refuse_object(request)
    key = _session_key(cohort)
    context = {"cohort": cohort, "entry_date": _default_entry_date(cohort)}
    if request.method == "GET":
        return render(request, TEMPLATE, context)
    if request.POST.get("action") == "confirm":
        return _confirm(request, cohort, key, context)
    upload = request.FILES.get("file")
    if upload is None:
        context["upload_error"] = "Choisissez le fichier de la liste (XLSX ou CSV)."
        return render(request, TEMPLATE, context, status=400)
    reason = _check_upload(upload)
    if reason:
        context["upload_error"] = reason
        return render(request, TEMPLATE, context, status=400)
    token, path = upload_store(upload, kind=UPLOAD_KIND)
    try:
        count = count_rows(path)
    except ReferralFileError as problem:
        path.unlink(missing_ok=True)
        context["upload_error"] = str(problem)
        return render(request, TEMPLATE, context, status=400)
    if count is None or count > settings.CEIS_IMPORT_ASYNC_ROWS:
        # A long list is checked by a background job, never inside the request.
        job = import_job_start(
            kind=ImportKind.REFERRALS,
            step=ImportStep.CHECK,
            user=request.user,
            upload=f"referrals/{token}",
            file_name=upload.name,
            total=count or 0,
            params={"cohort": str(cohort.public_id)},
        )
        return redirect("imports:job", public_id=job.public_id)
    request.session[key] = {"token": token, "name": upload.name[:200]}
    return _preview(request, cohort, token, context, chosen=None)


def _stored(token) -> Path | None:
    return upload_stored(token, kind=UPLOAD_KIND)


def _preview(request, cohort, token, context, *, chosen, error="", status=200):
    path = _stored(token)
    if path is None:
        context["upload_error"] = "La liste envoyée n'est plus disponible : envoyez-la à nouveau."
        return render(request, TEMPLATE, context, status=400)
    try:
        rows = preview(data=path, cohort=cohort, user=request.user)
        notice = reading_notice(path)
    except ReferralFileError as problem:
        context["upload_error"] = str(problem)
        return render(request, TEMPLATE, context, status=400)
    if chosen is None:  # first preview: every row that can be enrolled is ticked
        chosen = {row.number for row in rows if row.status in ("new", "existing")}
    context.update(
        rows=rows,
        chosen=chosen,
        error=error,
        has_rows=any(row.status != ERROR for row in rows),
        notice=notice,
        name=request.session.get(_session_key(cohort), {}).get("name", ""),
    )
    return render(request, TEMPLATE, context, status=status)


def _confirm(request, cohort, key, context):
    held = request.session.get(key) or {}
    token = held.get("token")
    chosen = {int(n) for n in request.POST.getlist("rows") if n.isdigit()}
    raw_date = request.POST.get("entry_date", "")
    context["entry_date"] = raw_date
    try:
        entry_date = datetime.date.fromisoformat(raw_date)
    except ValueError:
        return _preview(
            request,
            cohort,
            token,
            context,
            chosen=chosen,
            error="Date d'entrée invalide.",
            status=400,
        )
    if not chosen:
        return _preview(
            request, cohort, token, context, chosen=chosen, error="Cochez au moins une ligne."
        )
    path = _stored(token)
    if path is None:
        return _preview(request, cohort, token, context, chosen=chosen)
    try:
        rows = preview(data=path, cohort=cohort, user=request.user)
        count = enroll_referrals(
            cohort=cohort,
            rows=rows,
            chosen=chosen,
            entry_date=entry_date,
            user=request.user,
            request=request,
        )
    except (ValidationError, ReferralFileError) as problem:
        message = " ".join(getattr(problem, "messages", [str(problem)]))
        return _preview(request, cohort, token, context, chosen=chosen, error=message, status=400)
    path.unlink(missing_ok=True)
    request.session.pop(key, None)
    messages.success(request, f"{accord(count, 'personne inscrite')} dans « {cohort} ».")
    return redirect(cohort.get_absolute_url())
