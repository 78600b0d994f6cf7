"""Reads of reporting, scoped to the user's sites (a bilan of another site is a 404)."""

from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.http import Http404

from .models import BilanDocument, BilanVersion


def bilan_documents_visible_to(user) -> QuerySet[BilanDocument]:
    return BilanDocument.objects.visible_to(user).select_related("site", "created_by")


def bilan_document_list(user) -> QuerySet[BilanDocument]:
    """The list of bilans with their number of versions, counted by the database (the versions
    themselves, which hold every indicator value, are not read)."""
    # Explicit order: Django leaves Meta.ordering out of a GROUP BY query.
    return (
        bilan_documents_visible_to(user)
        .annotate(version_count=Count("versions"))
        .order_by("-created_at", "-pk")
    )


def bilan_document_get(*, public_id, user) -> BilanDocument:
    try:
        return bilan_documents_visible_to(user).get(public_id=public_id)
    except (BilanDocument.DoesNotExist, ValueError, ValidationError):
        raise Http404("Bilan introuvable.") from None


def bilan_version_get(*, public_id, user) -> BilanVersion:
    documents = bilan_documents_visible_to(user)
    try:
        return BilanVersion.objects.select_related("document__site").get(
            public_id=public_id, document__in=documents
        )
    except (BilanVersion.DoesNotExist, ValueError, ValidationError):
        raise Http404("Version introuvable.") from None
