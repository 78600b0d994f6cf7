"""Validate a whole package against the database, then apply it in one transaction, in bulk.

`PackageImport(path).validate()` reads every file, resolves every reference (inside the package
or to a record already in the database), checks the domain rules and plans what is created and
updated; `apply()` then writes it all with `bulk_create`/`bulk_update`, or nothing when there is
an error. Records are matched by `ref` (or by the `public_id` an export writes when a record has
no `ref`), by code for sites and neighbourhoods, and by their natural key elsewhere.
"""

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import models, transaction
from django.utils import timezone

from ceis.bounds import (
    BIRTH_DATE_FIELDS,
    DATE_MIN,
    check_birth_date,
    check_cohort_span,
    check_date,
)
from ceis.choices import JournalAction
from ceis.models import Person, Site
from ceis.services import journal_record
from unisvers.calendar import meeting_dates
from unisvers.choices import ExitOutcome, Weekday
from unisvers.models import Event, MeetingDay
from villages.assessment import classify
from villages.choices import SkillDomain

from .reader import PackageError, ParsedFile, read_package
from .spec import FILES, FILES_BY_NAME, FileSpec

BATCH = 2000
# Targets of `ref` columns whose records carry a `ref` and a `public_id`.
REF_TARGETS = {"people", "cohorts", "events", "workshops", "sessions"}
CODE_TARGETS = {"sites", "neighbourhoods"}
LABELS = {
    "sites": "site",
    "neighbourhoods": "quartier",
    "people": "personne",
    "cohorts": "promotion",
    "events": "événement",
    "workshops": "atelier",
    "sessions": "séance",
}


@dataclass(frozen=True)
class New:
    """A reference to a record the package creates: its id is known after its file is written."""

    target: str
    key: str


@dataclass(frozen=True)
class EntryEnrollment:
    """The enrollment a follow-up entry belongs to, found once people and enrollments are
    written: the person's enrollment in `cohort`, else the one the date falls in."""

    person: object
    date: object
    cohort: object = None


@dataclass
class FilePlan:
    creates: list[dict] = field(default_factory=list)
    updates: list[tuple] = field(default_factory=list)  # (object, changed values)
    unchanged: int = 0


