"""Reads of documents, scoped to the user's sites (another site's document: 404)."""

from ceis.scoping import get_visible_or_404

from . import perms
from .models import PersonDocument


def documents_visible_to(user):
    """The user's sites, and only the programme files the user may read."""
    return PersonDocument.objects.visible_to(user).filter(programme__in=perms.programmes(user))


def person_documents(*, person, user):
    return (
        documents_visible_to(user)
        .filter(person=person)
        .select_related("uploaded_by")
        .order_by("-uploaded_at", "-pk")
    )


def document_get(*, public_id, user) -> PersonDocument:
    return get_visible_or_404(
        documents_visible_to(user).select_related("person"),
        "Document introuvable.",
        public_id=public_id,
    )
