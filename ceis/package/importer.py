"""Validate a whole package against the database, then apply it in one transaction, in bulk.

`PackageImport(path).validate()` reads every file, resolves every reference (inside the package
or to a record already in the database), checks the domain rules and plans what is created and
updated; `apply()` then writes it all with `bulk_create`/`bulk_update`, or nothing when there is
an error. The rules and writers of a programme's files are its own (`<app>/package.py`, hooks of
its `FileSpec`s, called with this object as `job`). Records are matched by `ref` (or by the
`public_id` an export writes when a record has no `ref`), by code for sites and neighbourhoods,
and by their natural key elsewhere.
"""

import functools
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import models, transaction

from ceis.bounds import (
    BIRTH_DATE_FIELDS,
    DATE_MIN,
    check_birth_date,
    check_date,
)
from ceis.choices import JournalAction
from ceis.hooks import app_modules
from ceis.models import Person, Site
from ceis.services import journal_record

from .reader import PackageError, ParsedFile, formats_summary, read_package
from .spec import FILES, FILES_BY_NAME, FileSpec

BATCH = 2000
CODE_TARGETS = {"sites", "neighbourhoods"}
# Targets of `ref` columns whose records carry a `ref` and a `public_id`.
REF_TARGETS = {
    column.target for spec in FILES for column in spec.columns if column.kind == "ref"
} - CODE_TARGETS
LABELS = {spec.name: spec.label for spec in FILES if spec.label}


def code_key(target: str, value):
    """How a key is looked up: site and neighbourhood codes regardless of case (`ceis`, `Ceis`
    and `CEIS` name one site, whose code is stored as first written), refs exactly."""
    return value.casefold() if target in CODE_TARGETS and isinstance(value, str) else value


@dataclass(frozen=True)
class New:
    """A reference to a record the package creates: its id is known after its file is written."""

    target: str
    key: str


@dataclass
class FilePlan:
    creates: list[dict] = field(default_factory=list)
    updates: list[tuple] = field(default_factory=list)  # (object, changed values)
    unchanged: int = 0
    # (key, existing object or None, {column: value}) of the unstored columns present in the
    # file, for every row kept: the owning app's `write` applies them.
    extras: list[tuple] = field(default_factory=list)


def _model(spec: FileSpec):
    if spec.through:
        model, relation = spec.through.rsplit(".", 1)
        return getattr(apps.get_model(model), relation).through
    return apps.get_model(spec.model)


def _text_error(model_field, value: str) -> str:
    """The model field's validators, except the strict e-mail syntax: addresses in the field
    (accented local parts…) are kept as they are, only an address without "@" is refused."""
    if isinstance(model_field, models.EmailField):
        if "@" not in value:
            return f"adresse e-mail invalide « {value} »"
        validators = [v for v in model_field.validators if not isinstance(v, EmailValidator)]
    else:
        validators = model_field.validators
    for validator in validators:
        try:
            validator(value)
        except ValidationError as error:
            return " ".join(error.messages) + f" « {value} »"
    return ""


def _date_error(name: str, value) -> str:
    """The bounds of every date (ceis.bounds); a birth date in the future is a rule of the
    people file, checked with the others."""
    try:
        if name not in BIRTH_DATE_FIELDS:
            check_date(value)
        elif value < DATE_MIN:
            check_birth_date(value)
    except ValidationError as error:
        return f"{error.messages[0]} « {value} »"
    return ""


def _uuid_or_none(text: str):
    try:
        return str(uuid.UUID(text))
    except (ValueError, AttributeError):
        return None


