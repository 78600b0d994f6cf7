"""Unis'Vers' files of the data package (ceis.package, docs/data-package.md): their columns,
the rules a row must follow, and how they are written.

The rules are the models' own (`Cohort.clean`, `Enrollment.clean`, with its overlap check), and
the meeting days of an imported cohort come from `services.calendar_changes`, as on the cohort
screens. Only what a package adds is written here: a follow-up entry names its enrollment by
cohort, and the days of a register follow the attendance rows.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from ceis.package.spec import FileSpec, col, ref, req

from .choices import (
    AttendanceStatus,
    Barrier,
    DropoutReason,
    EventKind,
    ExitOutcome,
    FollowupKind,
    FollowupSituation,
    Household,
    MinimumIncome,
    ReferralSource,
    Weekday,
)
from .models import Attendance, Cohort, Enrollment, MeetingDay
from .selectors import enrollment_periods, pick_enrollment
from .services import calendar_changes

CHUNK = 500  # cohorts whose calendars are written together
# A cohort the package creates has no id while rows are checked: the enrollment checked against
# it still needs one for `Enrollment.clean` to compare its dates with the cohort's.
NOT_YET_WRITTEN = -1


@dataclass(frozen=True)
class EntryEnrollment:
    """The enrollment a follow-up entry belongs to, found once people and enrollments are
    written: the person's enrollment in `cohort`, else the one the date falls in."""

    person: object
    date: object
    cohort: object = None


def _state(job) -> dict:
    """What this app remembers during one import (cohorts of the package, calendars to write)."""
    return job.scratch.setdefault("unisvers", {})


def _report(job, spec, row, error: ValidationError) -> None:
    for column, messages in error.message_dict.items():
        for message in messages:
            job.error(spec, row.line, column, message)


# Rules (each returns False after recording its errors) -------------------------------------------


def check_cohort(job, spec, row, resolved) -> bool:
    """`Cohort.clean`, except that an empty `weekdays` is allowed: the import takes the days of
    the cohort's attendance (`derive_cohort`, `write_cohorts`)."""
    values = row.values
    cohort = Cohort(
        start_date=values["start_date"], end_date=values["end_date"], weekdays=values["weekdays"]
    )
    try:
        cohort.clean()
    except ValidationError as error:
        if set(error.message_dict) != {"weekdays"} or values["weekdays"]:
            _report(job, spec, row, error)
            return False
    return True


def _cohort(job, ref_: str, cohort_id):
    """The cohort named `ref_` as the package states it (its row first, else the database), or
    None when its dates are wrong (its own row reports that once, not through every row)."""
    rows = job.package_rows.get("cohorts", {})
    if ref_ in rows:
        values = rows[ref_]
        start, end = values["start_date"], values["end_date"]
        if not (start and end and start <= end):
            return None
        pk = cohort_id if isinstance(cohort_id, int) else NOT_YET_WRITTEN
        return Cohort(pk=pk, name=values["name"], start_date=start, end_date=end)
    state = _state(job)
    if "db_cohorts" not in state:
        state["db_cohorts"] = {obj.pk: obj for obj in job.existing.get("cohorts", {}).values()}
    return state["db_cohorts"].get(cohort_id)


def _person_enrollments(job) -> dict:
    """Person (id, or the package's `New` marker) → their enrollments: those of the database,
    read once, then each valid row of the package as it is checked."""
    state = _state(job)
    if "person_enrollments" not in state:
        found = defaultdict(list)
        for enrollment in Enrollment.objects.select_related("cohort"):
            found[enrollment.person_id].append(enrollment)
        state["person_enrollments"] = found
    return state["person_enrollments"]


def check_enrollment(job, spec, row, resolved) -> bool:
    """`Enrollment.clean`: the exit, the 3-month follow-up, the entry within the cohort, and no
    other enrollment of the person on the same period, in the database or earlier in the
    package."""
    values = row.values
    enrollment = Enrollment(
        **{
            column.attr: values[column.name]
            for column in spec.columns
            if column.kind != "ref" and column.name in values
        }
    )
    person = resolved["person"]
    enrollment.person_id = person if isinstance(person, int) else None
    cohort = _cohort(job, values["cohort"], resolved["cohort"])
    if cohort is not None:
        enrollment.cohort = cohort
    existing = job.existing_record(spec, (resolved["cohort"], person))
    if existing is not None:
        enrollment.pk = existing.pk  # its own period is not an overlap
    known = _person_enrollments(job)[person]
    try:
        enrollment.clean(others=known)
    except ValidationError as error:
        _report(job, spec, row, error)
        return False
    if cohort is not None:  # later rows of the person are compared with this one, not its past
        known[:] = [other for other in known if enrollment.pk is None or other.pk != enrollment.pk]
        known.append(enrollment)
    return True


