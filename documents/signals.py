"""A document deleted by any path (its delete page, the person's deletion, retention) takes its
file with it, once the deletion is committed (a rolled back deletion keeps the file)."""

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from .models import PersonDocument
from .storage import delete_file


@receiver(post_delete, sender=PersonDocument, dispatch_uid="documents-delete-file")
def _delete_file(sender, instance, **kwargs):
    name = instance.storage_name
    transaction.on_commit(lambda: delete_file(name))
