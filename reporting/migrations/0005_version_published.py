"""Published bilan versions: the texts a version was requested with, its publication, and the
permission to publish (managers and admins, reporting.perms)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from ceis.roles import grant_role_permissions
from reporting.perms import ROLE_PERMISSIONS


def grant(apps, schema_editor):
    grant_role_permissions(apps, "reporting", ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0004_dashboard_result"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="bilanversion",
            name="texts",
            field=models.JSONField(blank=True, null=True, verbose_name="textes"),
        ),
        migrations.AddField(
            model_name="bilanversion",
            name="published_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="publiée le"),
        ),
        migrations.AddField(
            model_name="bilanversion",
            name="published_by",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddConstraint(
            model_name="bilanversion",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("published_at__isnull", True), ("status", "ready"), _connector="OR"
                ),
                name="bilan_version_published_is_ready",
            ),
        ),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
