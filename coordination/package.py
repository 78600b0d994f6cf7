"""The coordination files of the data package (ceis.package, docs/data-package.md):
`partners.csv` and `orientations.csv`.

An orientation names the record it was made from by `source` and `source_ref`: a follow-up
entry's or a help's ref, or, for an exit, the cohort's ref (the enrollment is the cohort and the
person). `source_ref` is not a model attribute: `check` finds the record (in the database or
earlier in the package), the file's `write` ties it once the programmes' files are written, and
sets the site the orientation counts for (`Orientation.expected_site_id`'s rule). The note is
not in the package (like follow-up notes without `--include-notes`, it stays where it was
written).

A partner of the package whose site already has a partner of that name (the seeded partners of
another instance) updates that partner instead of failing on the unique name.
"""

from ceis.package.spec import Column, FileSpec, col, ref, req
from unisvers.models import Enrollment, FollowUp
from villages.models import IndividualHelp

from . import services
from .choices import OrientationSource, OrientationStatus, PartnerCategory
from .models import Orientation, Partner

SOURCE_FILES = {OrientationSource.FOLLOWUP: "followups", OrientationSource.HELP: "helps"}


# partners.csv --------------------------------------------------------------------------------


def check_partner(job, spec, row, resolved) -> bool:
    """A row naming a partner its site already has under another key updates that one."""
    values = row.values
    if job.existing_record(spec, (values["ref"],)) is not None or not isinstance(
        resolved["site"], int
    ):
        return True
    by_name = job.scratch.setdefault(
        "coordination.partners_by_name",
        {(p.site_id, p.name.casefold()): p for p in Partner.objects.all()},
    )
    same = by_name.get((resolved["site"], values["name"].casefold()))
    if same is not None:
        job.existing[spec.name][values["ref"]] = same
        job.ids.setdefault(spec.name, {})[values["ref"]] = same.pk
    return True


# orientations.csv ----------------------------------------------------------------------------


def _package_refs(job, name: str) -> set:
    key = f"coordination.refs.{name}"
    if key not in job.scratch:
        parsed = job.files.get(name)
        job.scratch[key] = {row.values.get("ref") for row in parsed.rows} if parsed else set()
    return job.scratch[key]


def _database_records(job, source: str) -> dict:
    """ref and public_id → (pk, person_id) of the follow-ups or helps of the database."""
    key = f"coordination.db.{source}"
    if key not in job.scratch:
        model = FollowUp if source == OrientationSource.FOLLOWUP else IndividualHelp
        found = {}
        for pk, ref_value, public_id, person_id in model.objects.values_list(
            "pk", "ref", "public_id", "person_id"
        ):
            found[str(public_id)] = (pk, person_id)
            if ref_value:
                found[ref_value] = (pk, person_id)
        job.scratch[key] = found
    return job.scratch[key]


def check_orientation(job, spec, row, resolved) -> bool:
    values = row.values
    source, source_ref = values.get("source") or "", (values.get("source_ref") or "").strip()
    if bool(source) != bool(source_ref):
        job.error(
            spec,
            row.line,
            "source_ref" if source else "source",
            "l'origine (source) et sa référence (source_ref) vont ensemble",
        )
        return False
    if not source:
        return True
    if source == OrientationSource.EXIT:
        if job.resolve("cohorts", source_ref) is None:
            job.error(spec, row.line, "source_ref", f"promotion « {source_ref} » introuvable")
            return False
        return True
    record = _database_records(job, source).get(source_ref)
    person = resolved["person"]
    if record is not None:
        if isinstance(person, int) and record[1] != person:
            job.error(
                spec,
                row.line,
                "source_ref",
                f"« {source_ref} » concerne une autre personne que l'orientation",
            )
            return False
        return True
    if source_ref in _package_refs(job, SOURCE_FILES[source]):
        return True
    label = "suivi" if source == OrientationSource.FOLLOWUP else "accompagnement"
    job.error(
        spec,
        row.line,
        "source_ref",
        f"{label} « {source_ref} » introuvable dans le paquet et dans la base",
    )
    return False


