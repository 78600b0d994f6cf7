"""Celery tasks of the messages (thin: ids in, a service called)."""

from celery import shared_task
from django.conf import settings

from . import services


@shared_task(bind=True, acks_late=True, max_retries=None)
def send_message(self, message_id: int):
    """Send one message; a provider's error retries with the service's backoff, a bounded
    number of times (CEIS_MESSAGES_MAX_ATTEMPTS, counted on the message)."""
    try:
        services.message_send(message_id=message_id)
    except services.SendFailure as failure:
        # Run eagerly (tests), a retry cannot wait its countdown: the beat's round retries.
        if (
            not self.request.is_eager
            and self.request.retries + 1 < settings.CEIS_MESSAGES_MAX_ATTEMPTS
        ):
            raise self.retry(countdown=failure.retry_in) from failure


@shared_task(acks_late=True)
def send_due_messages():
    """Beat, every 5 minutes: reminders due, SMS held by the quiet hours, retries."""
    return services.messages_send_due()
