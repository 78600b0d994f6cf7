"""Follow-up notes are encrypted at rest (security.md row 10).

Existing notes are rewritten through raw SQL: the historical model would already try to decrypt
them as it reads.
"""

from django.db import migrations

import ceis.fields


def _rewrite(schema_editor, transform):
    table = "unisvers_followup"
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"SELECT id, note FROM {table} WHERE note <> ''")  # noqa: S608
        rows = cursor.fetchall()
        for pk, note in rows:
            cursor.execute(f"UPDATE {table} SET note = %s WHERE id = %s", [transform(note), pk])  # noqa: S608


def encrypt_notes(apps, schema_editor):
    from ceis.crypto import encrypt

    _rewrite(schema_editor, encrypt)


def decrypt_notes(apps, schema_editor):
    from ceis.crypto import decrypt

    _rewrite(schema_editor, decrypt)


class Migration(migrations.Migration):
    dependencies = [("unisvers", "0003_social_workers_undo_enrollments")]

    operations = [
        migrations.RunPython(encrypt_notes, decrypt_notes),
        migrations.AlterField(
            model_name="followup",
            name="note",
            field=ceis.fields.EncryptedTextField(
                blank=True,
                help_text="Courte et factuelle : la personne peut la lire (recommandation CNIL).",
                verbose_name="note",
            ),
        ),
    ]
