"""Right of access (RGPD art. 15, security.md row 12): everything CEIS holds about one person.

The export walks every relation of `Person` (so a model linked to persons later is included
without change here), serialises each record's own fields — notes in clear — and adds the
journal entries that concern the person or any of those records.
"""

import datetime
import decimal
import uuid

from django.db.models import Q
from django.utils import timezone

from .merge import merged_refs
from .models import JournalEntry, Person
from .services import object_ref_of, object_type_of

SCHEMA = "ceis.person-export/1"


def _value(value):
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID | decimal.Decimal):
        return str(value)
    return value


def _serialise(obj) -> dict:
    """Every concrete field of a record; a foreign key as the related record's text."""
    data = {}
    for field in obj._meta.concrete_fields:
        if field.is_relation:
            related = getattr(obj, field.name)
            data[field.name] = str(related) if related is not None else None
        else:
            data[field.name] = _value(getattr(obj, field.attname))
        if field.choices and data[field.name] not in (None, ""):
            data[f"{field.name}_libelle"] = str(getattr(obj, f"get_{field.name}_display")())
    return data


def person_relations():
    """(label, accessor) of every relation that links records to a person."""
    return [
        (relation.related_model._meta.label, relation.get_accessor_name())
        for relation in Person._meta.related_objects
    ]


def person_export(person: Person) -> dict:
    records = {}
    # Journal entries name a record by type and reference (UUID, else primary key).
    concerning = Q(object_type=object_type_of(person), object_ref=object_ref_of(person))
    # And the entries about the records merged into this one (ceis.merge): the same human being.
    concerning |= Q(object_type=object_type_of(person), object_ref__in=merged_refs(person))
    for label, accessor in person_relations():
        objects = list(getattr(person, accessor).all())
        records[label] = [_serialise(obj) for obj in objects]
        for obj in objects:
            concerning |= Q(object_type=object_type_of(obj), object_ref=object_ref_of(obj))
    journal = JournalEntry.objects.filter(concerning).order_by("at", "id")
    return {
        "schema": SCHEMA,
        "exported_at": timezone.now().isoformat(timespec="seconds"),
        "person": _serialise(person),
        "records": records,
        "journal": [
            {
                "at": entry.at.isoformat(timespec="seconds"),
                "user": entry.username,
                "action": entry.action,
                "object_type": entry.object_type,
                "object_ref": entry.object_ref,
            }
            for entry in journal
        ],
    }
