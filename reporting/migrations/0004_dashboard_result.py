# The dashboard's figures per (period, site), computed by a Celery task (reporting/dashboard.py).
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("reporting", "0003_version_job_trace")]

    operations = [
        migrations.CreateModel(
            name="DashboardResult",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("key", models.CharField(max_length=40, unique=True, verbose_name="clé")),
                ("date_from", models.DateField(verbose_name="du")),
                ("date_to", models.DateField(verbose_name="au")),
                ("figures", models.JSONField(blank=True, null=True, verbose_name="chiffres")),
                (
                    "computed_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="calculé le"),
                ),
                (
                    "duration_ms",
                    models.PositiveIntegerField(blank=True, null=True, verbose_name="durée (ms)"),
                ),
                (
                    "computing_since",
                    models.DateTimeField(blank=True, null=True, verbose_name="calcul commencé le"),
                ),
                (
                    "requested_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="demandé le"),
                ),
                (
                    "data_changed_at",
                    models.DateTimeField(
                        blank=True, null=True, verbose_name="données modifiées le"
                    ),
                ),
                (
                    "asked_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="consulté le"),
                ),
                ("error", models.TextField(blank=True, verbose_name="erreur")),
                (
                    "site",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="ceis.site",
                        verbose_name="site",
                    ),
                ),
            ],
            options={
                "verbose_name": "chiffres du tableau de bord",
                "verbose_name_plural": "chiffres du tableau de bord",
            },
        ),
    ]
