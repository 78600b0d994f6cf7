from django.db import migrations

from messaging.defaults import DEFAULTS


def create(apps, schema_editor):
    MessageTemplate = apps.get_model("messaging", "MessageTemplate")
    for code, channels in DEFAULTS.items():
        for channel, text in channels.items():
            subject, body = text if isinstance(text, tuple) else ("", text)
            MessageTemplate.objects.get_or_create(
                code=code, channel=channel, defaults={"subject": subject, "body": body}
            )


class Migration(migrations.Migration):
    dependencies = [("messaging", "0002_role_permissions")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
