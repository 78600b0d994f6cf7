"""Long imports as Celery jobs (security.md row 21).

A data package or a France Travail list of more than `CEIS_IMPORT_ASYNC_ROWS` rows is never read
inside a request: the upload page stores the file and starts an `ImportJob` (step "check"); its
page follows the progress and shows the report; the confirmation starts a second job (step
"apply") that writes everything in one transaction, or nothing.

What each kind of job does lives with the data it imports: `ceis.package.jobs` for packages,
`<app>.imports.STEPS` for the programmes (gathered here, the core never imports them by name).
A step is `step(job, progress) -> dict` (the result shown on the page); it raises `ImportFailure`
with a French message when the file or the data refuse the import. The apply step of a job that
fails writes nothing: each step is atomic.
"""

import logging
import time

from django.core.cache import cache
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from .celery import send_quickly
from .choices import ImportStatus, ImportStep
from .hooks import app_modules
from .models import ImportJob
from .uploads import ImportFailure, job_path

logger = logging.getLogger(__name__)
PROGRESS_SECONDS = 1.0  # the progress is written at most once a second
BROKER_DOWN = (
    "Le service des traitements en arrière-plan ne répond pas pour l'instant : "
    "relancez l'import dans quelques minutes."
)


def import_steps() -> dict:
    """Kind → {"check": step, "apply": step, "params": confirmation form → params,
    "template": the template of its report}."""
    from .package.jobs import STEPS

    steps = dict(STEPS)
    for module in app_modules("imports"):
        steps.update(module.STEPS)
    return steps


class Progress:
    """Rows done out of the total, written to the cache, which the page reads first (shared by
    the workers in production, CACHE_URL), and, for a check step, to the job's row (an apply
    step runs inside its transaction: a row written there is invisible until it commits)."""

    def __init__(self, job: ImportJob):
        self.job = job
        self.last = 0.0

    def __call__(self, done: int, total: int | None = None, *, force: bool = False) -> None:
        job = self.job
        job.done = done
        if total is not None:
            job.total = total
        now = time.monotonic()
        if not force and now - self.last < PROGRESS_SECONDS:
            return
        self.last = now
        cache.set(_progress_key(job.pk), (job.done, job.total), 3600)
        if job.step == ImportStep.CHECK:  # the apply step runs inside its transaction
            ImportJob.objects.filter(pk=job.pk).update(done=job.done, total=job.total)


def _progress_key(job_id: int) -> str:
    return f"import-job:{job_id}:progress"


@transaction.atomic
def import_job_start(
    *, kind: str, step: str, user, upload: str, file_name: str, total: int = 0, params=None
) -> ImportJob:
    """Create the job and enqueue its task once the transaction commits."""
    job = ImportJob(
        kind=kind,
        step=step,
        user=user,
        upload=upload,
        file_name=file_name[:200],
        total=total,
        params=params or {},
    )
    job.full_clean()
    job.save()
    _enqueue(job)
    return job


# Sent by name: the tasks module calls this one, and is never imported by it.
IMPORT_TASK = "ceis.tasks.import_job_task"


def _enqueue(job: ImportJob) -> None:
    def send():
        # Sent with short timeouts: a broker down or hanging fails the job (with « Relancer »)
        # instead of holding the page (security.md row 25).
        if not send_quickly(IMPORT_TASK, args=[job.pk]):
            _finish(job, ImportStatus.FAILED, error=BROKER_DOWN)

    transaction.on_commit(send)


def import_job_run(*, job_id: int) -> None:
    """Run one step (the task's body). A job already finished is left as it is, so a task
    delivered twice does nothing the second time."""
    job = ImportJob.objects.filter(pk=job_id).first()
    if job is None or not job.is_active:
        return
    job.status, job.done, job.error = ImportStatus.RUNNING, 0, ""
    job.save(update_fields=["status", "done", "error"])
    progress = Progress(job)
    try:
        if not job_path(job).is_file():
            raise ImportFailure("Le fichier envoyé n'est plus disponible : envoyez-le à nouveau.")
        result = import_steps()[job.kind][job.step](job, progress)
    except ImportFailure as failure:
        _finish(job, ImportStatus.FAILED, error=str(failure))
    except Exception:
        logger.exception("import job %s failed", job.pk)
        _finish(
            job,
            ImportStatus.FAILED,
            error="Erreur inattendue pendant l'import : rien n'a été écrit. Relancez-le ; si "
            "l'erreur revient, prévenez l'administrateur.",
        )
    else:
        job.done = job.total
        _finish(job, ImportStatus.DONE, result=result)


def _finish(job: ImportJob, status: str, *, error: str = "", result=None) -> None:
    job.status, job.error, job.finished_at = status, error, timezone.now()
    if result is not None:
        job.result = result
    job.save(update_fields=["status", "error", "finished_at", "result", "done", "total"])
    cache.delete(_progress_key(job.pk))


def import_job_retry(*, job: ImportJob) -> ImportJob:
    """Start a failed or lost job again (the same file, the same choices)."""
    if not job.can_retry:
        return job
    job.status, job.done, job.error, job.finished_at = ImportStatus.PENDING, 0, "", None
    job.save(update_fields=["status", "done", "error", "finished_at"])
    _enqueue(job)
    return job


@transaction.atomic
def import_job_confirm(*, job: ImportJob, params: dict | None = None) -> ImportJob:
    """After a successful check: the apply step of the same file (once)."""
    if job.step != ImportStep.CHECK or job.status != ImportStatus.DONE or not job.result.get("ok"):
        raise ImportFailure("Cet import ne peut pas être confirmé.")
    # A second confirmation (double click, second tab) leads to the import already started.
    started = (
        ImportJob.objects.filter(user=job.user, step=ImportStep.APPLY, upload=job.upload)
        .exclude(status=ImportStatus.FAILED)
        .first()
    )
    if started is not None:
        return started
    return import_job_start(
        kind=job.kind,
        step=ImportStep.APPLY,
        user=job.user,
        upload=job.upload,
        file_name=job.file_name,
        total=job.total,
        params={**job.params, **(params or {})},
    )


def import_job_get(*, public_id, user) -> ImportJob:
    """A job of the user (another user's job is a 404), with its live progress."""
    job = ImportJob.objects.filter(public_id=public_id, user=user).first()
    if job is None:
        raise Http404("Import introuvable.")
    if job.status == ImportStatus.RUNNING:
        live = cache.get(_progress_key(job.pk))
        if live:
            job.done, job.total = live
    return job
