"""The files and columns of `ceis.package/1` (shared/spec/data-package.md), in import order.

Each column says how its text is parsed (`kind`) and which model attribute it fills (`field`).
A `ref` column points to another file's key (`target`): `sites` and `neighbourhoods` by code,
the others by `ref`.
"""

from dataclasses import dataclass, field

from ceis.choices import EducationLevel, ProfessionalStatus, Sex
from unisvers.choices import (
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
from villages.choices import (
    Attendance as SessionAttendance,
)
from villages.choices import (
    Autonomy,
    DigitalTheme,
    Orientation,
    Procedure,
    RegistrationStatus,
    WorkshopFormat,
    WorkshopLevel,
)

FORMAT = "ceis.package/1"


@dataclass(frozen=True)
class Column:
    name: str
    kind: str = "text"  # text, code, codes, date, datetime, bool, int, ref
    required: bool = False
    field: str = ""  # the model attribute (defaults to `name`; a ref fills `<field>_id`)
    choices: type | None = None
    target: str = ""  # for `ref`: the file whose key it names
    bounds: tuple[int, int] | None = None  # for `int`: inclusive range

    @property
    def attr(self) -> str:
        return self.field or self.name


@dataclass(frozen=True)
class FileSpec:
    name: str  # file name without `.csv`
    model: str  # "app_label.Model", or "" for the manifest and the event attendance table
    columns: tuple[Column, ...]
    key: tuple[str, ...]  # the columns identifying a record (`ref`, a code, or a natural key)
    notes: tuple[str, ...] = field(default=())  # columns written only with --include-notes

    @property
    def filename(self) -> str:
        return f"{self.name}.csv"

    def column(self, name: str) -> Column:
        return next(column for column in self.columns if column.name == name)


def _c(name, kind="text", required=False, **kwargs) -> Column:
    return Column(name=name, kind=kind, required=required, **kwargs)


def _req(name, kind="text", **kwargs) -> Column:
    return Column(name=name, kind=kind, required=True, **kwargs)


def _ref(name, target, required=True, **kwargs) -> Column:
    return Column(name=name, kind="ref", required=required, target=target, **kwargs)


MANIFEST = FileSpec("manifest", "", (_req("key"), _c("value")), key=("key",))

FILES: tuple[FileSpec, ...] = (
    FileSpec(
        "sites",
        "ceis.Site",
        (_req("code"), _req("name"), _c("address")),
        key=("code",),
    ),
    FileSpec(
        "neighbourhoods",
        "ceis.Neighbourhood",
        (_req("code"), _req("name"), _c("centre_ville", "bool"), _c("qpv_code")),
        key=("code",),
    ),
    FileSpec(
        "people",
        "ceis.Person",
        (
            _req("ref"),
            _req("last_name"),
            _req("first_name"),
            _c("birth_date", "date"),
            _c("birth_year", "int", bounds=(1900, 2100)),
            _c("sex", "code", choices=Sex),
            _c("postal_code"),
            _c("commune"),
            _ref("neighbourhood", "neighbourhoods", required=False),
            _c("education_level", "code", choices=EducationLevel),
            _c("status", "code", choices=ProfessionalStatus),
            _c("france_travail_id"),
            _c("phone"),
            _c("email"),
        ),
        key=("ref",),
    ),
    FileSpec(
        "targets",
        "unisvers.Target",
        (
            _ref("site", "sites"),
            _req("year", "int", bounds=(2000, 2100)),
            _req("persons", "int", bounds=(0, 10**9)),
        ),
        key=("site", "year"),
    ),
    FileSpec(
        "cohorts",
        "unisvers.Cohort",
        (
            _req("ref"),
            _ref("site", "sites"),
            _req("name"),
            _req("start_date", "date"),
            _req("end_date", "date"),
            _c("weekdays", "codes", choices=Weekday),
            _c("capacity", "int", bounds=(1, 32767)),
        ),
        key=("ref",),
    ),
    FileSpec(
        "enrollments",
        "unisvers.Enrollment",
        (
            _ref("cohort", "cohorts"),
            _ref("person", "people"),
            _c("referral_source", "code", choices=ReferralSource),
            _c("referral_date", "date"),
            _c("referral_adviser"),
            _req("entry_date", "date"),
            _c("minimum_income", "code", choices=MinimumIncome),
            _c("monthly_income_eur", "int", bounds=(0, 10**9)),
            _c("household", "code", choices=Household),
            _c("barriers", "codes", choices=Barrier),
            _c("domestic_violence", "bool"),
            _c("health_problem", "bool"),
            _c("confidence_entry", "int", bounds=(1, 10)),
            _c("confidence_exit", "int", bounds=(1, 10)),
            _c("exit_date", "date"),
            _c("exit_outcome", "code", choices=ExitOutcome),
            _c("dropout_reason", "code", choices=DropoutReason),
            _c("followup_3m_date", "date"),
            _c("followup_3m_situation", "code", choices=FollowupSituation),
        ),
        key=("cohort", "person"),
    ),
    FileSpec(
        "attendance",
        "unisvers.Attendance",
        (
            _ref("cohort", "cohorts"),
            _ref("person", "people"),
            _req("date", "date"),
            _req("status", "code", choices=AttendanceStatus),
        ),
        key=("cohort", "person", "date"),
    ),
    FileSpec(
        "followups",
        "unisvers.FollowUp",
        (
            _req("ref"),
            _ref("person", "people"),
            _req("date", "date"),
            _req("kind", "code", choices=FollowupKind),
            # The cohort of the enrollment the entry belongs to (security.md row 17).
            _ref("cohort", "cohorts", required=False, field="enrollment__cohort"),
            _c("orientation"),
            _c("note"),
        ),
        key=("ref",),
        notes=("note",),
    ),
    FileSpec(
        "events",
        "unisvers.Event",
        (
            _req("ref"),
            _ref("site", "sites"),
            _req("date", "date"),
            _req("kind", "code", choices=EventKind),
            _c("title"),
        ),
        key=("ref",),
    ),
    FileSpec(
        "event_attendance",
        "",
        (_ref("event", "events"), _ref("person", "people")),
        key=("event", "person"),
    ),
    FileSpec(
        "testimonials",
        "unisvers.Testimonial",
        (
            _req("ref"),
            _ref("person", "people"),
            _req("date", "date"),
            _req("quote"),
            _req("display_name"),
            _req("publication_consent", "bool"),
        ),
        key=("ref",),
    ),
    FileSpec(
        "workshops",
        "villages.Workshop",
        (
            _req("ref"),
            _req("title"),
            _req("theme", "code", choices=DigitalTheme),
            _c("format", "code", choices=WorkshopFormat),
            _c("level", "code", choices=WorkshopLevel),
            _c("partner"),
        ),
        key=("ref",),
    ),
    FileSpec(
        "sessions",
        "villages.Session",
        (
            _req("ref"),
            _ref("workshop", "workshops"),
            _ref("site", "sites"),
            _req("start", "datetime"),
            _req("duration_min", "int", bounds=(1, 32767)),
            _req("capacity", "int", bounds=(1, 32767)),
        ),
        key=("ref",),
    ),
    FileSpec(
        "registrations",
        "villages.Registration",
        (
            _ref("session", "sessions"),
            _ref("person", "people"),
            _c("registered_at", "datetime"),
            _req("status", "code", choices=RegistrationStatus),
            _c("attendance", "code", choices=SessionAttendance),
        ),
        key=("session", "person"),
    ),
    FileSpec(
        "helps",
        "villages.IndividualHelp",
        (
            _req("ref"),
            _ref("person", "people"),
            _ref("site", "sites"),
            _req("date", "date"),
            _c("duration_min", "int", bounds=(1, 32767)),
            _c("themes", "codes", choices=DigitalTheme),
            _c("procedures", "codes", choices=Procedure),
            _c("urgent", "bool"),
            _c("autonomy", "code", choices=Autonomy),
            _c("orientation", "code", choices=Orientation),
        ),
        key=("ref",),
    ),
    FileSpec(
        "visits",
        "villages.Visit",
        (
            _req("ref"),
            _ref("site", "sites"),
            _req("date", "date"),
            _ref("person", "people", required=False),
            _c("volunteer_help", "bool"),
        ),
        key=("ref",),
    ),
    FileSpec(
        "assessments",
        "villages.Assessment",
        (
            _req("ref"),
            _ref("person", "people"),
            _req("date", "date"),
            _req("internet_use_3m", "bool"),
            _req("information", "int", bounds=(0, 2)),
            _req("communication", "int", bounds=(0, 2)),
            _req("contenus", "int", bounds=(0, 2)),
            _req("securite", "int", bounds=(0, 2)),
            _req("resolution_problemes", "int", bounds=(0, 2)),
            _c("owns_smartphone", "bool"),
            _c("owns_tablet", "bool"),
            _c("owns_computer", "bool"),
            _c("internet_home", "bool"),
            _c("tiers_aidant", "bool"),
            _c("aidants_connect_mandate", "bool"),
        ),
        key=("ref",),
    ),
)

FILES_BY_NAME = {spec.name: spec for spec in FILES}
