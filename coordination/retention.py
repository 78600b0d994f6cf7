"""Coordination's part of retention (ceis.retention): an orientation is made with the person, so
its date is a contact. Anonymisation erases what it says about the person (reason, note, what
they agreed to share) and keeps the orientation itself — date, partner, status, source, site —
so that the bilan's orientation figures stay exact, as follow-up entries keep their kind."""

from .models import Orientation


def contact_dates(person) -> list[tuple]:
    """(orientations of `person`, their date)."""
    return [(Orientation.objects.filter(person=person), "date")]


def anonymise(person_ids: list[int]) -> None:
    Orientation.objects.filter(person_id__in=person_ids).update(
        reason="",
        note="",
        share_contact=False,
        share_education=False,
        share_situation=False,
        share_reason=False,
    )
