"""Retention (ceis/retention.py): a document attached counts as a contact with the person; when
the person is anonymised, their documents are deleted, files included once the anonymisation is
committed (signals.py)."""

from django.db.models.functions import TruncDate

from .models import PersonDocument


def contact_dates(person) -> list[tuple]:
    """(documents attached to `person`, their day)."""
    documents = PersonDocument.objects.filter(person=person)
    return [(documents.annotate(day=TruncDate("uploaded_at")), "day")]


def anonymise(person_ids: list[int]) -> None:
    PersonDocument.objects.filter(person_id__in=person_ids).delete()
