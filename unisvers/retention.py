"""Unis'Vers' part of retention (ceis.retention): what counts as a contact, what is erased."""

from ceis.retention import ANONYMOUS

from .models import Attendance, Enrollment, Event, FollowUp, Testimonial


def contact_dates(person) -> list[tuple]:
    """(records of `person`, their date field): entry, exit, 3-month and 6-month follow-ups of each
    enrollment, registers, follow-up entries, events attended and testimonials."""
    own = {"person": person}
    return [
        (Enrollment.objects.filter(**own), "entry_date"),
        (Enrollment.objects.filter(**own, exit_date__isnull=False), "exit_date"),
        (Enrollment.objects.filter(**own, followup_3m_date__isnull=False), "followup_3m_date"),
        (Enrollment.objects.filter(**own, followup_6m_date__isnull=False), "followup_6m_date"),
        (Attendance.objects.filter(**own), "date"),
        (FollowUp.objects.filter(**own), "date"),
        (Event.objects.filter(attendees=person), "date"),
        (Testimonial.objects.filter(**own), "date"),
    ]


def anonymise(person_ids: list[int]) -> None:
    """The adviser's name, the notes and orientations, and the testimonials' words and name;
    the codes and dates the bilan counts stay."""
    Enrollment.objects.filter(person_id__in=person_ids).update(referral_adviser="")
    FollowUp.objects.filter(person_id__in=person_ids).update(note="", orientation="")
    Testimonial.objects.filter(person_id__in=person_ids).update(
        quote="", display_name=ANONYMOUS, publication_consent=False
    )
