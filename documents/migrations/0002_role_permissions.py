from django.db import migrations

from ceis.roles import grant_role_permissions
from documents.perms import ROLE_PERMISSIONS


def grant(apps, schema_editor):
    grant_role_permissions(apps, "documents", ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0001_initial"),
        ("ceis", "0002_role_groups"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