def check_followup(job, spec, row, resolved) -> bool:
    """An entry's cohort is one the person is enrolled in (database or package)."""
    state = _state(job)
    if "db_enrollments" not in state:
        state["db_enrollments"] = {
            (cohort, person): pk
            for pk, cohort, person in Enrollment.objects.values_list("pk", "cohort_id", "person_id")
        }
        parsed = job.files.get("enrollments")
        state["package_enrollments"] = {
            (
                job.resolve("cohorts", r.values["cohort"]),
                job.resolve("people", r.values["person"]),
            )
            for r in (parsed.rows if parsed else ())
            if r.ok
        }
    pair = (resolved["cohort"], resolved["person"])
    if pair[0] is None or pair in state["db_enrollments"] or pair in state["package_enrollments"]:
        return True
    job.error(
        spec,
        row.line,
        "cohort",
        f"la personne « {row.values['person']} » n'est pas inscrite dans la promotion "
        f"« {row.values['cohort']} »",
    )
    return False


def check_attendance(job, spec, row, resolved) -> bool:
    values = row.values
    cohort = _cohort(job, values["cohort"], resolved["cohort"])
    if cohort is not None and not (cohort.start_date <= values["date"] <= cohort.end_date):
        job.error(
            spec,
            row.line,
            "date",
            f"le {values['date']:%Y-%m-%d} est en dehors de la promotion "
            f"(du {cohort.start_date:%Y-%m-%d} au {cohort.end_date:%Y-%m-%d})",
        )
        return False
    return True


# Values that are not columns -------------------------------------------------------------------


def derive_cohort(job, spec, record, values) -> None:
    if not record.get("weekdays") and "weekdays" in record:
        record.pop("weekdays")  # an empty list keeps the recorded days (or derives them)


def derive_followup(job, spec, record, values) -> None:
    """An entry belongs to an enrollment: the `cohort` column names it with the person; an
    empty cell ties a new entry by its date and keeps an existing entry's enrollment."""
    cohort = record.pop("enrollment__cohort_id", None)
    person = record["person_id"]
    if cohort is None:
        if job.existing_record(spec, (values["ref"],)) is None:
            record["enrollment_id"] = EntryEnrollment(person, values["date"])
        return
    known = _state(job)["db_enrollments"].get((cohort, person))
    record["enrollment_id"] = known or EntryEnrollment(person, values["date"], cohort)


# Writing ---------------------------------------------------------------------------------------


def _touched(job) -> dict:
    """Cohort id → True when its calendar is (re)generated, False when only the dates of new
    attendances are added to it."""
    return _state(job).setdefault("touched", {})


def write_cohorts(job, spec, plan) -> None:
    derived = _attendance_weekdays(job)
    for record in plan.creates:
        if not record.get("weekdays"):
            record["weekdays"] = derived.get(record["ref"], [])
    created = job.write(spec, plan)
    touched = _touched(job)
    touched.update(dict.fromkeys((obj.pk for obj in created), True))
    calendar_fields = {"start_date", "end_date", "weekdays"}
    touched.update(
        dict.fromkeys(
            (obj.pk for obj, changed in plan.updates if calendar_fields & set(changed)), True
        )
    )


def _attendance_weekdays(job) -> dict[str, list[str]]:
    """For a cohort without weekdays: the weekdays of its attendance dates."""
    codes = Weekday.values
    found: dict[str, set] = defaultdict(set)
    parsed = job.files.get("attendance")
    for row in parsed.rows if parsed else ():
        found[row.values["cohort"]].add(row.values["date"].isoweekday())
    return {ref_: [codes[n - 1] for n in sorted(days)] for ref_, days in found.items()}


def write_attendance(job, spec, plan) -> None:
    job.write(spec, plan)
    touched = _touched(job)
    for record in plan.creates:
        touched.setdefault(job.value_of(record["cohort_id"]), False)


def write_followups(job, spec, plan) -> None:
    """Enrollments are written before follow-ups: each entry's enrollment is found now."""
    pending = [
        record
        for record in [*plan.creates, *(changed for _obj, changed in plan.updates)]
        if isinstance(record.get("enrollment_id"), EntryEnrollment)
    ]
    periods = enrollment_periods({job.value_of(r["enrollment_id"].person) for r in pending})
    for record in pending:
        entry = record["enrollment_id"]
        cohort = job.value_of(entry.cohort) if entry.cohort is not None else None
        record["enrollment_id"] = pick_enrollment(
            periods.get(job.value_of(entry.person), []), date=entry.date, cohort_id=cohort
        )
    job.write(spec, plan)


