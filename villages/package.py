"""Vill@ges' files of the data package (ceis.package, docs/data-package.md): their columns, and
what is not a column: an assessment's classification (`assessment.classify`, as on its form)
and its site (the person's). A session's `anonymous` cell holds its anonymous attendees
(`60_plus:F=3|inconnu:inconnu=1`), rows of their own written after the sessions.
"""

from ceis.package.spec import FileSpec, col, ref, req

from .assessment import classify
from .choices import (
    AnonymousAgeBand,
    AnonymousSex,
    Autonomy,
    DigitalTheme,
    Orientation,
    Procedure,
    RegistrationStatus,
    SkillDomain,
    WorkshopFormat,
    WorkshopLevel,
)
from .choices import (
    Attendance as SessionAttendance,
)
from .forms import ANONYMOUS_MAX
from .models import AnonymousAttendance

ANONYMOUS_EXAMPLE = "60_plus:F=3|inconnu:inconnu=1"


def _visit_site(job, values):
    """An anonymous visit says nothing of anyone's site."""
    return job.resolve("sites", values["site"]) if values["person"] else None


_BANDS = {value.casefold(): value for value in AnonymousAgeBand.values}
_SEXES = {value.casefold(): value for value in AnonymousSex.values}


def parse_anonymous(text: str) -> dict[tuple[str, str], int]:
    """`60_plus:F=3|inconnu:inconnu=1` → {("60_plus", "F"): 3, ("inconnu", "inconnu"): 1};
    ValueError with the French message for a cell that is not that."""
    counts = {}
    for part in (text or "").split("|"):
        if not part.strip():
            continue
        group, equals, number = part.strip().partition("=")
        typed_band, colon, typed_sex = group.partition(":")
        if not equals or not colon:
            raise ValueError(f"« {part} » n'est pas de la forme tranche:sexe=nombre")
        # Codes regardless of case, as everywhere in the package, kept as the lists write them.
        band = _BANDS.get(typed_band.strip().casefold())
        if band is None:
            raise ValueError(
                f"tranche d'âge inconnue « {typed_band} » ({', '.join(AnonymousAgeBand.values)})"
            )
        sex = _SEXES.get(typed_sex.strip().casefold())
        if sex is None:
            raise ValueError(f"sexe inconnu « {typed_sex} » ({', '.join(AnonymousSex.values)})")
        # ASCII digits only: "²" or "٣" pass str.isdigit() but are no count a file should hold.
        number = number.strip()
        digits = number.isascii() and number.isdigit() and len(number) <= 6
        if not digits or not 1 <= int(number) <= ANONYMOUS_MAX:
            raise ValueError(
                f"« {number[:12]} » : un nombre entier de 1 à {ANONYMOUS_MAX} est attendu"
            )
        if (band, sex) in counts:
            raise ValueError(f"le groupe {band}:{sex} est donné deux fois")
        counts[(band, sex)] = int(number)
    return counts


def format_anonymous(counts: dict[tuple[str, str], int]) -> str:
    """The cell of `parse_anonymous`, groups in the order of the reference lists."""
    order = {
        (band, sex): index
        for index, (band, sex) in enumerate(
            (band, sex) for band in AnonymousAgeBand.values for sex in AnonymousSex.values
        )
    }
    return "|".join(
        f"{band}:{sex}={count}"
        for (band, sex), count in sorted(counts.items(), key=lambda item: order[item[0]])
        if count
    )


def check_session(job, spec, row, resolved) -> bool:
    try:
        parse_anonymous(row.values.get("anonymous") or "")
    except ValueError as error:
        job.error(spec, row.line, "anonymous", str(error))
        return False
    return True


def write_sessions(job, spec, plan) -> None:
    """The sessions, then the anonymous attendees of those whose file has the column: the cell
    replaces what the session had (an empty cell: none)."""
    job.write(spec, plan)
    if not plan.extras:
        return
    session_ids, rows = [], []
    for key, existing, extras in plan.extras:
        session_id = existing.pk if existing is not None else job.resolve("sessions", key[0])
        session_ids.append(session_id)
        for (band, sex), count in parse_anonymous(extras["anonymous"]).items():
            rows.append(
                AnonymousAttendance(session_id=session_id, age_band=band, sex=sex, count=count)
            )
    AnonymousAttendance.objects.filter(session_id__in=session_ids).delete()
    AnonymousAttendance.objects.bulk_create(rows, batch_size=1000)


def anonymous_cells(spec) -> dict[int, dict[str, str]]:
    counts: dict[int, dict] = {}
    for session_id, band, sex, count in AnonymousAttendance.objects.values_list(
        "session_id", "age_band", "sex", "count"
    ):
        counts.setdefault(session_id, {})[(band, sex)] = count
    return {pk: {"anonymous": format_anonymous(groups)} for pk, groups in counts.items()}


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
            col("anonymous", stored=False, example=ANONYMOUS_EXAMPLE),
        ),
        key=("ref",),
        label="séance",
        check=check_session,
        write=write_sessions,
        export_cells=anonymous_cells,
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