class PackageImport:
    BATCH = BATCH

    def __init__(self, path: Path):
        self.path = Path(path)
        self.errors: list[PackageError] = []
        self.plans: dict[str, FilePlan] = {}
        self.files: dict[str, ParsedFile] = {}
        self.manifest: dict[str, str] = {}
        self.scratch: dict[str, dict] = {}  # what each app's hooks keep during one import
        self.formats: dict = {}  # file name → ceis.package.reader.FileFormat

    # Validation --------------------------------------------------------------------------------

    def validate(self) -> bool:
        self.files, self.manifest, self.errors, self.broken, self.formats = read_package(self.path)
        self._load_database()
        self._index_package()
        for spec in FILES:
            parsed = self.files.get(spec.name)
            if parsed is not None:
                self.plans[spec.name] = self._plan_file(spec, parsed)
        self._plan_person_sites()
        self.errors.sort(key=lambda e: (_file_order(e.file), e.line))
        return not self.errors

    def error(self, spec: FileSpec, line: int, column: str, message: str) -> None:
        self.errors.append(PackageError(spec.filename, line, column, message))

    def _load_database(self) -> None:
        """Key → id of every record a reference may name, and the records a row may update."""
        self.ids: dict[str, dict[str, int]] = {}
        self.existing: dict[str, dict] = {}
        for spec in FILES:
            if spec.name not in self.files and spec.name not in REF_TARGETS | CODE_TARGETS:
                continue
            model = _model(spec)
            if spec.key == ("ref",):
                by_key = {}
                for obj in model.objects.all():
                    by_key[str(obj.public_id)] = obj
                    if obj.ref:
                        by_key[obj.ref] = obj
                self.existing[spec.name] = by_key
            elif spec.key == ("code",):
                self.existing[spec.name] = {
                    code_key(spec.name, obj.code): obj for obj in model.objects.all()
                }
            else:
                attrs = [
                    f"{name}_id" if spec.column(name).kind == "ref" else name for name in spec.key
                ]
                self.existing[spec.name] = {
                    tuple(getattr(obj, attr) for attr in attrs): obj for obj in model.objects.all()
                }
            if spec.name in REF_TARGETS | CODE_TARGETS:
                self.ids[spec.name] = {key: obj.pk for key, obj in self.existing[spec.name].items()}
        self.person_site = dict(Person.objects.values_list("pk", "site_id"))

    def _index_package(self) -> None:
        """Row values by key of the files other rows may refer to (first occurrence wins)."""
        self.package_rows: dict[str, dict[str, dict]] = defaultdict(dict)
        for name in REF_TARGETS | CODE_TARGETS:
            parsed = self.files.get(name)
            if parsed is None:
                continue
            key = FILES_BY_NAME[name].key[0]
            for row in parsed.rows:
                if row.values.get(key):
                    self.package_rows[name].setdefault(code_key(name, row.values[key]), row.values)

    def resolve(self, target: str, value: str):
        """The id of the record named `value`, a `New` marker, or None when it exists nowhere."""
        value = code_key(target, value)
        if value in self.ids.get(target, {}):
            return self.ids[target][value]
        if value in self.package_rows.get(target, {}) or target in self.broken:
            return New(target, value)
        return None

    def _plan_file(self, spec: FileSpec, parsed: ParsedFile) -> FilePlan:
        plan = FilePlan()
        model = _model(spec)
        fields = {f.attname: f for f in model._meta.concrete_fields}
        present = [spec.column(name) for name in parsed.columns]
        if spec.check:
            check = functools.partial(spec.check, self)
        else:
            check = getattr(self, f"_check_{spec.name}", None)
        seen: dict[tuple, int] = {}
        for row in parsed.rows:
            if not row.ok:
                continue
            values = row.values
            ok = True
            resolved = {}
            for column in spec.columns:
                value = values.get(column.name)
                if column.kind == "ref":
                    if not value:
                        resolved[column.name] = None
                        continue
                    target_id = self.resolve(column.target, value)
                    if target_id is None:
                        self.error(
                            spec,
                            row.line,
                            column.name,
                            f"{LABELS[column.target]} « {value} » introuvable dans le paquet "
                            "et dans la base",
                        )
                        ok = False
                    resolved[column.name] = target_id
                elif column.kind == "text" and value and spec.model and column.stored:
                    message = _text_error(fields[column.attr], value)
                    if message:
                        self.error(spec, row.line, column.name, message)
                        ok = False
                elif column.kind == "date" and value:
                    message = _date_error(column.name, value)
                    if message:
                        self.error(spec, row.line, column.name, message)
                        ok = False
            if not ok:
                continue
            if spec.name in CODE_TARGETS:
                # The stored code is kept: `ceis` updates the site `CEIS`, it does not rename it.
                obj = self.existing_record(spec, (values["code"],))
                if obj is not None:
                    values = {**values, "code": obj.code}
            key = tuple(
                resolved[name] if spec.column(name).kind == "ref" else values.get(name)
                for name in spec.key
            )
            raw_key = tuple(str(code_key(spec.name, values.get(name))) for name in spec.key)
            if raw_key in seen or (key in seen and not any(isinstance(k, New) for k in key)):
                first = seen.get(raw_key, seen.get(key))
                self.error(
                    spec,
                    row.line,
                    spec.key[0],
                    f"doublon de la clé ({', '.join(spec.key)}) déjà vue ligne {first}",
                )
                continue
            seen[raw_key] = seen[key] = row.line
            if check and not check(spec, row, resolved):
                continue
            record = {}
            extras = {}
            for column in present:
                if not column.stored:
                    extras[column.name] = values[column.name]
                    continue
                attr = f"{column.attr}_id" if column.kind == "ref" else column.attr
                record[attr] = (
                    resolved[column.name] if column.kind == "ref" else values[column.name]
                )
            self._derive(spec, record, values)
            obj = self.existing_record(spec, key)
            if extras:
                plan.extras.append((key, obj, extras))
            if obj is None:
                for attr, value in list(record.items()):
                    model_field = fields.get(attr)
                    if value is None and model_field is not None and not model_field.null:
                        record[attr] = model_field.get_default()
                plan.creates.append(record)
                continue
            changed = {}
            for attr, value in record.items():
                model_field = fields.get(attr)
                if value is None and model_field is not None and not model_field.null:
                    continue  # empty = unknown: keeps the recorded value
                if isinstance(value, New) or getattr(obj, attr) != value:
                    changed[attr] = value
            if changed:
                plan.updates.append((obj, changed))
            else:
                plan.unchanged += 1
        return plan

    def existing_record(self, spec: FileSpec, key: tuple):
        if any(isinstance(part, New) for part in key):
            return None
        existing = self.existing.get(spec.name, {})
        if len(spec.key) == 1:
            key = (code_key(spec.name, key[0]),)
            return existing.get(key[0]) or existing.get(_uuid_or_none(key[0]))
        return existing.get(key)

    def _derive(self, spec: FileSpec, record: dict, values: dict) -> None:
        """Values that are not columns: computed from the row."""
        if spec.key == ("ref",) and "ref" in record:
            record["ref"] = self._stored_ref(spec, values["ref"])
        if spec.derive:
            spec.derive(self, spec, record, values)

    def _stored_ref(self, spec, ref: str) -> str:
        """A record found by its `public_id` keeps its own `ref` (None for records made here)."""
        obj = self.existing.get(spec.name, {}).get(ref)
        if obj is not None and obj.ref != ref and str(obj.public_id) == ref:
            return obj.ref
        return ref

    # Domain rules (each returns False after recording its errors) ---------------------------------

    def _check_people(self, spec, row, resolved) -> bool:
        """`Person.clean`: the birth date within its bounds, the year agreeing with it."""
        values = row.values
        person = Person(birth_date=values["birth_date"], birth_year=values["birth_year"])
        try:
            person.clean()
        except ValidationError as error:
            for column, messages in error.message_dict.items():
                for message in messages:
                    self.error(spec, row.line, column, message)
            return False
        return True

    # Persons' site: the model needs one, people.csv has none ------------------------------------

    def site_of(self, target: str, ref: str):
        """The site of a record of `target` (a cohort, session or event) named `ref`, package
        first."""
        if ref in self.package_rows.get(target, {}):
            return self.resolve("sites", self.package_rows[target][ref]["site"])
        obj = self.existing.get(target, {}).get(ref)
        return obj.site_id if obj is not None else None

    def _plan_person_sites(self) -> None:
        """A new person belongs to the site of their first record in the package (the files'
        `person_site`, by rank: enrollment, help, registration, visit, event), else to the first
        site of the package or database."""
        plan = self.plans.get("people")
        if plan is None or not plan.creates:
            return
        wanted = {record["ref"] for record in plan.creates}
        site_of: dict[str, object] = {}

        def offer(person_ref, site_value):
            if person_ref in wanted and person_ref not in site_of and site_value is not None:
                site_of[person_ref] = site_value

        ranked = sorted(
            (spec for spec in FILES if spec.person_site), key=lambda s: s.person_site[0]
        )
        for spec in ranked:
            pick = spec.person_site[1]
            parsed = self.files.get(spec.name)
            for row in parsed.rows if parsed else ():
                offer(row.values.get("person"), pick(self, row.values))
        fallback = None
        if self.package_rows.get("sites"):
            fallback = self.resolve("sites", sorted(self.package_rows["sites"])[0])
        if fallback is None:
            first = Site.objects.order_by("code").values_list("pk", flat=True).first()
            fallback = first
        lines = {row.values["ref"]: row.line for row in self.files["people"].rows}
        for record in plan.creates:
            site = site_of.get(record["ref"], fallback)
            if site is None and "sites" not in self.broken:
                self.errors.append(
                    PackageError(
                        "people.csv",
                        lines.get(record["ref"], 0),
                        "ref",
                        "aucun site pour cette personne (ajoutez sites.csv)",
                    )
                )
            record["site_id"] = site

    # Writing -----------------------------------------------------------------------------------

    def reading(self) -> list[str]:
        """How the files were read (encoding, separator), as the report says it."""
        return formats_summary(self.formats)

    def summary(self) -> list[tuple[str, int, int, int]]:
        return [
            (FILES_BY_NAME[name].filename, len(p.creates), len(p.updates), p.unchanged)
            for name, p in self.plans.items()
        ]

    @transaction.atomic
    def apply(self, *, user=None) -> dict:
        if self.errors:
            raise ValueError("Le paquet contient des erreurs : rien n'est écrit.")
        for spec in FILES:
            plan = self.plans.get(spec.name)
            if plan is None:
                continue
            if spec.write:
                spec.write(self, spec, plan)
            elif spec.name == "people":
                self._write_people(spec, plan)
            else:
                self.write(spec, plan)
        for module in app_modules("package"):
            finish = getattr(module, "finish", None)
            if finish:
                finish(self)  # what a programme writes once its files are (its calendars)
        counts = {
            "created": {name: len(p.creates) for name, p in self.plans.items() if p.creates},
            "updated": {name: len(p.updates) for name, p in self.plans.items() if p.updates},
        }
        journal_record(
            action=JournalAction.CREATE,
            user=user,
            object_type="ceis.package",
            object_ref=self.manifest.get("source", "")[:100],
            payload={"format": "ceis.package/1", **counts},
        )
        return counts

    def value_of(self, value):
        if isinstance(value, New):
            return self.ids[value.target][value.key]
        return value

    def write(self, spec: FileSpec, plan: FilePlan, prepare=None) -> list:
        model = _model(spec)
        created = []
        for start in range(0, len(plan.creates), BATCH):
            objs = []
            for record in plan.creates[start : start + BATCH]:
                obj = model(**{attr: self.value_of(value) for attr, value in record.items()})
                if prepare:
                    prepare(obj)
                objs.append(obj)
            created.extend(model.objects.bulk_create(objs))
        if spec.name in REF_TARGETS | CODE_TARGETS:
            attr = spec.key[0]
            missing = [obj for obj in created if obj.pk is None]
            if missing:  # databases that do not return the ids of a bulk insert
                keys = [getattr(obj, attr) for obj in missing]
                found = dict(model.objects.filter(**{f"{attr}__in": keys}).values_list(attr, "pk"))
                for obj in missing:
                    obj.pk = found[getattr(obj, attr)]
            for obj in created:
                self.ids[spec.name][code_key(spec.name, getattr(obj, attr))] = obj.pk
        updated_fields: set[str] = set()
        objs = []
        for obj, changed in plan.updates:
            for attr, value in changed.items():
                setattr(obj, attr, self.value_of(value))
            if prepare:
                prepare(obj)
            updated_fields.update(changed)
            objs.append(obj)
        if objs:
            names = {model._meta.get_field(attr).name for attr in updated_fields}
            names |= set(spec.derived_fields)
            model.objects.bulk_update(objs, sorted(names), batch_size=BATCH // 2)
        return created

    def _write_people(self, spec, plan):
        created = self.write(spec, plan, prepare=Person.refresh_keys)
        for obj in created:
            self.person_site[obj.pk] = obj.site_id


def _file_order(filename: str) -> int:
    names = ["manifest.csv", *(spec.filename for spec in FILES)]
    return names.index(filename) if filename in names else len(names)


def import_package(path: Path, *, dry_run: bool = False, user=None) -> PackageImport:
    """Validate, then apply unless `dry_run` or an error; the caller reads `.errors`."""
    job = PackageImport(path)
    if job.validate() and not dry_run:
        job.apply(user=user)
    return job
