"""Admin pages of the data package: upload a zip, read the validation report, confirm; download
an export, or the template package (headers and one example row, no data). The uploaded file is
kept under MEDIA_ROOT (never served) between the two steps, named by a random token held in the
session."""

from functools import wraps
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from ceis.choices import ImportKind, ImportStep
from ceis.imports import import_job_start
from ceis.submissions import single_submission
from ceis.templatetags.french import accord
from ceis.uploads import (
    UploadRefused,
    check_zip,
    size_mo,
    upload_folder,
    upload_store,
    upload_stored,
)

from .exporter import export_zip_bytes
from .importer import PackageImport
from .reader import PackageSourceError, count_rows
from .template import template_zip_bytes

SESSION_KEY = "package_upload"
MAX_ERRORS = 100


def admin_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_ceis_admin:
            raise PermissionDenied("Réservé aux administrateurs.")
        return view(request, *args, **kwargs)

    return wrapper


UPLOAD_KIND = "packages"


def upload_dir() -> Path:
    return upload_folder(UPLOAD_KIND)


def _stored(token: str | None) -> Path | None:
    return upload_stored(token, kind=UPLOAD_KIND, suffix=".zip")


def check_zip_upload(upload) -> str:
    """The French reason an upload is refused, or "": a zip by its content (not its name), within
    the size, member and expansion bounds read from its directory, before anything is expanded."""
    if upload.size <= settings.CEIS_UPLOAD_MAX_BYTES:
        head = upload.read(4)
        upload.seek(0)
        if head != b"PK\x03\x04":
            return "Ce fichier n'est pas une archive zip (son contenu a été vérifié, pas son nom)."
    try:
        check_zip(upload, compressed_size=upload.size)
    except UploadRefused as refusal:
        return str(refusal)
    return ""


@require_GET
@admin_required
def index(request):
    return render(request, "ceis/package/index.html", _context())


def _context(**extra) -> dict:
    return {"max_mb": size_mo(settings.CEIS_UPLOAD_MAX_BYTES), **extra}


@require_POST
@admin_required
def upload(request):
    file = request.FILES.get("package")
    if file is None:
        return render(
            request,
            "ceis/package/index.html",
            _context(upload_error="Choisissez le fichier zip du paquet."),
            status=400,
        )
    reason = check_zip_upload(file)
    if reason:
        return render(request, "ceis/package/index.html", _context(upload_error=reason), status=400)
    token, path = upload_store(file, kind=UPLOAD_KIND, suffix=".zip")
    try:
        count = count_rows(path)
    except PackageSourceError as error:
        path.unlink(missing_ok=True)
        return render(
            request, "ceis/package/index.html", _context(upload_error=str(error)), status=400
        )
    if count > settings.CEIS_IMPORT_ASYNC_ROWS:
        # A large package is checked by a background job, never inside the request.
        job = import_job_start(
            kind=ImportKind.PACKAGE,
            step=ImportStep.CHECK,
            user=request.user,
            upload=f"packages/{token}.zip",
            file_name=file.name,
            total=count,
        )
        return redirect("imports:job", public_id=job.public_id)
    request.session[SESSION_KEY] = {"token": token, "name": file.name[:200]}
    return _report(request, path, file.name)


def _report(request, path: Path, name: str):
    job = PackageImport(path)
    try:
        ok = job.validate()
    except PackageSourceError:
        ok = False
    errors = [str(error) for error in job.errors]
    return render(
        request,
        "ceis/package/report.html",
        _context(
            ok=ok,
            name=name,
            errors=errors[:MAX_ERRORS],
            more_errors=max(len(errors) - MAX_ERRORS, 0),
            error_count=len(errors),
            summary=job.summary(),
            reading=job.reading(),
        ),
    )


@require_POST
@admin_required
@single_submission
def confirm(request):
    held = request.session.get(SESSION_KEY) or {}
    path = _stored(held.get("token"))
    if path is None:
        messages.error(request, "Le paquet envoyé n'est plus disponible : envoyez-le à nouveau.")
        return redirect("package:index")
    job = PackageImport(path)
    # Validated again: the database may have changed since the report.
    if not job.validate():
        return _report(request, path, held.get("name", ""))
    counts = job.apply(user=request.user)
    path.unlink(missing_ok=True)
    request.session.pop(SESSION_KEY, None)
    created = sum(counts["created"].values())
    updated = sum(counts["updated"].values())
    messages.success(
        request,
        f"Paquet importé : {accord(created, 'enregistrement créé')}, {accord(updated, 'modifié')}.",
    )
    return redirect("package:index")


@require_POST
@admin_required
def download(request):
    include_notes = request.POST.get("include_notes") == "1"
    data = export_zip_bytes(include_notes=include_notes, user=request.user, request=request)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="ceis-paquet-{stamp}.zip"'
    return response


@require_GET
@admin_required
def template(request):
    """The template package: it holds no one's data, only the format, so it is not journalled.
    Its example appointments and opening hours name the admin who downloads it, an account
    that exists, so that the template imports as it is."""
    response = HttpResponse(
        template_zip_bytes(agent=request.user.get_username()), content_type="application/zip"
    )
    response["Content-Disposition"] = 'attachment; filename="ceis-paquet-modele.zip"'
    return response
