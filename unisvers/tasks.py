from celery import shared_task

from .reminders import followup_reminders_send


@shared_task(acks_late=True)
def followup_reminders_task() -> int:
    """Scheduled weekly by Celery beat (Monday morning)."""
    return followup_reminders_send()
