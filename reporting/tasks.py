from celery import shared_task
from django.db import OperationalError

from .services import bilan_version_generate, bilan_versions_sweep


# Time limits come with each message (bilan_version_enqueue), from the setting the sweeper also
# counts with; acks_late with task_reject_on_worker_lost puts the message back when the worker
# process dies, and the sweeper recovers what a dead worker took with it (security.md row 25).
@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=5,
    max_retries=3,
)
def generate_bilan_pdf(self, version_id: int) -> None:
    """Build the PDF of one bilan version (idempotent: see bilan_version_generate)."""
    bilan_version_generate(version_id=version_id)


@shared_task
def sweep_bilan_versions() -> dict[str, int]:
    """Beat, every two minutes: versions left behind by a dead worker or a down broker."""
    return bilan_versions_sweep()
