"""Open data (indicators.md): the long-form CSV of a bilan, its Table Schema, the publication
rule, `bilan --format csv` and the download of a published version."""

import csv
import datetime
import io
import itertools
import json
import zipfile

import pytest
from django.core.management import call_command
from django.urls import reverse
from frictionless import Resource, Schema, validate

from ceis.choices import JournalAction, Role
from ceis.models import JournalEntry
from reporting.indicators import compute_bilan
from reporting.indicators.definitions import DEFINITIONS
from reporting.models import BilanVersion
from reporting.opendata import COLUMNS, bilan_csv, bilan_rows, opendata_zip, table_schema
from reporting.services import bilan_document_create
from unisvers.tests.factories import EnrollmentFactory

YEAR_FROM, YEAR_TO = datetime.date(2019, 1, 1), datetime.date(2019, 12, 31)
HIDING = {"moins de 5", "non publié"}


def _bilan():
    return compute_bilan(date_from=YEAR_FROM, date_to=YEAR_TO)


def _read(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def _validate(tmp_path, text: str):
    (tmp_path / "bilan.csv").write_text(text, encoding="utf-8")
    schema = Schema.from_descriptor(table_schema())
    return validate(Resource(path="bilan.csv", basepath=str(tmp_path), schema=schema))


@pytest.fixture
def with_data(site):
    EnrollmentFactory.create_batch(
        4,
        cohort__site=site,
        cohort__start_date=datetime.date(2019, 3, 4),
        cohort__end_date=datetime.date(2019, 4, 12),
    )


@pytest.mark.django_db
def test_one_row_per_figure_of_the_catalogue_with_the_bilans_values(with_data):
    bilan = _bilan()
    rows = _read(bilan_csv(bilan))
    assert list(rows[0]) == COLUMNS
    keys = {(row["section"], row["key"]) for row in rows}
    assert keys == {(section, key) for section, items in DEFINITIONS.items() for key in items}
    # No figure twice.
    assert len({(r["section"], r["key"], r["code"]) for r in rows}) == len(rows)
    by_key = {(r["section"], r["key"], r["code"]): r for r in rows}
    assert by_key[("unisvers", "participants", "")]["n"] == "4"
    assert by_key[("unisvers", "participants", "")]["published"] == "4"
    rate = by_key[("unisvers", "individual_followup_rate", "")]
    assert (rate["n"], rate["of"]) == ("0", "4")
    assert rate["rate"] == "0.0" and rate["published"] == "0\u00a0%"
    january = by_key[("villages", "monthly", "2019-01.people")]
    assert january["n"] == "0"


@pytest.mark.django_db
def test_the_csv_validates_against_its_own_schema(tmp_path, with_data):
    report = _validate(tmp_path, bilan_csv(_bilan()))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


@pytest.mark.django_db
def test_the_schema_check_fails_on_a_wrong_cell(tmp_path):
    """The validation is a real check: a count that is not an integer, or an unknown section,
    is reported."""
    text = bilan_csv(_bilan()).replace("unisvers,participants,,0,", "unisvers,participants,,x,")
    text = text.replace("villages,people,", "vilages,people,", 1)
    report = _validate(tmp_path, text)
    assert not report.valid
    errors = {(e[1], e[2]) for e in report.flatten(["rowNumber", "fieldName", "type"])}
    assert ("n", "type-error") in errors
    assert ("section", "constraint-error") in errors


@pytest.mark.django_db
def test_the_zip_is_a_data_package_that_validates(tmp_path):
    content = opendata_zip(_bilan(), name="bilan-ceis-2019", title="Bilan 2019")
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert sorted(archive.namelist()) == ["bilan.csv", "datapackage.json", "schema.json"]
        archive.extractall(tmp_path)
    report = validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def _possible_values(rows, key, total) -> dict[str, set[int]]:
    """What a reader can work out of the hidden cells of a breakdown, knowing its total: every
    assignment of the hidden cells ("moins de 5": 1 to 4; "non publié": 0 to the total) that
    adds up with the shown ones."""
    cells = [r for r in rows if r["key"] == key]
    shown = sum(int(r["n"]) for r in cells if r["n"])
    hidden = [r for r in cells if r["published"] in HIDING]
    ranges = [
        range(1, 5) if r["published"] == "moins de 5" else range(0, total + 1) for r in hidden
    ]
    possible = {r["code"]: set() for r in hidden}
    for values in itertools.product(*ranges):
        if shown + sum(values) == total:
            for r, value in zip(hidden, values, strict=True):
                possible[r["code"]].add(value)
    return possible


BREAKDOWNS = {
    "one small reason": {"sante": 2, "demenagement": 10},
    "two small reasons that can only be 1": {
        "sante": 1,
        "contraintes_familiales": 1,
        "demenagement": 9,
    },
    "two small reasons that can only be 4": {"sante": 4, "contraintes_familiales": 4},
    "two small reasons of different sizes": {
        "sante": 2,
        "contraintes_familiales": 3,
        "demenagement": 7,
    },
    "one reason only, small": {"sante": 3},
}


@pytest.mark.django_db
@pytest.mark.parametrize("counts", BREAKDOWNS.values(), ids=BREAKDOWNS.keys())
def test_no_cell_reveals_a_count_that_the_rule_hides(counts):
    bilan = _bilan()
    reasons = dict.fromkeys(bilan["unisvers"]["dropout_reasons"], 0)
    reasons.update(counts)
    bilan["unisvers"]["dropout_reasons"] = reasons
    bilan["unisvers"]["dropouts"] = sum(reasons.values())
    bilan["unisvers"]["domestic_violence_rate"] = {"n": 3, "of": 40, "rate": 0.075}
    rows = _read(bilan_csv(bilan))

    for row in rows:
        if row["published"] in HIDING:
            assert (row["n"], row["of"], row["rate"]) == ("", "", ""), row
        if row["key"] in ("dropout_reasons", "domestic_violence_rate") and row["n"]:
            assert not 1 <= int(row["n"]) <= 4, row
    violence = next(r for r in rows if r["key"] == "domestic_violence_rate")
    assert violence["published"] == "moins de 5"
    # Nor can a subtraction from the published total of dropouts give one back.
    total = int(next(r for r in rows if r["key"] == "dropouts")["n"])
    for code, values in _possible_values(rows, "dropout_reasons", total).items():
        if 1 <= reasons[code] <= 4:
            assert len(values) > 1, (code, values)


@pytest.mark.django_db
def test_bilan_format_csv_prints_the_long_form_and_writes_its_schema_beside_it(tmp_path):
    out = io.StringIO()
    call_command(
        "bilan", "--from", "2019-01-01", "--to", "2019-12-31", "--format", "csv", stdout=out
    )
    assert out.getvalue() == bilan_csv(_bilan())
    target = tmp_path / "bilan-2019.csv"
    call_command(
        "bilan",
        "--from=2019-01-01",
        "--to=2019-12-31",
        "--format=csv",
        f"--output={target}",
        stderr=io.StringIO(),
    )
    schema = json.loads((tmp_path / "bilan-2019.schema.json").read_text())
    assert schema == table_schema()
    report = validate(
        Resource(path=target.name, basepath=str(tmp_path), schema=Schema.from_descriptor(schema))
    )
    assert report.valid


@pytest.fixture
def manager_client(client_for, site):
    return client_for(Role.MANAGER, sites=[site])


@pytest.fixture
def version(manager_client, site, with_data, django_capture_on_commit_callbacks):
    document = bilan_document_create(
        user=manager_client.user, date_from=YEAR_FROM, date_to=YEAR_TO, site=site
    )
    with django_capture_on_commit_callbacks(execute=True):
        manager_client.post(reverse("reporting:generate", args=[document.public_id]))
    return BilanVersion.objects.get()


@pytest.mark.django_db
def test_a_published_version_downloads_its_snapshot_as_open_data(manager_client, version):
    url = reverse("reporting:version_opendata", args=[version.public_id])
    assert manager_client.get(url).status_code == 404  # not published yet
    manager_client.post(reverse("reporting:version_publish", args=[version.public_id]))

    response = manager_client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="bilan-ceis-20190101-20191231-CEIS-v1.zip"'
    )
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        text = archive.read("bilan.csv").decode()
    version.refresh_from_db()
    assert text == bilan_csv(version.indicators)
    assert bilan_rows(version.indicators)[0]["n"] == 4
    assert JournalEntry.objects.filter(
        action=JournalAction.DOWNLOAD, object_ref=str(version.public_id)
    ).exists()
