"""The files and columns of `ceis.package/1` (docs/data-package.md), in import order.

Each column says how its text is parsed (`kind`) and which model attribute it fills (`field`).
A `ref` column points to another file's key (`target`): `sites` and `neighbourhoods` by code,
the others by `ref`.

The core declares its own files here; each programme declares its files in its `package.py`
(`FILES`, gathered by name after the core's, in `ceis.hooks.PROGRAMMES` order), with the rules
and writers that only it knows (`check`, `derive`, `write` and `finish`, called by
`ceis.package.importer`). An app's `package.py` imports this module only, never the importer.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from ceis.choices import EducationLevel, ProfessionalStatus, Sex
from ceis.hooks import app_modules

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
    example: str = ""  # the template package's cell (ceis.package.template), else one of its kind
    # False: the column is not a model attribute (a session's anonymous attendees, rows of their
    # own): the app's `check` validates it, its `write` writes it (`FilePlan.extras`) and its
    # `export_cells` gives its cells.
    stored: bool = True

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
    label: str = ""  # how an error names a record of this file that a reference misses
    through: str = ""  # "app_label.Model.field": the file is that many-to-many's table
    # Hooks of the owning app (ceis.package.importer passes itself as `job`):
    # check(job, spec, row, resolved) -> bool records its errors and says whether the row is kept;
    check: Callable | None = None
    # derive(job, spec, record, values) sets what is not a column (computed from the row);
    derive: Callable | None = None
    # write(job, spec, plan) writes the plan (job.write by default);
    write: Callable | None = None
    # export_cells(spec) -> {pk: {column name: cell}}: the export's cells of unstored columns.
    export_cells: Callable | None = None
    derived_fields: tuple[str, ...] = ()  # model fields `derive` fills, saved on update
    export_order: tuple[str, ...] = ()  # the export's row order when not the primary key
    # (rank, site(job, values)): a new person takes the site of their first record, by rank.
    person_site: tuple[int, Callable] | None = None

    @property
    def filename(self) -> str:
        return f"{self.name}.csv"

    def column(self, name: str) -> Column:
        return next(column for column in self.columns if column.name == name)


def col(name, kind="text", required=False, **kwargs) -> Column:
    return Column(name=name, kind=kind, required=required, **kwargs)


def req(name, kind="text", **kwargs) -> Column:
    return Column(name=name, kind=kind, required=True, **kwargs)


def ref(name, target, required=True, **kwargs) -> Column:
    return Column(name=name, kind="ref", required=required, target=target, **kwargs)


MANIFEST = FileSpec("manifest", "", (req("key"), col("value")), key=("key",))

CORE_FILES: tuple[FileSpec, ...] = (
    FileSpec(
        "sites",
        "ceis.Site",
        (req("code"), req("name"), col("address")),
        key=("code",),
        label="site",
    ),
    FileSpec(
        "neighbourhoods",
        "ceis.Neighbourhood",
        (
            req("code"),
            req("name"),
            col("centre_ville", "bool"),
            col("qpv_code", example="QN03401M"),
        ),
        key=("code",),
        label="quartier",
    ),
    FileSpec(
        "people",
        "ceis.Person",
        (
            req("ref"),
            req("last_name", example="Martin"),
            req("first_name", example="Camille"),
            col("birth_date", "date", example="1985-04-12"),
            col("birth_year", "int", bounds=(1900, 2100), example="1985"),
            col("sex", "code", choices=Sex),
            col("postal_code", example="34000"),
            col("commune", example="Montpellier"),
            ref("neighbourhood", "neighbourhoods", required=False),
            col("education_level", "code", choices=EducationLevel),
            col("status", "code", choices=ProfessionalStatus),
            col("france_travail_id", example="1234567A"),
            col("phone", example="06 12 34 56 78"),
            col("email", example="camille.martin@example.org"),
        ),
        key=("ref",),
        label="personne",
        derived_fields=("name_key", "phone_key"),
    ),
)

FILES: tuple[FileSpec, ...] = (
    *CORE_FILES,
    *(spec for module in app_modules("package") for spec in module.FILES),
)
FILES_BY_NAME = {spec.name: spec for spec in FILES}
