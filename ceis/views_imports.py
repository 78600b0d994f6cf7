"""The page of a long import (ceis/imports.py): its progress, refreshed by htmx every 2 seconds
(a link refreshes it without JavaScript), then its report, the confirmation, or "Relancer"."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from .imports import (
    ImportFailure,
    import_job_confirm,
    import_job_get,
    import_job_retry,
    import_steps,
)
from .submissions import single_submission


def _context(job, **extra) -> dict:
    return {"job": job, "result_template": import_steps()[job.kind]["template"], **extra}


@require_GET
def job_detail(request, public_id):
    job = import_job_get(public_id=public_id, user=request.user)
    template = "ceis/imports/_job.html" if request.htmx else "ceis/imports/job.html"
    return render(request, template, _context(job))


@require_POST
@single_submission
def job_confirm(request, public_id):
    job = import_job_get(public_id=public_id, user=request.user)
    try:
        params = import_steps()[job.kind]["params"](request.POST)
        applied = import_job_confirm(job=job, params=params)
    except ImportFailure as failure:
        context = _context(job, confirm_error=str(failure), posted=request.POST)
        return render(request, "ceis/imports/job.html", context, status=400)
    return redirect("imports:job", public_id=applied.public_id)


@require_POST
def job_retry(request, public_id):
    job = import_job_get(public_id=public_id, user=request.user)
    if not job.can_retry:
        messages.info(request, "Cet import n'a pas échoué : rien à relancer.")
    else:
        import_job_retry(job=job)
        messages.info(request, "L'import est relancé.")
    return redirect("imports:job", public_id=job.public_id)
