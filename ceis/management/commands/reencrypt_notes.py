"""Rewrite every encrypted note under the newest key of CEIS_FIELD_ENCRYPTION_KEYS.

Dry run by default (counts what would be rewritten); `--wet-run` writes, in batches. Safe to run
twice: a note already under the newest key is rewritten under it again.
"""

from django.db import connection, transaction

from ceis.crypto import rotate
from ceis.management.base import WetRunCommand

# (table, column) of every encrypted field.
ENCRYPTED_COLUMNS = [("unisvers_followup", "note")]
BATCH = 500


class Command(WetRunCommand):
    help = (
        "Rechiffre les notes avec la clé la plus récente de CEIS_FIELD_ENCRYPTION_KEYS "
        "(avec --wet-run ; sans, compte les notes à rechiffrer)."
    )
    wet_run_action = "rechiffrer les notes"

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
        verb = "rechiffrées" if wet_run else "à rechiffrer"
        self.stdout.write(f"{total} note(s) {verb}.")
