"""`manage.py bilan`: its output, its formats and its errors (one line, exit status 2)."""

import io
import json

import pytest
from django.core.management import call_command, execute_from_command_line
from django.core.management.base import CommandError
from openpyxl import load_workbook

from reporting.indicators import compute_bilan
from reporting.management.commands import bilan as bilan_command
from unisvers.choices import ExitOutcome

from .helpers import D, cohort, enrollment, person

pytestmark = pytest.mark.django_db

PERIOD = ["--from", "2019-01-01", "--to", "2019-12-31"]


def run(*args) -> str:
    out = io.StringIO()
    call_command("bilan", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def without_time(bilan: dict) -> dict:
    return {key: value for key, value in bilan.items() if key != "generated_at"}


@pytest.fixture
def some_data(site, other_site):
    group = cohort(site, D(2019, 3, 4), D(2019, 4, 12))
    enrollment(group, person(site), exit_date=D(2019, 4, 12), exit_outcome=ExitOutcome.IAE)
    enrollment(cohort(other_site, D(2019, 3, 4), D(2019, 4, 12)), person(other_site))


def test_json_goes_to_stdout_and_equals_compute_bilan(some_data, site):
    output = run(*PERIOD)
    bilan = json.loads(output)
    assert without_time(bilan) == without_time(
        compute_bilan(date_from=D(2019, 1, 1), date_to=D(2019, 12, 31))
    )
    assert bilan["unisvers"]["participants"] == 2
    # Indented, UTF-8 text (not \\u escapes).
    assert output.startswith('{\n  "schema": "ceis.bilan/1",')


def test_site_option_restricts_to_that_site(some_data):
    bilan = json.loads(run(*PERIOD, "--site", "CEIS"))
    assert bilan["site"] == "CEIS"
    assert bilan["unisvers"]["participants"] == 1
    assert bilan["unisvers"]["positive_exits"] == 1


def test_json_to_a_file(some_data, tmp_path):
    target = tmp_path / "bilan.json"
    assert run(*PERIOD, "--output", str(target)) == ""
    bilan = json.loads(target.read_text(encoding="utf-8"))
    assert bilan["period"] == {"from": "2019-01-01", "to": "2019-12-31"}


def test_xlsx_to_a_file(some_data, tmp_path):
    target = tmp_path / "bilan.xlsx"
    run(*PERIOD, "--format", "xlsx", "--output", str(target))
    workbook = load_workbook(target)
    assert workbook.sheetnames == [
        "Bilan",
        "Unis'Vers",
        "Vill@ges connectés",
        "Rendez-vous",
        "Orientations",
        "Messages",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2019-02-30", "--to", "2019-12-31"], "date invalide pour --from"),
        (["--from", "2019-01-01", "--to", "31/12/2019"], "date invalide pour --to"),
        (["--from", "20190101", "--to", "2019-12-31"], "date invalide pour --from"),
        (["--from", "2019-12-31", "--to", "2019-01-01"], "est postérieure à --to"),
        ([*PERIOD, "--site", "NULLE-PART"], "site inconnu : « NULLE-PART »"),
        ([*PERIOD, "--format", "xlsx"], "le format xlsx demande --output"),
        (["--to", "2019-12-31"], "--from est obligatoire"),
    ],
)
def test_errors_raise_command_error_with_status_2(site, args, message):
    with pytest.raises(CommandError, match=message) as raised:
        run(*args)
    assert raised.value.returncode == 2


def test_error_from_the_command_line_is_one_line_and_exits_2(site, capsys):
    with pytest.raises(SystemExit) as raised:
        execute_from_command_line(["manage.py", "bilan", *PERIOD, "--site", "NULLE-PART"])
    assert raised.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.strip().splitlines() == ["CommandError: site inconnu : « NULLE-PART »."]


def test_from_after_to_from_the_command_line_exits_2(capsys):
    with pytest.raises(SystemExit) as raised:
        execute_from_command_line(
            ["manage.py", "bilan", "--from", "2019-12-31", "--to", "2019-01-01"]
        )
    assert raised.value.code == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1


def test_pdf_not_available_yet(site, tmp_path, monkeypatch):
    monkeypatch.setattr(bilan_command, "_pdf_renderer", lambda: None)
    with pytest.raises(CommandError, match=r"^format pdf : pas encore disponible$") as raised:
        run(*PERIOD, "--format", "pdf", "--output", str(tmp_path / "bilan.pdf"))
    assert raised.value.returncode == 2


def test_pdf_uses_the_renderer_when_present(site, tmp_path, monkeypatch):
    seen = {}

    def fake_renderer(bilan):
        seen["bilan"] = bilan
        return b"%PDF-fake"

    monkeypatch.setattr(bilan_command, "_pdf_renderer", lambda: fake_renderer)
    target = tmp_path / "bilan.pdf"
    run(*PERIOD, "--format", "pdf", "--output", str(target))
    assert target.read_bytes() == b"%PDF-fake"
    assert seen["bilan"]["schema"] == "ceis.bilan/1"


def test_pdf_needs_an_output_file(site):
    with pytest.raises(CommandError, match="le format pdf demande --output") as raised:
        run(*PERIOD, "--format", "pdf")
    assert raised.value.returncode == 2


def test_pdf_with_the_real_renderer(some_data, tmp_path):
    if bilan_command._pdf_renderer() is None:
        pytest.skip("reporting.pdf.render_bilan_pdf absent")
    target = tmp_path / "bilan.pdf"
    run(*PERIOD, "--format", "pdf", "--output", str(target))
    assert target.read_bytes().startswith(b"%PDF-")
