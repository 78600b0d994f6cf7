"""Retention (security.md row 11; CNIL 2023 référentiel: active base 2 years from the last contact).

A person whose last contact is older than the retention period is anonymised: identity,
contacts, notes, free text and the details of the journal entries about them are erased. What
the bilan's indicators read stays (birth date or year, neighbourhood, education level, the
programme records and their codes), so every past bilan keeps its figures exactly.

Each programme states its part in its own `retention.py`: `contact_dates(person)`, the
(queryset, date field) pairs of its records that count as a contact with `person` (an
`OuterRef`), and `anonymise(person_ids)`, which erases the free text of its records.
"""

import datetime

from django.db import transaction
from django.db.models import DateField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Greatest, TruncDate
from django.utils import timezone

from .hooks import app_modules
from .models import JournalEntry, Person
from .services import object_ref_of, object_type_of

NEVER = datetime.date(1900, 1, 1)
ANONYMOUS = "ANONYME"


def _latest(queryset, field: str):
    return Coalesce(
        Subquery(queryset.order_by(f"-{field}").values(field)[:1], output_field=DateField()),
        Value(NEVER),
    )


def with_last_contact(queryset: QuerySet[Person]) -> QuerySet[Person]:
    """Annotate `last_contact`: the latest date of any record of the person, or of the file."""
    dates = [Coalesce(TruncDate("created_at"), Value(NEVER))]
    for module in app_modules("retention"):
        dates.extend(
            _latest(records, field) for records, field in module.contact_dates(OuterRef("pk"))
        )
    return queryset.annotate(last_contact=Greatest(*dates, output_field=DateField()))


def retention_limit(today: datetime.date, years: int) -> datetime.date:
    """The same day `years` earlier (28 February for a 29 February)."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


def persons_to_anonymise(*, today: datetime.date | None = None, years: int = 2) -> QuerySet:
    """Persons not yet anonymised whose last contact is strictly before the limit."""
    limit = retention_limit(today or timezone.localdate(), years)
    return (
        with_last_contact(Person.objects.filter(anonymised_at__isnull=True))
        .filter(last_contact__lt=limit)
        .order_by("last_contact", "pk")
    )


@transaction.atomic
def persons_anonymise(*, person_ids: list[int]) -> int:
    """Anonymise these persons and what identifies them in their records; returns how many."""
    persons = list(Person.objects.filter(pk__in=person_ids, anonymised_at__isnull=True))
    if not persons:
        return 0
    ids = [person.pk for person in persons]
    now = timezone.now()
    for person in persons:
        person.last_name, person.first_name = ANONYMOUS, ""
        for field in ("phone", "email", "france_travail_id", "postal_code", "commune"):
            setattr(person, field, "")
        person.anonymised_at = now
        person.refresh_keys()
    Person.objects.bulk_update(
        persons,
        [
            "last_name",
            "first_name",
            "phone",
            "email",
            "france_travail_id",
            "postal_code",
            "commune",
            "anonymised_at",
            "name_key",
            "phone_key",
        ],
    )
    # The journal names records by type and reference: gather those of the persons' own records
    # (one query per kind of record) before their details are erased.
    concerning = Q(pk__in=[])
    for person in persons:
        concerning |= Q(object_type=object_type_of(person), object_ref=object_ref_of(person))
    for relation in Person._meta.related_objects:
        if relation.many_to_many:
            continue  # an event or an activity is not the person's own record
        for record in relation.related_model.objects.filter(**{f"{relation.field.name}__in": ids}):
            concerning |= Q(object_type=object_type_of(record), object_ref=object_ref_of(record))
    JournalEntry.objects.filter(concerning)._anonymise_payloads()

    for module in app_modules("retention"):
        module.anonymise(ids)
    return len(persons)
