"""Merging two person records that are one human being (domain.md, "Merging duplicates").

An admin keeps one record (`kept`) and removes the other (`removed`), choosing each identity
field from either. In one transaction, every record that points at the removed person moves to
the kept one, whatever app it belongs to: the relations are read from `Person._meta` (every
foreign key and one-to-one to Person, hidden ones and the tables of many-to-many fields
included), never listed here, so that a model added later is moved without a change here.

A relation whose model is unique per person and something else (one enrollment per cohort, one
registration per session, one consent per channel) can collide: both persons have a row for
the same cohort. A collision keeps one row:

- the rule of the app that owns the model (`<app>.merge.RESOLVERS[label](kept_row,
  removed_row)`, gathered with `ceis.hooks.app_modules("merge")`), which returns the row to keep
  (after copying into it what only the other had) or raises `MergeConflict`;
- else the same row twice (same values) keeps the kept person's;
- else the model's latest row (`recorded_at`, `updated_at`, `created_at`, `date`) wins;
- else the merge is refused with a French message: nothing is dropped silently.

What pointed at the dropped row (the follow-up entries of a dropped enrollment) moves to the
row kept. Each app may also check the result (`<app>.merge.check(kept)`, e.g. no two
enrollments on one period) and refuse.

The removed person is deleted, not anonymised: once its records have moved it holds nothing
that the kept record does not, and an empty record left behind would still be counted,
searched and warned about as a duplicate. The journal is append-only: its entries about the
removed person stay as they were, and `merged_refs` lets the kept person's journal and right
of access include them. The merge itself is journalled on both records: the identifiers, the
fields taken from the removed record and the counts moved (codes and numbers, never values).
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import IntegrityError, models, transaction

from .choices import JournalAction
from .hooks import app_modules
from .models import JournalEntry, Person
from .services import journal_record

# The identity fields an admin chooses, in the order of the person form.
IDENTITY_FIELDS = (
    "site",
    "last_name",
    "first_name",
    "birth_date",
    "birth_year",
    "sex",
    "phone",
    "email",
    "postal_code",
    "commune",
    "neighbourhood",
    "education_level",
    "status",
    "france_travail_id",
)
# Fields compared to tell whether two colliding rows say the same thing: not these.
_BOOKKEEPING = {"id", "public_id", "created_at", "updated_at", "recorded_at", "registered_at"}
_LATEST = ("recorded_at", "updated_at", "created_at", "registered_at", "date")


class MergeConflict(ValidationError):
    """The two records hold data that cannot be put together automatically."""


@dataclass
class MergeResult:
    kept: Person
    removed_ref: str
    from_removed: list[str]
    moved: dict[str, int] = field(default_factory=dict)  # model label → rows moved
    dropped: dict[str, int] = field(default_factory=dict)  # model label → duplicate rows dropped


def person_relations() -> list[models.ForeignKey]:
    """Every foreign key (or one-to-one) of any model to Person, hidden ones and the
    automatic tables of many-to-many fields included."""
    return [
        relation.field
        for relation in Person._meta.get_fields(include_hidden=True)
        if relation.auto_created and not relation.concrete and not relation.many_to_many
    ]


def _unique_sets(model, fk: models.ForeignKey) -> list[tuple[tuple[str, ...], models.Q | None]]:
    """The unique field sets of `model` that include `fk`, with their condition if any."""
    sets = []
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and fk.name in constraint.fields:
            sets.append((tuple(constraint.fields), constraint.condition))
    for fields in model._meta.unique_together:
        if fk.name in fields:
            sets.append((tuple(fields), None))
    if fk.unique:
        sets.append(((fk.name,), None))
    return sets


def _resolvers() -> dict:
    resolvers = {}
    for module in app_modules("merge"):
        resolvers.update(getattr(module, "RESOLVERS", {}))
    return resolvers


def _comparable(row) -> dict:
    """The values that say what a row records (not its identifiers, dates of writing, person)."""
    return {
        f.attname: getattr(row, f.attname)
        for f in row._meta.concrete_fields
        if f.name not in _BOOKKEEPING
        and not f.primary_key
        and not (f.is_relation and f.related_model is Person)
    }


def default_resolve(kept_row, removed_row):
    """Same values: the kept person's row. Else the latest row of a dated model. Else refuse."""
    if _comparable(kept_row) == _comparable(removed_row):
        return kept_row
    for name in _LATEST:
        try:
            kept_row._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        kept_at, removed_at = getattr(kept_row, name), getattr(removed_row, name)
        if kept_at is None or removed_at is None:
            continue
        if isinstance(kept_at, datetime.date):  # datetimes too
            return removed_row if removed_at > kept_at else kept_row
    raise MergeConflict(
        f"Les deux fiches ont chacune un enregistrement « {kept_row._meta.verbose_name} » "
        "pour la même chose, avec des valeurs différentes : la fusion ne peut pas choisir. "
        "Corrigez ou supprimez l'un des deux, puis recommencez."
    )


def _repoint(loser, winner) -> None:
    """What points at `loser` (a row about to be dropped) points at `winner` instead."""
    for relation in loser._meta.get_fields(include_hidden=True):
        if relation.auto_created and not relation.concrete and not relation.many_to_many:
            relation.related_model._base_manager.filter(**{relation.field.name: loser}).update(
                **{relation.field.name: winner}
            )


