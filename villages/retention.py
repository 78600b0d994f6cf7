"""Vill@ges' part of retention (ceis.retention): what counts as a contact. Its records hold no
free text about the person, so nothing of theirs is erased beyond the person's file."""

from django.db.models.functions import TruncDate

from .models import Assessment, IndividualHelp, Registration, Visit


def contact_dates(person) -> list[tuple]:
    """(records of `person`, their date field): sessions registered for, helps, visits and
    assessments."""
    own = {"person": person}
    registrations = Registration.objects.filter(**own).annotate(day=TruncDate("session__start"))
    return [
        (registrations, "day"),
        (IndividualHelp.objects.filter(**own), "date"),
        (Visit.objects.filter(**own), "date"),
        (Assessment.objects.filter(**own), "date"),
    ]


def anonymise(person_ids: list[int]) -> None:
    """Nothing: helps, visits, registrations and assessments hold codes and dates only."""
