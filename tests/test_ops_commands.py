"""Ops commands that change data do it only with `--wet-run` (ceis/management/base.py)."""

import io

import pytest
from django.core.management import call_command, get_commands, load_command_class

from ceis.management.base import WetRunCommand

CHANGING_DATA = ["create_user", "reencrypt_notes", "restore", "retention"]


def _command(name):
    return load_command_class(get_commands()[name], name)


@pytest.mark.parametrize("name", CHANGING_DATA)
def test_a_command_that_changes_data_is_a_dry_run_unless_wet_run(name):
    command = _command(name)
    assert isinstance(command, WetRunCommand)
    parser = command.create_parser("manage.py", name)
    assert "--wet-run" in parser.format_help()
    assert parser.get_default("wet_run") is False


@pytest.mark.django_db
def test_the_dry_run_closes_with_what_wet_run_would_do():
    out = io.StringIO()
    call_command("retention", stdout=out)
    assert out.getvalue().splitlines()[-2:] == [
        "0 personne(s) sans contact depuis 2 an(s) — simulation.",
        "Simulation : rien n'a été modifié. Relancez avec --wet-run pour les anonymiser.",
    ]
    out = io.StringIO()
    call_command("retention", "--wet-run", stdout=out)
    assert out.getvalue().splitlines() == ["0 personne(s) anonymisée(s)."]


@pytest.mark.django_db
def test_create_user_without_wet_run_asks_no_password_and_creates_nothing(site, monkeypatch):
    from ceis.choices import Role
    from ceis.models import Site, User

    monkeypatch.delenv("CEIS_NEW_USER_PASSWORD", raising=False)
    out = io.StringIO()
    call_command(
        "create_user", "claire", "--role", Role.MANAGER, "--site", site.code, "--site", "NEUF",
        "--create-site", stdout=out,
    )  # fmt: skip
    assert out.getvalue().splitlines()[0] == (
        f"Compte « claire » à créer (Manager), site(s) : {site.code}, NEUF ; "
        "site(s) à créer : NEUF."
    )
    assert not User.objects.filter(username="claire").exists()
    assert not Site.objects.filter(code="NEUF").exists()


def test_import_package_keeps_its_documented_interface_and_says_so():
    command = _command("import_package")
    assert not isinstance(command, WetRunCommand)
    help_text = " ".join(command.create_parser("manage.py", "import_package").format_help().split())
    assert "l'import se fait sans --wet-run" in help_text
    assert "--dry-run" in help_text
