"""`manage.py restore PATH [--force] --wet-run`: put back a folder written by `manage.py backup`.

Without `--wet-run` it only checks (the manifest, the target database and folder) and says what
it would restore. The files are checked against the manifest first. The database must be empty
(no table): a restore never mixes with existing data unless `--force`, which drops the `public`
schema and everything in it first. Media files are extracted into MEDIA_ROOT, which must be
empty too unless `--force` (files of the backup then replace those of the same name), and so
are the documents of persons into CEIS_DOCUMENTS_ROOT (`--documents-root`); a backup made before
documents existed has none.

`--database-url` restores into another database than DATABASE_URL (a copy for checks, a
staging server), `--media-root` into another folder than MEDIA_ROOT. Stop gunicorn and the
Celery workers before restoring the live database; run `manage.py migrate` afterwards when
the code is newer than the backup.
"""

import json
import subprocess
import tarfile
from pathlib import Path

import environ
import psycopg2
from django.conf import settings
from django.core.management.base import CommandError
from django.db import connections

from ceis.management.base import WetRunCommand

from .backup import DOCUMENTS, DUMP, FORMAT, MANIFEST, MEDIA, pg_tool, postgres_env, sha256


def _connect(env: dict):
    return psycopg2.connect(
        dbname=env["PGDATABASE"],
        host=env.get("PGHOST"),
        port=env.get("PGPORT"),
        user=env.get("PGUSER"),
        password=env.get("PGPASSWORD"),
    )


class Command(WetRunCommand):
    help = (
        "Restaure une sauvegarde de `manage.py backup` dans une base vide (et MEDIA_ROOT), avec "
        "--wet-run ; sans, vérifie la sauvegarde et la cible et dit ce qui serait restauré."
    )
    wet_run_action = "restaurer"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("path", help="dossier écrit par `manage.py backup`")
        parser.add_argument(
            "--force",
            action="store_true",
            help="vider la base (schéma public) et écrire dans MEDIA_ROOT s'ils ne sont pas vides",
        )
        parser.add_argument("--database-url", help="base cible (par défaut DATABASE_URL)")
        parser.add_argument(
            "--media-root", help="dossier cible des fichiers (par défaut MEDIA_ROOT)"
        )
        parser.add_argument(
            "--documents-root",
            help="dossier cible des documents des personnes (par défaut CEIS_DOCUMENTS_ROOT)",
        )
        parser.add_argument(
            "--pg-bindir", help="dossier de pg_restore, s'il n'est pas dans le PATH"
        )

    def handle(
        self,
        *args,
        path,
        force,
        database_url,
        media_root,
        pg_bindir,
        wet_run,
        documents_root=None,
        **options,
    ):
        source = Path(path)
        manifest = self._checked_manifest(source)
        if database_url:
            db = environ.Env.db_url_config(database_url)
        else:
            db = connections["default"].settings_dict
        env = postgres_env(db)
        pg_restore = pg_tool("pg_restore", pg_bindir)
        media = Path(media_root or settings.MEDIA_ROOT)
        documents = Path(documents_root or settings.CEIS_DOCUMENTS_ROOT)
        has_documents = DOCUMENTS in manifest["files"]

        # Both checks before anything is written.
        tables = self._table_count(env)
        if tables and not force:
            raise CommandError(
                f"La base {env['PGDATABASE']} n'est pas vide ({tables} table(s)) : restauration "
                "refusée. Restaurez dans une base vide, ou ajoutez --force pour l'écraser."
            )
        if media.is_dir() and any(media.iterdir()) and not force:
            raise CommandError(
                f"{media} n'est pas vide : restauration refusée (--force pour écrire dedans)."
            )
        if has_documents and documents.is_dir() and any(documents.iterdir()) and not force:
            raise CommandError(
                f"{documents} n'est pas vide : restauration refusée (--force pour écrire dedans)."
            )
        if not wet_run:
            dropped = f", après suppression de ses {tables} table(s)" if tables else ""
            self.stdout.write(
                f"Sauvegarde du {manifest['created_at']} à restaurer dans la base "
                f"{env['PGDATABASE']}{dropped}, et {media} ({manifest['media_files']} fichier(s))."
            )
            return

        # Django's own connection must not hold the database while pg_restore works on it.
        connections.close_all()
        if tables:
            self._drop_public_schema(env)
        result = subprocess.run(  # noqa: S603
            [pg_restore, "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
             f"--dbname={env['PGDATABASE']}", str(source / DUMP)],
            env=env,
            capture_output=True,
            text=True,
        )  # fmt: skip
        if result.returncode != 0:
            raise CommandError(f"pg_restore a échoué : {result.stderr.strip()}")

        media.mkdir(parents=True, exist_ok=True)
        with tarfile.open(source / MEDIA, "r:gz") as tar:
            # The "data" filter refuses absolute paths, "..", links outside and device files.
            tar.extractall(media, filter="data")
        if has_documents:
            documents.mkdir(parents=True, exist_ok=True)
            with tarfile.open(source / DOCUMENTS, "r:gz") as tar:
                tar.extractall(documents, filter="data")
        self.stdout.write(
            f"Sauvegarde du {manifest['created_at']} restaurée dans la base {env['PGDATABASE']} "
            f"et {media} ({manifest['media_files']} fichier(s))."
        )

    @staticmethod
    def _checked_manifest(source: Path) -> dict:
        try:
            manifest = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise CommandError(f"{source / MANIFEST} illisible : {error}") from None
        if manifest.get("format") != FORMAT:
            raise CommandError(f"Format de sauvegarde inconnu : {manifest.get('format')!r}.")
        # A backup made before documents existed has no documents archive.
        for name in (DUMP, MEDIA, *([DOCUMENTS] if DOCUMENTS in manifest.get("files", {}) else [])):
            expected = manifest["files"][name]["sha256"]
            if not (source / name).is_file() or sha256(source / name) != expected:
                raise CommandError(f"{source / name} manque ou ne correspond pas au manifeste.")
        return manifest

    @staticmethod
    def _table_count(env: dict) -> int:
        with _connect(env) as conn, conn.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM information_schema.tables "
                "WHERE table_schema NOT IN ('pg_catalog', 'information_schema')"
            )
            count = cursor.fetchone()[0]
        conn.close()
        return count

    @staticmethod
    def _drop_public_schema(env: dict) -> None:
        conn = _connect(env)
        try:
            with conn, conn.cursor() as cursor:
                cursor.execute("DROP SCHEMA public CASCADE")
                cursor.execute("CREATE SCHEMA public")
        finally:
            conn.close()
