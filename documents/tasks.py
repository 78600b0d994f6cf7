"""The documents' scheduled task (beat: ceis/settings/base.py)."""

from celery import shared_task


@shared_task(acks_late=True)
def orphan_documents_purge_task() -> int:
    """Scheduled daily: delete the files of the documents folder that no document names
    (documents/storage.py, `orphan_files_purge`)."""
    from .storage import orphan_files_purge

    return orphan_files_purge()