def _move_relation(fk, kept: Person, removed: Person, resolvers: dict, result: MergeResult):
    model = fk.model
    label = model._meta.label
    manager = model._base_manager
    sets = _unique_sets(model, fk)
    dropped = 0
    if sets:
        removed_rows = list(manager.filter(**{fk.name: removed}))
        if not removed_rows:
            return
        kept_rows = list(manager.filter(**{fk.name: kept}))
        resolve = resolvers.get(label, default_resolve)
        for fields, condition in sets:
            others = [model._meta.get_field(name).attname for name in fields if name != fk.name]
            in_scope = _condition_ids(manager, condition, removed_rows + kept_rows)
            by_key = {
                tuple(getattr(row, name) for name in others): row
                for row in kept_rows
                if row.pk in in_scope
            }
            for row in list(removed_rows):
                match = by_key.get(tuple(getattr(row, name) for name in others))
                if row.pk not in in_scope or match is None:
                    continue
                winner = resolve(match, row)
                if winner is not match and winner is not row:
                    raise TypeError(f"{label}: a merge resolver returns one of the two rows")
                loser = row if winner is match else match
                _repoint(loser, winner)
                manager.filter(pk=loser.pk).delete()
                dropped += 1
                if loser is row:
                    removed_rows.remove(row)
                else:
                    kept_rows.remove(match)
                    by_key = {k: v for k, v in by_key.items() if v is not match}
        moved = manager.filter(pk__in=[row.pk for row in removed_rows]).update(**{fk.name: kept})
    else:
        moved = manager.filter(**{fk.name: removed}).update(**{fk.name: kept})
    if moved:
        result.moved[label] = moved
    if dropped:
        result.dropped[label] = dropped


def _condition_ids(manager, condition, rows) -> set:
    if condition is None:
        return {row.pk for row in rows}
    return set(
        manager.filter(condition, pk__in=[row.pk for row in rows]).values_list("pk", flat=True)
    )


def merge_preview(*, removed: Person) -> list[str]:
    """What points at the removed person, kind by kind: « 2 inscriptions (Unis'Vers) »."""
    counts: dict = {}
    for fk in person_relations():
        count = fk.model._base_manager.filter(**{fk.name: removed}).count()
        if count:
            # A many-to-many table is named after the model that holds the field (events…).
            model = fk.model._meta.auto_created or fk.model
            counts[model] = counts.get(model, 0) + count
    return [
        f"{count} {model._meta.verbose_name if count == 1 else model._meta.verbose_name_plural}"
        f" ({model._meta.app_config.verbose_name})"
        for model, count in counts.items()
    ]


def persons_merge(
    *, kept: Person, removed: Person, choices: dict[str, str], user, request=None
) -> MergeResult:
    """Merge `removed` into `kept`. `choices`: identity field → "kept" or "removed" (missing:
    "kept"). Raises `MergeConflict` (French message), changing nothing, when the records
    cannot be put together."""
    if kept.pk == removed.pk:
        raise MergeConflict("Choisissez deux fiches différentes.")
    from_removed = [name for name in IDENTITY_FIELDS if choices.get(name) == "removed"]
    try:
        with transaction.atomic():
            result = _merge(kept, removed, from_removed, user=user, request=request)
    except IntegrityError:
        raise MergeConflict(
            "La base de données a refusé la fusion : deux enregistrements des fiches ne "
            "peuvent pas coexister. Rien n'a été modifié."
        ) from None
    return result


def _merge(kept, removed, from_removed, *, user, request) -> MergeResult:
    # Both rows locked: a second admin merging the same records waits, then finds one gone.
    locked = {
        p.pk: p for p in Person.objects.select_for_update().filter(pk__in=[kept.pk, removed.pk])
    }
    if len(locked) != 2:
        raise MergeConflict(
            "L'une des deux fiches n'existe plus : elle a peut-être déjà été fusionnée."
        )
    kept, removed = locked[kept.pk], locked[removed.pk]
    for name in from_removed:
        setattr(kept, name, getattr(removed, name))
    try:
        kept.full_clean(exclude=["ref"])
    except ValidationError as error:
        raise MergeConflict(error.message_dict) from None
    result = MergeResult(kept=kept, removed_ref=str(removed.public_id), from_removed=from_removed)
    resolvers = _resolvers()
    for fk in person_relations():
        _move_relation(fk, kept, removed, resolvers, result)
    for module in app_modules("merge"):
        if hasattr(module, "check"):
            module.check(kept)
    # The exchange reference of a package follows the record; the earlier creation date stays.
    ref = kept.ref or removed.ref
    created_at = min(kept.created_at, removed.created_at)
    removed_ref = str(removed.public_id)
    removed.delete()
    kept.ref = ref
    kept.save()
    Person.objects.filter(pk=kept.pk).update(created_at=created_at)
    kept.created_at = created_at
    payload = {
        "merge": {
            "kept": str(kept.public_id),
            "removed": removed_ref,
            "fields_from_removed": from_removed,
            "moved": result.moved,
            "dropped": result.dropped,
        }
    }
    journal_record(
        action=JournalAction.UPDATE, user=user, obj=kept, request=request, payload=payload
    )
    journal_record(
        action=JournalAction.DELETE,
        user=user,
        object_type="ceis.person",
        object_ref=removed_ref,
        request=request,
        payload={"merged_into": str(kept.public_id)},
    )
    return result


def merged_refs(person: Person) -> list[str]:
    """The references (public ids) of the records merged into `person`, at any depth, read from
    the merge entries of the journal: its entries about them belong to this person now."""
    refs, frontier = [], [str(person.public_id)]
    while frontier and len(refs) < 100:
        payloads = JournalEntry.objects.filter(
            object_type="ceis.person",
            object_ref__in=frontier,
            action=JournalAction.UPDATE,
            payload__has_key="merge",
        ).values_list("payload", flat=True)
        found = [payload["merge"]["removed"] for payload in payloads]
        frontier = [ref for ref in found if ref not in refs]
        refs += frontier
    return refs
