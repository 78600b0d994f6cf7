"""Import of a France Travail referral list into a cohort: upload, map the columns not
recognised (to a field or « ignorer », nothing dropped silently), preview, confirm.

The uploaded file is kept under MEDIA_ROOT (never served) and named by a random token held in
the session with the mapping, so that a refused confirmation keeps the file, the mapping and the
rows chosen."""

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
    FIELD_LABELS,
    IGNORE,
    MISSING_NAMES,
    ReferralFileError,
    clean_mapping,
    column_fields,
    count_rows,
    enroll_referrals,
    is_xlsx,
    mapping_errors,
    preview,
    read_header,
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
    if request.POST.get("action") in ("map", "remap"):
        return _map(request, cohort, key, context)
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
        columns = read_header(path)
    except ReferralFileError as problem:
        path.unlink(missing_ok=True)
        context["upload_error"] = str(problem)
        return render(request, TEMPLATE, context, status=400)
    request.session[key] = {"token": token, "name": upload.name[:200], "mapping": {}}
    if mapping_errors(columns, {}):
        return _mapping_page(request, context, columns, {})
    return _after_mapping(request, cohort, key, context, upload.name, {})


def _mapping_page(request, context, columns, mapping, *, errors=()):
    """The mapping step: every column of the list, the recognised ones as read, the others with
    a choice of field or « ignorer » (no default: each is chosen). 400 while the names are not
    found, so that the refusal is plain."""
    fields = column_fields(columns, mapping)
    context.update(
        mapping_columns=[
            {
                "column": column,
                "field": fields[column.position],
                "choice": mapping.get(str(column.position), ""),
            }
            for column in columns
        ],
        field_choices=list(FIELD_LABELS.items()),
        ignore=IGNORE,
        # First shown: only what cannot wait (the names not found); after a choice, every error.
        mapping_errors=list(errors)
        or [e for e in mapping_errors(columns, mapping) if e == MISSING_NAMES],
        name=request.session.get(_session_key(context["cohort"]), {}).get("name", ""),
    )
    missing_names = not {"last_name", "first_name"} <= set(fields.values())
    return render(request, TEMPLATE, context, status=400 if missing_names else 200)


def _map(request, cohort, key, context):
    """The user's mapping of the columns not recognised (`action=map`), or back to it from the
    preview (`action=remap`)."""
    held = request.session.get(key) or {}
    path = _stored(held.get("token"))
    if path is None:
        context["upload_error"] = "La liste envoyée n'est plus disponible : envoyez-la à nouveau."
        return render(request, TEMPLATE, context, status=400)
    try:
        columns = read_header(path)
    except ReferralFileError as problem:
        context["upload_error"] = str(problem)
        return render(request, TEMPLATE, context, status=400)
    if request.POST.get("action") == "remap":
        return _mapping_page(request, context, columns, clean_mapping(held.get("mapping")))
    mapping = clean_mapping(
        {
            str(column.position): request.POST.get(f"colonne-{column.position}", "")
            for column in columns
            if not column.recognised
        }
    )
    errors = mapping_errors(columns, mapping)
    if errors:
        return _mapping_page(request, context, columns, mapping, errors=errors)
    request.session[key] = {**held, "mapping": mapping}
    return _after_mapping(request, cohort, key, context, held.get("name", ""), mapping)


def _after_mapping(request, cohort, key, context, file_name, mapping):
    """Once every column is read or ignored: a short list is previewed in the request, a long one
    checked by a background job."""
    token = request.session[key]["token"]
    path = _stored(token)
    if path is None:
        context["upload_error"] = "La liste envoyée n'est plus disponible : envoyez-la à nouveau."
        return render(request, TEMPLATE, context, status=400)
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
            file_name=file_name[:200],
            total=count or 0,
            params={"cohort": str(cohort.public_id), "mapping": mapping},
        )
        return redirect("imports:job", public_id=job.public_id)
    return _preview(request, cohort, token, context, chosen=None)


def _held_mapping(request, cohort) -> dict:
    return clean_mapping((request.session.get(_session_key(cohort)) or {}).get("mapping"))


def _stored(token) -> Path | None:
    return upload_stored(token, kind=UPLOAD_KIND)


def _preview(request, cohort, token, context, *, chosen, error="", status=200):
    path = _stored(token)
    if path is None:
        context["upload_error"] = "La liste envoyée n'est plus disponible : envoyez-la à nouveau."
        return render(request, TEMPLATE, context, status=400)
    mapping = _held_mapping(request, cohort)
    try:
        rows = preview(data=path, cohort=cohort, user=request.user, mapping=mapping)
        notice = reading_notice(path)
        columns = read_header(path)
    except ReferralFileError as problem:
        context["upload_error"] = str(problem)
        return render(request, TEMPLATE, context, status=400)
    fields = column_fields(columns, mapping)
    if chosen is None:  # first preview: every row that can be enrolled is ticked
        chosen = {row.number for row in rows if row.status in ("new", "existing")}
    context.update(
        rows=rows,
        chosen=chosen,
        error=error,
        has_rows=any(row.status != ERROR for row in rows),
        notice=notice,
        # How each column was read, and which were ignored by the user's choice.
        read_columns=[
            (c.label, FIELD_LABELS[fields[c.position]]) for c in columns if fields[c.position]
        ],
        ignored_columns=[c.label for c in columns if not fields[c.position]],
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
        rows = preview(
            data=path, cohort=cohort, user=request.user, mapping=_held_mapping(request, cohort)
        )
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
