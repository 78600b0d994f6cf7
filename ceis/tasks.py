from celery import shared_task

from .services import journal_purge


@shared_task(acks_late=True)
def journal_purge_task() -> int:
    """Scheduled daily by Celery beat: drop journal entries past their retention period."""
    return journal_purge()
