# Anonymous attendees of a session, by age band and sex (domain.md, "Anonymous participants").
import django.core.validators
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("villages", "0004_list_indexes")]

    operations = [
        migrations.CreateModel(
            name="AnonymousAttendance",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "age_band",
                    models.CharField(
                        choices=[
                            ("moins_26", "Moins de 26 ans"),
                            ("26_59", "26 à 59 ans"),
                            ("60_plus", "60 ans et plus"),
                            ("inconnu", "Âge inconnu"),
                        ],
                        max_length=10,
                        verbose_name="tranche d'âge",
                    ),
                ),
                (
                    "sex",
                    models.CharField(
                        choices=[
                            ("F", "Femmes"),
                            ("M", "Hommes"),
                            ("X", "Autre"),
                            ("inconnu", "Non précisé"),
                        ],
                        max_length=10,
                        verbose_name="sexe",
                    ),
                ),
                (
                    "count",
                    models.PositiveSmallIntegerField(
                        validators=[django.core.validators.MinValueValidator(1)],
                        verbose_name="nombre",
                    ),
                ),
                (
                    "session",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="anonymous_attendances",
                        to="villages.session",
                        verbose_name="séance",
                    ),
                ),
            ],
            options={
                "verbose_name": "participants anonymes",
                "verbose_name_plural": "participants anonymes",
                "ordering": ["session", "age_band", "sex"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("session", "age_band", "sex"),
                        name="villages_anonymous_unique_group",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("count__gt", 0)),
                        name="villages_anonymous_count_positive",
                    ),
                ],
            },
        ),
    ]
