"""The agenda feeds keep their token's SHA-256 only (appointments.models.feed_token_hash): the
tokens stored in clear until now are hashed, so the addresses the agents subscribed to keep
working, and the clear column goes."""

import hashlib

from django.db import migrations, models


def hash_tokens(apps, schema_editor):
    AgendaFeed = apps.get_model("appointments", "AgendaFeed")
    for feed in AgendaFeed.objects.only("pk", "token"):
        # The same hash as models.feed_token_hash (a migration never imports the models).
        feed.token_hash = hashlib.sha256(feed.token.encode()).hexdigest()
        feed.save(update_fields=["token_hash"])


class Migration(migrations.Migration):
    dependencies = [
        ("appointments", "0002_role_permissions"),
    ]

    operations = [
        migrations.AddField(
            model_name="agendafeed",
            name="token_hash",
            field=models.CharField(max_length=64, null=True, verbose_name="empreinte du jeton"),
        ),
        migrations.RunPython(hash_tokens, migrations.RunPython.noop, elidable=False),
        migrations.RemoveField(model_name="agendafeed", name="token"),
        migrations.AlterField(
            model_name="agendafeed",
            name="token_hash",
            field=models.CharField(max_length=64, unique=True, verbose_name="empreinte du jeton"),
        ),
    ]
