"""The `anonymous` column of sessions.csv: imported, exported exactly, checked in French, and
optional (a package written before the column still imports)."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ceis.package.exporter import export_package
from ceis.tests.package_data import package, write
from villages.models import AnonymousAttendance, Session
from villages.package import format_anonymous, parse_anonymous

pytestmark = pytest.mark.django_db

SESSIONS_HEADER = ["ref", "workshop", "site", "start", "duration_min", "capacity"]


def run(path) -> tuple[str, bool]:
    err = io.StringIO()
    try:
        call_command("import_package", str(path), stdout=io.StringIO(), stderr=err)
    except CommandError:
        return err.getvalue(), False
    return err.getvalue(), True


def recorded(ref="S1") -> dict:
    return {
        (row.age_band, row.sex): row.count
        for row in AnonymousAttendance.objects.filter(session__ref=ref)
    }


def sessions_with(cell: str | None) -> list[list[str]]:
    """BASE's sessions.csv with `cell` as S1's anonymous attendees, or without the column."""
    row = ["S1", "W1", "CEIS", "2026-03-04T14:00", "120", "10"]
    if cell is None:
        return [SESSIONS_HEADER, row]
    return [[*SESSIONS_HEADER, "anonymous"], [*row, cell]]


def test_parse_and_format_are_each_others_inverse_in_a_fixed_order():
    counts = parse_anonymous("inconnu:inconnu=1|60_plus:F=3| 26_59:X=2")
    assert counts == {("inconnu", "inconnu"): 1, ("60_plus", "F"): 3, ("26_59", "X"): 2}
    assert format_anonymous(counts) == "26_59:X=2|60_plus:F=3|inconnu:inconnu=1"
    assert parse_anonymous("") == {}


def test_import_then_export_gives_the_cell_back(tmp_path):
    _err, ok = run(write(tmp_path / "p", package()))
    assert ok
    assert recorded() == {("60_plus", "F"): 3, ("inconnu", "inconnu"): 1}

    export_package(tmp_path / "e")
    lines = (tmp_path / "e" / "sessions.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == ",".join([*SESSIONS_HEADER, "anonymous"])
    assert lines[1].endswith(",60_plus:F=3|inconnu:inconnu=1")


def test_a_new_cell_replaces_the_groups_and_an_empty_one_removes_them(tmp_path):
    run(write(tmp_path / "p", package()))
    _err, ok = run(write(tmp_path / "q", package(sessions=sessions_with("moins_26:M=4"))))
    assert ok
    assert recorded() == {("moins_26", "M"): 4}
    _err, ok = run(write(tmp_path / "r", package(sessions=sessions_with(""))))
    assert ok
    assert recorded() == {}


def test_an_older_package_without_the_column_imports_and_keeps_the_groups(tmp_path):
    run(write(tmp_path / "p", package()))
    _err, ok = run(write(tmp_path / "old", package(sessions=sessions_with(None))))
    assert ok
    assert recorded() == {("60_plus", "F"): 3, ("inconnu", "inconnu"): 1}


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("vieux:F=3", "tranche d'âge inconnue « vieux » (moins_26, 26_59, 60_plus, inconnu)"),
        ("60_plus:Z=3", "sexe inconnu « Z » (F, M, X, inconnu)"),
        ("60_plus:F=0", "« 0 » : un nombre entier de 1 à 500 est attendu"),
        ("60_plus:F", "« 60_plus:F » n'est pas de la forme tranche:sexe=nombre"),
        ("60_plus:F=1|60_plus:F=2", "le groupe 60_plus:F est donné deux fois"),
    ],
)
def test_a_bad_cell_is_refused_with_its_file_line_and_column(tmp_path, cell, message):
    err, ok = run(write(tmp_path / "bad", package(sessions=sessions_with(cell))))
    assert not ok
    assert err.strip() == f"sessions.csv:2: anonymous: {message}"
    assert not Session.objects.exists()