def _model(spec: FileSpec):
    if spec.name == "event_attendance":
        return Event.attendees.through
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
    def __init__(self, path: Path):
        self.path = Path(path)
        self.errors: list[PackageError] = []
        self.plans: dict[str, FilePlan] = {}
        self.files: dict[str, ParsedFile] = {}
        self.manifest: dict[str, str] = {}

    # Validation --------------------------------------------------------------------------------

    def validate(self) -> bool:
        self.files, self.manifest, self.errors, self.broken = read_package(self.path)
        self._load_database()
        self._index_package()
        for spec in FILES:
            parsed = self.files.get(spec.name)
            if parsed is not None:
                self.plans[spec.name] = self._plan_file(spec, parsed)
        self._plan_person_sites()
        self.errors.sort(key=lambda e: (_file_order(e.file), e.line))
        return not self.errors

    def _error(self, spec: FileSpec, line: int, column: str, message: str) -> None:
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
                self.existing[spec.name] = {obj.code: obj for obj in model.objects.all()}
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
        self.db_cohort_dates = {
            obj.pk: (obj.start_date, obj.end_date)
            for obj in self.existing.get("cohorts", {}).values()
        }

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
                    self.package_rows[name].setdefault(row.values[key], row.values)

    def _resolve(self, target: str, value: str):
        """The id of the record named `value`, a `New` marker, or None when it exists nowhere."""
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
                    target_id = self._resolve(column.target, value)
                    if target_id is None:
                        self._error(
                            spec,
                            row.line,
                            column.name,
                            f"{LABELS[column.target]} « {value} » introuvable dans le paquet "
                            "et dans la base",
                        )
                        ok = False
                    resolved[column.name] = target_id
                elif column.kind == "text" and value and spec.model:
                    message = _text_error(fields[column.attr], value)
                    if message:
                        self._error(spec, row.line, column.name, message)
                        ok = False
                elif column.kind == "date" and value:
                    message = _date_error(column.name, value)
                    if message:
                        self._error(spec, row.line, column.name, message)
                        ok = False
            if not ok:
                continue
            key = tuple(
                resolved[name] if spec.column(name).kind == "ref" else values.get(name)
                for name in spec.key
            )
            raw_key = tuple(str(values.get(name)) for name in spec.key)
            if raw_key in seen or (key in seen and not any(isinstance(k, New) for k in key)):
                first = seen.get(raw_key, seen.get(key))
                self._error(
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
            for column in present:
                attr = f"{column.attr}_id" if column.kind == "ref" else column.attr
                record[attr] = (
                    resolved[column.name] if column.kind == "ref" else values[column.name]
                )
            self._derive(spec, record, values)
            obj = self._existing(spec, key)
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

    def _existing(self, spec: FileSpec, key: tuple):
        if any(isinstance(part, New) for part in key):
            return None
        existing = self.existing.get(spec.name, {})
        if len(spec.key) == 1:
            return existing.get(key[0]) or existing.get(_uuid_or_none(key[0]))
        return existing.get(key)

    def _derive(self, spec: FileSpec, record: dict, values: dict) -> None:
        """Values that are not columns: computed from the row."""
        if spec.key == ("ref",) and "ref" in record:
            record["ref"] = self._stored_ref(spec, values["ref"])
        if spec.name == "assessments":
            scores = {domain: values[domain] for domain in SkillDomain.values}
            record["classification"] = classify(
                internet_use_3m=values["internet_use_3m"], scores=scores
            )
        if spec.name == "cohorts" and not record.get("weekdays") and "weekdays" in record:
            record.pop("weekdays")  # an empty list keeps the recorded days (or derives them)
        if spec.name == "followups":
            self._derive_followup(spec, record, values)

    def _derive_followup(self, spec, record: dict, values: dict) -> None:
        """An entry belongs to an enrollment: the `cohort` column names it with the person; an
        empty cell ties a new entry by its date and keeps an existing entry's enrollment."""
        cohort = record.pop("enrollment__cohort_id", None)
        person = record["person_id"]
        if cohort is None:
            if self._existing(spec, (values["ref"],)) is None:
                record["enrollment_id"] = EntryEnrollment(person, values["date"])
            return
        known = self.db_enrollments.get((cohort, person))
        record["enrollment_id"] = known or EntryEnrollment(person, values["date"], cohort)

    def _stored_ref(self, spec, ref: str) -> str:
        """A record found by its `public_id` keeps its own `ref` (None for records made here)."""
        obj = self.existing.get(spec.name, {}).get(ref)
        if obj is not None and obj.ref != ref and str(obj.public_id) == ref:
            return obj.ref
        return ref

    # Domain rules (each returns False after recording its errors) ---------------------------------

    def _check_people(self, spec, row, resolved) -> bool:
        values = row.values
        birth_date, birth_year = values["birth_date"], values["birth_year"]
        if birth_date and birth_date > timezone.localdate():
            self._error(spec, row.line, "birth_date", "date de naissance dans le futur")
            return False
        if birth_date and birth_year and birth_date.year != birth_year:
            self._error(
                spec, row.line, "birth_year", "l'année ne correspond pas à la date de naissance"
            )
            return False
        return True

    def _check_cohorts(self, spec, row, resolved) -> bool:
        values = row.values
        if values["end_date"] < values["start_date"]:
            self._error(spec, row.line, "end_date", "la fin de la promotion précède son début")
            return False
        try:
            check_cohort_span(values["start_date"], values["end_date"])
        except ValidationError as error:
            self._error(spec, row.line, "end_date", error.messages[0])
            return False
        return True

    def _cohort_dates(self, ref: str, cohort_id):
        if ref in self.package_rows.get("cohorts", {}):
            values = self.package_rows["cohorts"][ref]
            start, end = values["start_date"], values["end_date"]
            # A cohort with its own errors is reported once, not through its rows.
            return (start, end) if start and end and start <= end else None
        return self.db_cohort_dates.get(cohort_id)

    def _check_enrollments(self, spec, row, resolved) -> bool:
        values = row.values
        errors = []
        entry, exit_date = values["entry_date"], values["exit_date"]
        outcome, reason = values["exit_outcome"], values["dropout_reason"]
        dates = self._cohort_dates(values["cohort"], resolved["cohort"])
        if dates and dates[1] and entry > dates[1]:
            errors.append(("entry_date", "la date d'entrée est après la fin de la promotion"))
        if exit_date and exit_date < entry:
            errors.append(("exit_date", "la date de sortie précède la date d'entrée"))
        if exit_date and not outcome:
            errors.append(("exit_outcome", "une sortie demande son motif"))
        if outcome and not exit_date:
            errors.append(("exit_date", "un motif de sortie demande une date de sortie"))
        if outcome == ExitOutcome.ABANDON and not reason:
            errors.append(("dropout_reason", "un abandon demande sa raison"))
        if reason and outcome != ExitOutcome.ABANDON:
            errors.append(("dropout_reason", "une raison d'abandon ne vaut que pour un abandon"))
        followup_date, situation = values["followup_3m_date"], values["followup_3m_situation"]
        if bool(followup_date) != bool(situation):
            errors.append(
                ("followup_3m_situation", "le suivi à 3 mois demande une date et une situation")
            )
        elif followup_date and not exit_date:
            errors.append(("followup_3m_date", "un suivi à 3 mois demande une sortie"))
        elif followup_date and followup_date < exit_date:
            errors.append(("followup_3m_date", "le suivi à 3 mois précède la sortie"))
        for column, message in errors:
            self._error(spec, row.line, column, message)
        return not errors

    def _check_followups(self, spec, row, resolved) -> bool:
        """An entry's cohort is one the person is enrolled in (database or package)."""
        if not hasattr(self, "db_enrollments"):
            from unisvers.models import Enrollment

            self.db_enrollments = {
                (cohort, person): pk
                for pk, cohort, person in Enrollment.objects.values_list(
                    "pk", "cohort_id", "person_id"
                )
            }
            parsed = self.files.get("enrollments")
            self.package_enrollments = {
                (
                    self._resolve("cohorts", r.values["cohort"]),
                    self._resolve("people", r.values["person"]),
                )
                for r in (parsed.rows if parsed else ())
                if r.ok
            }
        pair = (resolved["cohort"], resolved["person"])
        if pair[0] is None or pair in self.db_enrollments or pair in self.package_enrollments:
            return True
        self._error(
            spec,
            row.line,
            "cohort",
            f"la personne « {row.values['person']} » n'est pas inscrite dans la promotion "
            f"« {row.values['cohort']} »",
        )
        return False

    def _check_attendance(self, spec, row, resolved) -> bool:
        values = row.values
        dates = self._cohort_dates(values["cohort"], resolved["cohort"])
        if dates and not (dates[0] <= values["date"] <= dates[1]):
            self._error(
                spec,
                row.line,
                "date",
                f"le {values['date']:%Y-%m-%d} est en dehors de la promotion "
                f"(du {dates[0]:%Y-%m-%d} au {dates[1]:%Y-%m-%d})",
            )
            return False
        return True

    # Persons' site: the model needs one, people.csv has none ------------------------------------

    def _plan_person_sites(self) -> None:
        """A new person belongs to the site of their first record in the package (enrollment,
        help, registration, visit, event), else to the first site of the package or database."""
        plan = self.plans.get("people")
        if plan is None or not plan.creates:
            return
        wanted = {record["ref"] for record in plan.creates}
        site_of: dict[str, object] = {}

        def offer(person_ref, site_value):
            if person_ref in wanted and person_ref not in site_of and site_value is not None:
                site_of[person_ref] = site_value

        def via(target: str, ref: str):
            """The site of a cohort, session or event named `ref` (package first)."""
            if ref in self.package_rows.get(target, {}):
                return self._resolve("sites", self.package_rows[target][ref]["site"])
            obj = self.existing.get(target, {}).get(ref)
            return obj.site_id if obj is not None else None

        for name, pick in (
            ("enrollments", lambda v: via("cohorts", v["cohort"])),
            ("helps", lambda v: self._resolve("sites", v["site"])),
            ("registrations", lambda v: via("sessions", v["session"])),
            ("visits", lambda v: self._resolve("sites", v["site"]) if v["person"] else None),
            ("event_attendance", lambda v: via("events", v["event"])),
        ):
            parsed = self.files.get(name)
            for row in parsed.rows if parsed else ():
                offer(row.values.get("person"), pick(row.values))
        fallback = None
        if self.package_rows.get("sites"):
            fallback = self._resolve("sites", sorted(self.package_rows["sites"])[0])
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

    def summary(self) -> list[tuple[str, int, int, int]]:
        return [
            (FILES_BY_NAME[name].filename, len(p.creates), len(p.updates), p.unchanged)
            for name, p in self.plans.items()
        ]

    @transaction.atomic
    def apply(self, *, user=None) -> dict:
        if self.errors:
            raise ValueError("Le paquet contient des erreurs : rien n'est écrit.")
        # Cohort id → True when its calendar is (re)generated, False when only the dates of
        # new attendances are added to it.
        touched_cohorts: dict[int, bool] = {}
        for spec in FILES:
            plan = self.plans.get(spec.name)
            if plan is None:
                continue
            writer = getattr(self, f"_write_{spec.name}", None)
            if writer:
                writer(spec, plan, touched_cohorts)
            else:
                self._write(spec, plan)
        self._write_calendars(touched_cohorts)
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

    def _value(self, value):
        if isinstance(value, New):
            return self.ids[value.target][value.key]
        return value

    def _write(self, spec: FileSpec, plan: FilePlan, prepare=None) -> list:
        model = _model(spec)
        created = []
        for start in range(0, len(plan.creates), BATCH):
            objs = []
            for record in plan.creates[start : start + BATCH]:
                obj = model(**{attr: self._value(value) for attr, value in record.items()})
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
                self.ids[spec.name][getattr(obj, attr)] = obj.pk
        updated_fields: set[str] = set()
        objs = []
        for obj, changed in plan.updates:
            for attr, value in changed.items():
                setattr(obj, attr, self._value(value))
            if prepare:
                prepare(obj)
            updated_fields.update(changed)
            objs.append(obj)
        if objs:
            names = {model._meta.get_field(attr).name for attr in updated_fields}
            if spec.name == "people":
                names |= {"name_key", "phone_key"}
            if spec.name == "assessments":
                names.add("classification")
            model.objects.bulk_update(objs, sorted(names), batch_size=BATCH // 2)
        return created

    def _write_people(self, spec, plan, touched):
        created = self._write(spec, plan, prepare=Person.refresh_keys)
        for obj in created:
            self.person_site[obj.pk] = obj.site_id

    def _write_cohorts(self, spec, plan, touched):
        derived = self._attendance_weekdays()
        for record in plan.creates:
            if not record.get("weekdays"):
                record["weekdays"] = derived.get(record["ref"], [])
        created = self._write(spec, plan)
        touched.update(dict.fromkeys((obj.pk for obj in created), True))
        calendar_fields = {"start_date", "end_date", "weekdays"}
        touched.update(
            dict.fromkeys(
                (obj.pk for obj, changed in plan.updates if calendar_fields & set(changed)), True
            )
        )

    def _attendance_weekdays(self) -> dict[str, list[str]]:
        """For a cohort without weekdays: the weekdays of its attendance dates."""
        codes = Weekday.values
        found: dict[str, set] = defaultdict(set)
        parsed = self.files.get("attendance")
        for row in parsed.rows if parsed else ():
            found[row.values["cohort"]].add(row.values["date"].isoweekday())
        return {ref: [codes[n - 1] for n in sorted(days)] for ref, days in found.items()}

    def _write_attendance(self, spec, plan, touched):
        self._write(spec, plan)
        for record in plan.creates:
            touched.setdefault(self._value(record["cohort_id"]), False)

    def _write_followups(self, spec, plan, touched):
        """Enrollments are written before follow-ups: each entry's enrollment is found now."""
        from unisvers.selectors import enrollment_periods, pick_enrollment

        pending = [
            record
            for record in [*plan.creates, *(changed for _obj, changed in plan.updates)]
            if isinstance(record.get("enrollment_id"), EntryEnrollment)
        ]
        periods = enrollment_periods({self._value(r["enrollment_id"].person) for r in pending})
        for record in pending:
            entry = record["enrollment_id"]
            cohort = self._value(entry.cohort) if entry.cohort is not None else None
            record["enrollment_id"] = pick_enrollment(
                periods.get(self._value(entry.person), []), date=entry.date, cohort_id=cohort
            )
        self._write(spec, plan)

    def _write_assessments(self, spec, plan, touched):
        def prepare(obj):
            if obj.site_id is None:
                obj.site_id = self.person_site[obj.person_id]

        self._write(spec, plan, prepare=prepare)

    def _write_calendars(self, cohort_ids: dict[int, bool]) -> None:
        """Meeting days of the created cohorts and of those whose dates or weekdays changed:
        the generated days plus every date that has an attendance (a day added by hand), minus
        the days no longer wanted (as `unisvers.services` does: days with a register or a label
        inside the dates stay). Other cohorts only gain the dates of their new attendances."""
        if not cohort_ids:
            return
        from unisvers.models import Attendance, Cohort

        ids = sorted(cohort_ids)
        now = timezone.now()
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            cohorts = Cohort.objects.filter(pk__in=chunk)
            days = defaultdict(dict)
            for day in MeetingDay.objects.filter(cohort_id__in=chunk):
                days[day.cohort_id][day.date] = day
            registers = defaultdict(set)
            for cohort_id, date in (
                Attendance.objects.filter(cohort_id__in=chunk)
                .values_list("cohort_id", "date")
                .distinct()
            ):
                registers[cohort_id].add(date)
            new_days, stale = [], []
            for cohort in cohorts:
                existing = days[cohort.pk]
                regenerate = cohort_ids[cohort.pk]
                wanted = set(registers[cohort.pk])
                if regenerate:
                    wanted |= set(
                        meeting_dates(cohort.start_date, cohort.end_date, cohort.weekdays)
                    )
                for date in sorted(wanted - set(existing)):
                    taken = date in registers[cohort.pk]
                    new_days.append(
                        MeetingDay(
                            cohort=cohort, date=date, register_taken_at=now if taken else None
                        )
                    )
                if not regenerate:
                    continue
                stale.extend(
                    day.pk
                    for date, day in existing.items()
                    if date not in wanted
                    and not day.register_taken
                    and not (day.label and cohort.start_date <= date <= cohort.end_date)
                )
            MeetingDay.objects.bulk_create(new_days, batch_size=BATCH)
            MeetingDay.objects.filter(pk__in=stale).delete()


def _file_order(filename: str) -> int:
    names = ["manifest.csv", *(spec.filename for spec in FILES)]
    return names.index(filename) if filename in names else len(names)


def import_package(path: Path, *, dry_run: bool = False, user=None) -> PackageImport:
    """Validate, then apply unless `dry_run` or an error; the caller reads `.errors`."""
    job = PackageImport(path)
    if job.validate() and not dry_run:
        job.apply(user=user)
    return job
