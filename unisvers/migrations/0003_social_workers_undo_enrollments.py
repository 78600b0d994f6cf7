from django.db import migrations

from ceis.roles import grant_role_permissions
from unisvers.perms import ROLE_PERMISSIONS


def grant(apps, schema_editor):
    # Adds what perms.py grants since 0002 (social workers may undo a mistaken enrollment).
    grant_role_permissions(apps, "unisvers", ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("unisvers", "0002_role_permissions")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
