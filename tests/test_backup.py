"""`manage.py backup` then `manage.py restore` into an empty database gives the same bilan."""

import datetime
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from ceis.tests.factories import PersonFactory, SiteFactory
from reporting.indicators import compute_bilan
from unisvers.tests.factories import CohortFactory, EnrollmentFactory
from villages.tests.factories import RegistrationFactory, SessionFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),  # pg_dump only sees committed rows
    pytest.mark.skipif(
        not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
        reason="backup and restore use pg_dump and pg_restore",
    ),
]

PERIOD = {"date_from": datetime.date(2026, 1, 1), "date_to": datetime.date(2026, 12, 31)}


def _url(name: str) -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{name}"


def _admin(sql: str) -> None:
    db = connection.settings_dict
    conn = psycopg2.connect(
        dbname="postgres",
        host=db["HOST"],
        port=db["PORT"],
        user=db["USER"],
        password=db["PASSWORD"],
    )
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            cursor.execute(sql)
    finally:
        conn.close()


@pytest.fixture
def empty_database():
    name = f"ceis_restore_{uuid.uuid4().hex[:10]}"
    _admin(f'CREATE DATABASE "{name}"')
    yield name
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CEIS_DOCUMENTS_ROOT = tmp_path / "documents"
    (settings.MEDIA_ROOT / "bilans").mkdir(parents=True)
    (settings.MEDIA_ROOT / "bilans" / "bilan-v1.pdf").write_bytes(b"%PDF-1.7 test")
    return settings.MEDIA_ROOT


def _build_data():
    site = SiteFactory(code="CEIS", name="CEIS des Arceaux")
    other = SiteFactory(code="MPT", name="Maison pour tous")
    for cohort_site in (site, other):
        cohort = CohortFactory(site=cohort_site, start_date=datetime.date(2026, 3, 2))
        EnrollmentFactory.create_batch(3, cohort=cohort)
        EnrollmentFactory(cohort=cohort, exited=True)
        EnrollmentFactory(cohort=cohort, abandon=True, sensitive=True)
    start = datetime.datetime(2026, 5, 12, 14, tzinfo=datetime.UTC)
    session = SessionFactory(site=site, start=start)
    RegistrationFactory.create_batch(4, session=session, present=True)
    RegistrationFactory(session=session, absent=True)
    PersonFactory.create_batch(2, site=other)


def _restored_bilan(database: str) -> dict:
    """The bilan as `manage.py bilan` computes it from the restored database."""
    env = {
        **os.environ,
        "DATABASE_URL": _url(database),
        "DJANGO_SETTINGS_MODULE": "ceis.settings.test",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "bilan", "--from", "2026-01-01", "--to", "2026-12-31"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def _comparable(bilan: dict) -> dict:
    bilan = json.loads(json.dumps(bilan, ensure_ascii=False))
    bilan.pop("generated_at")
    return bilan


def test_a_backup_restored_into_an_empty_database_gives_the_same_bilan(
    media, empty_database, tmp_path
):
    _build_data()
    expected = _comparable(compute_bilan(**PERIOD))
    assert expected["unisvers"] and expected["villages"]

    backup = tmp_path / "backup"
    call_command("backup", str(backup))
    manifest = json.loads((backup / "manifest.json").read_text())
    assert manifest["media_files"] == 1
    assert manifest["migrations"]["reporting"]

    restored_media = tmp_path / "restored-media"
    call_command(
        "restore",
        str(backup),
        database_url=_url(empty_database),
        media_root=str(restored_media),
        documents_root=str(tmp_path / "restored-documents"),
        wet_run=True,
    )

    assert _comparable(_restored_bilan(empty_database)) == expected
    assert (restored_media / "bilans" / "bilan-v1.pdf").read_bytes() == b"%PDF-1.7 test"


def test_the_documents_of_persons_are_backed_up_and_restored(media, empty_database, tmp_path):
    from documents.tests.factories import PersonDocumentFactory

    document = PersonDocumentFactory(content=b"%PDF-1.4 un CV")
    backup = tmp_path / "backup"
    call_command("backup", str(backup))
    assert json.loads((backup / "manifest.json").read_text())["documents_files"] == 1

    restored = tmp_path / "restored-documents"
    call_command(
        "restore",
        str(backup),
        database_url=_url(empty_database),
        media_root=str(tmp_path / "restored-media"),
        documents_root=str(restored),
        wet_run=True,
    )
    assert (restored / document.storage_name).read_bytes() == b"%PDF-1.4 un CV"


def test_restore_refuses_a_database_that_is_not_empty_unless_forced(
    media, empty_database, tmp_path
):
    SiteFactory(code="CEIS", name="CEIS des Arceaux")
    backup = tmp_path / "backup"
    call_command("backup", str(backup))
    restored_media = tmp_path / "restored-media"
    options = {
        "database_url": _url(empty_database),
        "media_root": str(restored_media),
        "wet_run": True,
    }
    call_command("restore", str(backup), **options)

    with pytest.raises(CommandError, match="n'est pas vide"):
        call_command("restore", str(backup), **options)

    call_command("restore", str(backup), force=True, **options)
    assert _restored_bilan(empty_database)["site"] is None


def test_restore_without_wet_run_checks_and_writes_nothing(media, empty_database, tmp_path, capsys):
    SiteFactory(code="CEIS", name="CEIS des Arceaux")
    backup = tmp_path / "backup"
    call_command("backup", str(backup))
    restored_media = tmp_path / "restored-media"
    options = {"database_url": _url(empty_database), "media_root": str(restored_media)}
    call_command("restore", str(backup), **options)
    out = capsys.readouterr().out
    assert f"à restaurer dans la base {empty_database}" in out
    assert "Simulation : rien n'a été modifié. Relancez avec --wet-run pour restaurer." in out
    assert not restored_media.exists()
    call_command("restore", str(backup), wet_run=True, **options)
    assert _restored_bilan(empty_database)["site"] is None


def test_restore_refuses_a_backup_whose_files_do_not_match_the_manifest(
    media, empty_database, tmp_path
):
    backup = tmp_path / "backup"
    call_command("backup", str(backup))
    with Path(backup / "database.dump").open("ab") as dump:
        dump.write(b"corrupted")
    with pytest.raises(CommandError, match="ne correspond pas"):
        call_command("restore", str(backup), database_url=_url(empty_database))


def test_backup_refuses_a_folder_that_is_not_empty(media, tmp_path):
    (tmp_path / "backup").mkdir()
    (tmp_path / "backup" / "old").write_text("x")
    with pytest.raises(CommandError, match="existe déjà"):
        call_command("backup", str(tmp_path / "backup"))
