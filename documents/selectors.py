"""Reads of documents, scoped to the user's sites (another site's document: 404)."""

from ceis.scoping import get_visible_or_404

from .models import PersonDocument


def person_documents(*, person, user):
    return (
        PersonDocument.objects.visible_to(user)
        .filter(person=person)
        .select_related("uploaded_by")
        .order_by("-uploaded_at", "-pk")
    )


def document_get(*, public_id, user) -> PersonDocument:
    return get_visible_or_404(
        PersonDocument.objects.visible_to(user).select_related("person"),
        "Document introuvable.",
        public_id=public_id,
    )
