"""Rewrite every encrypted note under the newest key of CEIS_FIELD_ENCRYPTION_KEYS.

Dry run by default (counts what would be rewritten); `--wet-run` writes, in batches. Safe to run
twice: a note already under the newest key is rewritten under it again.
"""

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from ceis.crypto import rotate

# (table, column) of every encrypted field.
ENCRYPTED_COLUMNS = [("unisvers_followup", "note")]
BATCH = 500


class Command(BaseCommand):
    help = "Rechiffre les notes avec la clé la plus récente de CEIS_FIELD_ENCRYPTION_KEYS."

    def add_arguments(self, parser):
        parser.add_argument("--wet-run", action="store_true", help="Écrire (sinon : simulation).")

    def handle(self, *args, wet_run, **options):
        total = 0
        for table, column in ENCRYPTED_COLUMNS:
            last_id = 0
            while True:
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute(
                        f"SELECT id, {column} FROM {table} WHERE {column} <> '' AND id > %s "  # noqa: S608
                        f"ORDER BY id LIMIT {BATCH}",
                        [last_id],
                    )
                    rows = cursor.fetchall()
                    if not rows:
                        break
                    for pk, token in rows:
                        if wet_run:
                            cursor.execute(
                                f"UPDATE {table} SET {column} = %s WHERE id = %s",  # noqa: S608
                                [rotate(token), pk],
                            )
                    total += len(rows)
                    last_id = rows[-1][0]
        verb = "rechiffrées" if wet_run else "à rechiffrer (simulation, --wet-run pour écrire)"
        self.stdout.write(f"{total} note(s) {verb}.")