def finish(job) -> None:
    """The meeting days of the cohorts the package created or whose dates or weekdays changed,
    plus a day for every date that has an attendance (`calendar_changes`); other cohorts only
    gain the dates of their new attendances."""
    cohort_ids = _touched(job)
    ids = sorted(cohort_ids)
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
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
        for cohort in Cohort.objects.filter(pk__in=chunk):
            add, drop = calendar_changes(
                cohort,
                days[cohort.pk],
                registers=frozenset(registers[cohort.pk]),
                regenerate=cohort_ids[cohort.pk],
            )
            new_days.extend(add)
            stale.extend(drop)
        MeetingDay.objects.bulk_create(new_days, batch_size=job.BATCH)
        MeetingDay.objects.filter(pk__in=stale).delete()


FILES: tuple[FileSpec, ...] = (
    FileSpec(
        "targets",
        "unisvers.Target",
        (
            ref("site", "sites"),
            req("year", "int", bounds=(2000, 2100)),
            req("persons", "int", bounds=(0, 10**9)),
        ),
        key=("site", "year"),
    ),
    FileSpec(
        "cohorts",
        "unisvers.Cohort",
        (
            req("ref"),
            ref("site", "sites"),
            req("name"),
            req("start_date", "date"),
            req("end_date", "date"),
            col("weekdays", "codes", choices=Weekday),
            col("capacity", "int", bounds=(1, 32767)),
        ),
        key=("ref",),
        label="promotion",
        check=check_cohort,
        derive=derive_cohort,
        write=write_cohorts,
    ),
    FileSpec(
        "enrollments",
        "unisvers.Enrollment",
        (
            ref("cohort", "cohorts"),
            ref("person", "people"),
            col("referral_source", "code", choices=ReferralSource),
            col("referral_date", "date"),
            col("referral_adviser"),
            req("entry_date", "date"),
            col("minimum_income", "code", choices=MinimumIncome),
            col("monthly_income_eur", "int", bounds=(0, 10**9)),
            col("household", "code", choices=Household),
            col("barriers", "codes", choices=Barrier),
            col("domestic_violence", "bool"),
            col("health_problem", "bool"),
            col("confidence_entry", "int", bounds=(1, 10)),
            col("confidence_exit", "int", bounds=(1, 10)),
            col("exit_date", "date"),
            col("exit_outcome", "code", choices=ExitOutcome, example="abandon"),
            col("dropout_reason", "code", choices=DropoutReason),
            col("followup_3m_date", "date"),
            col("followup_3m_situation", "code", choices=FollowupSituation),
            col("followup_6m_date", "date"),
            col("followup_6m_situation", "code", choices=FollowupSituation),
        ),
        key=("cohort", "person"),
        check=check_enrollment,
        person_site=(1, lambda job, values: job.site_of("cohorts", values["cohort"])),
    ),
    FileSpec(
        "attendance",
        "unisvers.Attendance",
        (
            ref("cohort", "cohorts"),
            ref("person", "people"),
            req("date", "date"),
            req("status", "code", choices=AttendanceStatus),
        ),
        key=("cohort", "person", "date"),
        check=check_attendance,
        write=write_attendance,
    ),
    FileSpec(
        "followups",
        "unisvers.FollowUp",
        (
            req("ref"),
            ref("person", "people"),
            req("date", "date"),
            req("kind", "code", choices=FollowupKind),
            # The cohort of the enrollment the entry belongs to (security.md row 17).
            ref("cohort", "cohorts", required=False, field="enrollment__cohort"),
            col("orientation"),
            col("note"),
        ),
        key=("ref",),
        notes=("note",),
        check=check_followup,
        derive=derive_followup,
        write=write_followups,
    ),
    FileSpec(
        "events",
        "unisvers.Event",
        (
            req("ref"),
            ref("site", "sites"),
            req("date", "date"),
            req("kind", "code", choices=EventKind),
            col("title"),
        ),
        key=("ref",),
        label="événement",
    ),
    FileSpec(
        "event_attendance",
        "",
        (ref("event", "events"), ref("person", "people")),
        key=("event", "person"),
        through="unisvers.Event.attendees",
        person_site=(5, lambda job, values: job.site_of("events", values["event"])),
    ),
    FileSpec(
        "testimonials",
        "unisvers.Testimonial",
        (
            req("ref"),
            ref("person", "people"),
            req("date", "date"),
            req("quote"),
            req("display_name"),
            req("publication_consent", "bool"),
        ),
        key=("ref",),
    ),
)
