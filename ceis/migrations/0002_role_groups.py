from django.db import migrations

from ceis.perms import ROLE_PERMISSIONS
from ceis.roles import grant_role_permissions


def grant(apps, schema_editor):
    grant_role_permissions(apps, "ceis", ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("ceis", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
