from celery import shared_task

from .models import IMPORT_JOB_TIME_LIMIT
from .services import journal_purge


@shared_task(acks_late=True)
def journal_purge_task() -> int:
    """Scheduled daily by Celery beat: drop journal entries past their retention period."""
    return journal_purge()


@shared_task(acks_late=True)
def uploads_purge_task() -> int:
    """Scheduled daily: delete uploaded files whose confirmation never came (ceis/uploads.py)."""
    from .uploads import stale_uploads_purge

    return stale_uploads_purge()


@shared_task(acks_late=True)
def retention_review_task() -> int:
    """Scheduled weekly: counts the persons past the retention period for an admin to review
    (`manage.py retention`); anonymising them stays a deliberate `--wet-run`."""
    import logging

    from .retention import persons_to_anonymise

    count = persons_to_anonymise().count()
    logging.getLogger(__name__).info("retention review: %s person(s) past the period", count)
    return count


@shared_task(acks_late=True)
def submissions_purge_task() -> int:
    """Scheduled daily: forget the create-form tokens past their use (ceis/submissions.py)."""
    from .submissions import submissions_purge

    return submissions_purge()


@shared_task(acks_late=True, soft_time_limit=55 * 60, time_limit=IMPORT_JOB_TIME_LIMIT)
def import_job_task(job_id: int) -> None:
    """One step of a long import (ceis/imports.py): a package or a France Travail list."""
    from .imports import import_job_run

    import_job_run(job_id=job_id)
