from django.db import migrations

from appointments.perms import ROLE_PERMISSIONS
from ceis.roles import grant_role_permissions


def grant(apps, schema_editor):
    grant_role_permissions(apps, "appointments", ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("appointments", "0001_initial"),
        ("ceis", "0002_role_groups"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
