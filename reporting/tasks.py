from celery import shared_task
from django.db import OperationalError

from .dashboard import ResultNotVisibleYet, dashboard_result_compute, dashboard_results_refresh
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


# Time limits come with each message (reporting.dashboard._send); acks_late puts the message back
# when the worker dies, and a claim older than the limit is taken over by the next computation.
@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError, ResultNotVisibleYet),
    retry_backoff=5,
    max_retries=3,
)
def compute_dashboard_result(result_id: int, asked_at: str | None = None) -> bool:
    """The figures of one dashboard result (single-flight: see dashboard_result_compute)."""
    return dashboard_result_compute(result_id=result_id, asked_at=asked_at)


@shared_task
def refresh_dashboard_results() -> dict[str, int]:
    """Beat, every minute: precomputed periods, results made stale by data changes, purge."""
    return dashboard_results_refresh()
