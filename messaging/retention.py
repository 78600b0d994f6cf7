"""Messages' part of retention (ceis.retention): a message sent is not a contact (the person may
never have read it), and a person's messages and consents go with the person — anonymisation
deletes them (a message's number, address and text say who was expected where and when).
A person deleted takes them too (on_delete=CASCADE)."""

from .models import ContactConsent, Message


def contact_dates(person) -> list[tuple]:
    return []


def anonymise(person_ids: list[int]) -> None:
    Message.objects.filter(person_id__in=person_ids).delete()
    ContactConsent.objects.filter(person_id__in=person_ids).delete()
