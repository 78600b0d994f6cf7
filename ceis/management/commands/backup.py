"""`manage.py backup PATH`: the PostgreSQL database and the media files, in a new folder.

PATH/database.dump   `pg_dump --format=custom` of the database (restore with `pg_restore`)
PATH/media.tar.gz    the files under MEDIA_ROOT (bilan PDFs…), paths relative to MEDIA_ROOT
PATH/documents.tar.gz  the documents attached to persons (CEIS_DOCUMENTS_ROOT, docs/documents.md)
PATH/manifest.json   when, which database, the applied migrations, each file's size and SHA-256

The folder must not exist yet (or be empty). The dump is consistent (one snapshot); media files
written while the backup runs may or may not be in the archive. `manage.py restore PATH` reads
it back. The pg_dump client must be of the server's major version or newer.
"""

import datetime
import hashlib
import json
import os
import shutil
import subprocess
import tarfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.db.migrations.recorder import MigrationRecorder

FORMAT = "ceis-backup/1"
DUMP = "database.dump"
MEDIA = "media.tar.gz"
DOCUMENTS = "documents.tar.gz"
MANIFEST = "manifest.json"


def postgres_env(db: dict) -> dict:
    """libpq's environment for a Django database settings dict (no password on a command line)."""
    if db["ENGINE"] != "django.db.backends.postgresql":
        raise CommandError("Sauvegarde et restauration demandent PostgreSQL (DATABASE_URL).")
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if db.get(key):
            env[var] = str(db[key])
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    env["PGDATABASE"] = db["NAME"]
    return env


def pg_tool(name: str, bindir: str | None) -> str:
    path = shutil.which(name, path=bindir) if bindir else shutil.which(name)
    if not path:
        raise CommandError(f"{name} introuvable (installez postgresql-client ou --pg-bindir).")
    return path


def archive_folder(root: Path, archive: Path) -> int:
    """Every regular file under `root` (paths relative to it) in a new tar.gz; how many."""
    count = 0
    with tarfile.open(archive, "w:gz") as tar:
        if root.is_dir():
            for item in sorted(root.rglob("*")):
                if item.is_file() and not item.is_symlink():
                    tar.add(item, arcname=str(item.relative_to(root)))
                    count += 1
    return count


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class Command(BaseCommand):
    help = "Sauvegarde la base PostgreSQL (pg_dump) et les fichiers (MEDIA_ROOT) dans un dossier."

    def add_arguments(self, parser):
        parser.add_argument("path", help="dossier à créer (il ne doit pas exister ou être vide)")
        parser.add_argument("--pg-bindir", help="dossier de pg_dump, s'il n'est pas dans le PATH")

    def handle(self, *args, path, pg_bindir=None, **options):
        target = Path(path)
        if target.exists() and (not target.is_dir() or any(target.iterdir())):
            raise CommandError(f"{target} existe déjà et n'est pas un dossier vide.")
        db = connections["default"].settings_dict
        env = postgres_env(db)
        pg_dump = pg_tool("pg_dump", pg_bindir)
        target.mkdir(parents=True, exist_ok=True)
        os.chmod(target, 0o700)  # a backup holds every person's data

        dump = target / DUMP
        result = subprocess.run(  # noqa: S603
            [pg_dump, "--format=custom", "--no-owner", "--no-privileges", f"--file={dump}"],
            env=env,
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise CommandError(f"pg_dump a échoué : {result.stderr.strip()}")

        count = archive_folder(Path(settings.MEDIA_ROOT), target / MEDIA)
        documents = archive_folder(Path(settings.CEIS_DOCUMENTS_ROOT), target / DOCUMENTS)

        version = subprocess.run(  # noqa: S603
            [pg_dump, "--version"], capture_output=True, text=True, check=True
        ).stdout.strip()
        manifest = {
            "format": FORMAT,
            "created_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "database": db["NAME"],
            "pg_dump": version,
            "migrations": self._last_migrations(),
            "media_files": count,
            "documents_files": documents,
            "files": {
                name: {"size": (target / name).stat().st_size, "sha256": sha256(target / name)}
                for name in (DUMP, MEDIA, DOCUMENTS)
            },
        }
        (target / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        for name in (DUMP, MEDIA, DOCUMENTS, MANIFEST):
            os.chmod(target / name, 0o600)
        self.stdout.write(
            f"Sauvegarde écrite dans {target} ({manifest['files'][DUMP]['size']} octets de base, "
            f"{count} fichier(s) de MEDIA_ROOT, {documents} document(s) des personnes)."
        )

    @staticmethod
    def _last_migrations() -> dict:
        last = {}
        for app, name in MigrationRecorder.Migration.objects.order_by("app", "name").values_list(
            "app", "name"
        ):
            last[app] = name
        return last
