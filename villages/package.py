"""Vill@ges' files of the data package (ceis.package, docs/data-package.md): their columns, and
what is not a column: an assessment's classification (`assessment.classify`, as on its form)
and its site (the person's).
"""

from ceis.package.spec import FileSpec, col, ref, req

from .assessment import classify
from .choices import (
    Attendance as SessionAttendance,
)
from .choices import (
    Autonomy,
    DigitalTheme,
    Orientation,
    Procedure,
    RegistrationStatus,
    SkillDomain,
    WorkshopFormat,
    WorkshopLevel,
)


def _visit_site(job, values):
    """An anonymous visit says nothing of anyone's site."""
    return job.resolve("sites", values["site"]) if values["person"] else None


def derive_assessment(job, spec, record, values) -> None:
    scores = {domain: values[domain] for domain in SkillDomain.values}
    record["classification"] = classify(internet_use_3m=values["internet_use_3m"], scores=scores)


def write_assessments(job, spec, plan) -> None:
    """An assessment is kept on the site of its person."""

    def prepare(obj):
        if obj.site_id is None:
            obj.site_id = job.person_site[obj.person_id]

    job.write(spec, plan, prepare=prepare)


FILES: tuple[FileSpec, ...] = (
    FileSpec(
        "workshops",
        "villages.Workshop",
        (
            req("ref"),
            req("title"),
            req("theme", "code", choices=DigitalTheme),
            col("format", "code", choices=WorkshopFormat),
            col("level", "code", choices=WorkshopLevel),
            col("partner"),
        ),
        key=("ref",),
        label="atelier",
    ),
    FileSpec(
        "sessions",
        "villages.Session",
        (
            req("ref"),
            ref("workshop", "workshops"),
            ref("site", "sites"),
            req("start", "datetime"),
            req("duration_min", "int", bounds=(1, 32767)),
            req("capacity", "int", bounds=(1, 32767)),
        ),
        key=("ref",),
        label="séance",
    ),
    FileSpec(
        "registrations",
        "villages.Registration",
        (
            ref("session", "sessions"),
            ref("person", "people"),
            col("registered_at", "datetime"),
            req("status", "code", choices=RegistrationStatus),
            col("attendance", "code", choices=SessionAttendance),
        ),
        key=("session", "person"),
        person_site=(3, lambda job, values: job.site_of("sessions", values["session"])),
    ),
    FileSpec(
        "helps",
        "villages.IndividualHelp",
        (
            req("ref"),
            ref("person", "people"),
            ref("site", "sites"),
            req("date", "date"),
            col("duration_min", "int", bounds=(1, 32767)),
            col("themes", "codes", choices=DigitalTheme),
            col("procedures", "codes", choices=Procedure),
            col("urgent", "bool"),
            col("autonomy", "code", choices=Autonomy),
            col("orientation", "code", choices=Orientation),
        ),
        key=("ref",),
        person_site=(2, lambda job, values: job.resolve("sites", values["site"])),
    ),
    FileSpec(
        "visits",
        "villages.Visit",
        (
            req("ref"),
            ref("site", "sites"),
            req("date", "date"),
            ref("person", "people", required=False),
            col("volunteer_help", "bool"),
        ),
        key=("ref",),
        person_site=(4, _visit_site),
    ),
    FileSpec(
        "assessments",
        "villages.Assessment",
        (
            req("ref"),
            ref("person", "people"),
            req("date", "date"),
            req("internet_use_3m", "bool"),
            req("information", "int", bounds=(0, 2)),
            req("communication", "int", bounds=(0, 2)),
            req("contenus", "int", bounds=(0, 2)),
            req("securite", "int", bounds=(0, 2)),
            req("resolution_problemes", "int", bounds=(0, 2)),
            col("owns_smartphone", "bool"),
            col("owns_tablet", "bool"),
            col("owns_computer", "bool"),
            col("internet_home", "bool"),
            col("tiers_aidant", "bool"),
            col("aidants_connect_mandate", "bool"),
        ),
        key=("ref",),
        derive=derive_assessment,
        write=write_assessments,
        derived_fields=("classification",),
        export_order=("date", "created_at", "pk"),  # keeps "the one recorded last"
    ),
)
