from celery import shared_task
from django.db import OperationalError

from .services import bilan_version_generate


@shared_task(
    bind=True,
    acks_late=True,
    soft_time_limit=240,
    time_limit=300,
    autoretry_for=(OperationalError,),
    retry_backoff=5,
    max_retries=3,
)
def generate_bilan_pdf(self, version_id: int) -> None:
    """Build the PDF of one bilan version (idempotent: see bilan_version_generate)."""
    bilan_version_generate(version_id=version_id)
