"""Writes of the shared core: the access journal and persons. Keyword-only, atomic, validated."""

import datetime

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from .choices import JournalAction
from .models import JournalEntry, Person
from .selectors import person_duplicates


def _client_ip(request) -> str | None:
    """The client's address as the login lockout sees it: behind the reverse proxy, the one the
    proxy forwards, not the proxy's own (security.md row 23)."""
    if request is None:
        return None
    return get_client_ip_address(request) or None


def object_type_of(obj) -> str:
    return obj._meta.label_lower


def object_ref_of(obj) -> str:
    """The public reference of an object: its UUID when it has one, else its primary key."""
    return str(getattr(obj, "public_id", None) or obj.pk)


def journal_record(
    *,
    action: str,
    user=None,
    obj=None,
    object_type: str = "",
    object_ref: str = "",
    request=None,
    username: str = "",
    payload: dict | None = None,
) -> JournalEntry:
    """The one way to write to the access journal (security.md row 4).

    `payload` carries codes and field names only, never the content of a record.
    """
    if obj is not None:
        object_type = object_type or object_type_of(obj)
        object_ref = object_ref or object_ref_of(obj)
    if user is not None and not user.is_authenticated:
        user = None
    return JournalEntry.objects.create(
        action=JournalAction(action),
        user=user,
        username=username or (user.get_username() if user else ""),
        object_type=object_type,
        object_ref=object_ref,
        ip_address=_client_ip(request),
        payload=payload or {},
    )


def journal_purge(*, now: datetime.datetime | None = None) -> int:
    """Delete journal entries older than the retention period; returns how many. The login
    log that axes kept before AXES_DISABLE_ACCESS_LOG goes by the same limit."""
    from axes.models import AccessLog

    now = now or timezone.now()
    limit = now - datetime.timedelta(days=settings.CEIS_JOURNAL_RETENTION_DAYS)
    deleted, _ = JournalEntry.objects.filter(at__lt=limit)._purge()
    AccessLog.objects.filter(attempt_time__lt=limit).delete()
    return deleted


class PossibleDuplicate(ValidationError):
    """The person may already exist: `matches` are the persons the user may see with the same
    names and a birth that does not contradict. The user chooses one, or confirms."""

    def __init__(self, matches: list[Person]):
        super().__init__("Une personne semblable existe déjà.", code="possible_duplicate")
        self.matches = matches


@transaction.atomic
def person_create(*, user, request=None, allow_duplicate: bool = False, **fields) -> Person:
    """Create a person, unless it may already exist (`PossibleDuplicate`): `allow_duplicate` once
    the user has confirmed it is someone else, or when the caller matched the rows itself."""
    person = Person(**fields, created_by=user)
    person.full_clean()
    if not allow_duplicate:
        _wait_for_namesakes(person)
        matches = person_duplicates(
            user=user,
            last_name=person.last_name,
            first_name=person.first_name,
            birth_date=person.birth_date,
            birth_year=person.birth_year,
        )
        if matches:
            raise PossibleDuplicate(matches)
    person.save()
    journal_record(action=JournalAction.CREATE, user=user, obj=person, request=request)
    return person


def _wait_for_namesakes(person: Person) -> None:
    """Two desks (or two tabs, each with its own form token) creating the same name at the same
    instant: on PostgreSQL the second waits here until the first commits, then finds it among
    the possible duplicates (security.md row 24). SQLite's immediate transactions already let
    one writer in at a time."""
    if connection.vendor != "postgresql":
        return
    person.refresh_keys()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"person {person.name_key}"])


def fields_apply(obj, fields: dict) -> list[str]:
    """Set `fields` on `obj`; return the sorted names of those that changed."""
    changed = []
    for name, value in fields.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed.append(name)
    return sorted(changed)


@transaction.atomic
def record_update(obj, *, user, request=None, **fields):
    """Change a record: apply `fields`, validate, save, and journal the names (never the values)
    of the fields that changed. The common update of every app's services."""
    changed = fields_apply(obj, fields)
    obj.full_clean()
    obj.save()
    if changed:
        journal_record(
            action=JournalAction.UPDATE,
            user=user,
            obj=obj,
            request=request,
            payload={"fields": changed},
        )
    return obj


def person_update(*, person: Person, user, request=None, **fields) -> Person:
    return record_update(person, user=user, request=request, **fields)


@transaction.atomic
def record_delete(obj, *, user, request=None) -> None:
    """Delete a record and journal which one it was (its reference, read before deletion)."""
    object_type, object_ref = object_type_of(obj), object_ref_of(obj)
    obj.delete()
    journal_record(
        action=JournalAction.DELETE,
        user=user,
        object_type=object_type,
        object_ref=object_ref,
        request=request,
    )


def person_delete(*, person: Person, user, request=None) -> None:
    record_delete(person, user=user, request=request)