def derive_orientation(job, spec, record, values) -> None:
    """The source is tied when the file is written (`write_orientations`)."""
    job.scratch.setdefault("coordination.sources", {})[values["ref"]] = (
        values.get("source") or "",
        (values.get("source_ref") or "").strip(),
    )


def _record_sites(model, site_path: str) -> dict:
    """ref and public_id → (pk, site id) of the follow-ups or helps."""
    found = {}
    for pk, ref_value, public_id, site in model.objects.values_list(
        "pk", "ref", "public_id", site_path
    ):
        for key in (ref_value, str(public_id)):
            if key:
                found[key] = (pk, site)
    return found


def write_orientations(job, spec, plan) -> None:
    """Written once the programmes' files are: each orientation is tied to the record it was
    made from, and takes the site it counts for (the record's, else its partner's)."""
    sources = job.scratch.get("coordination.sources", {})
    followups = _record_sites(FollowUp, "enrollment__cohort__site_id")
    helps = _record_sites(IndividualHelp, "site_id")
    enrollments = {
        (cohort, person): (pk, site)
        for pk, cohort, person, site in Enrollment.objects.values_list(
            "pk", "cohort_id", "person_id", "cohort__site_id"
        )
    }
    partner_sites = dict(Partner.objects.values_list("pk", "site_id"))

    def tie(obj):
        source, source_ref = sources.get(obj.ref) or sources.get(str(obj.public_id)) or ("", "")
        obj.followup_id = obj.help_id = obj.enrollment_id = None
        found = None
        if source == OrientationSource.FOLLOWUP:
            found = followups.get(source_ref)
            obj.followup_id = found[0] if found else None
        elif source == OrientationSource.HELP:
            found = helps.get(source_ref)
            obj.help_id = found[0] if found else None
        elif source == OrientationSource.EXIT:
            cohort = job.value_of(job.resolve("cohorts", source_ref))
            found = enrollments.get((cohort, obj.person_id))
            obj.enrollment_id = found[0] if found else None
        if found is None:
            obj.source = ""  # an exit of a person never enrolled in that cohort: no source
        obj.site_id = (found[1] if found else None) or partner_sites[obj.partner_id]

    job.write(spec, plan, prepare=tie)


def export_orientations(spec) -> dict:
    cells = {}
    rows = Orientation.objects.values_list(
        "pk",
        "source",
        "followup__ref",
        "followup__public_id",
        "help__ref",
        "help__public_id",
        "enrollment__cohort__ref",
        "enrollment__cohort__public_id",
    )
    for pk, source, f_ref, f_id, h_ref, h_id, c_ref, c_id in rows:
        source_ref = {
            OrientationSource.FOLLOWUP: f_ref or (str(f_id) if f_id else ""),
            OrientationSource.HELP: h_ref or (str(h_id) if h_id else ""),
            OrientationSource.EXIT: c_ref or (str(c_id) if c_id else ""),
        }.get(source, "")
        cells[pk] = {"source_ref": source_ref}
    return cells


FILES = (
    FileSpec(
        "partners",
        "coordination.Partner",
        (
            req("ref"),
            ref("site", "sites"),
            req("name", example="France Travail"),
            req("category", "code", choices=PartnerCategory),
            col("address"),
            col("contact"),
        ),
        key=("ref",),
        label="partenaire",
        check=check_partner,
    ),
    FileSpec(
        "orientations",
        "coordination.Orientation",
        (
            req("ref"),
            ref("person", "people"),
            ref("partner", "partners"),
            req("date", "date"),
            col("reason"),
            req("status", "code", choices=OrientationStatus),
            col("status_date", "date"),
            col("source", "code", choices=OrientationSource),
            Column(name="source_ref", stored=False, example="EX1"),  # the example follow-up
        ),
        key=("ref",),
        label="orientation",
        check=check_orientation,
        derive=derive_orientation,
        write=write_orientations,
        export_cells=export_orientations,
        derived_fields=("source", "followup", "help", "enrollment", "site"),
    ),
)


def finish(job) -> None:
    """An older package's follow-up entries carry their orientation as text (followups.csv
    `orientation`): once every file is written, it becomes an orientation to the site's
    « Autre » with the text in its note, as the data migration did for the database's."""
    services.followup_orientations_convert()
