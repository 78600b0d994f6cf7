# The 6-month situation after the exit (issue #20): same codes and rules as the 3-month one,
# and never before the 3-month follow-up when both are recorded.
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("unisvers", "0008_list_indexes")]

    operations = [
        migrations.AddField(
            model_name="enrollment",
            name="followup_6m_date",
            field=models.DateField(blank=True, null=True, verbose_name="date du suivi à 6 mois"),
        ),
        migrations.AddField(
            model_name="enrollment",
            name="followup_6m_situation",
            field=models.CharField(
                blank=True,
                choices=[
                    (
                        "emploi_durable",
                        "Emploi durable (CDI, CDD ou intérim ≥ 6 mois, création d'entreprise)",
                    ),
                    (
                        "emploi_transition",
                        "Emploi de transition (CDD ou intérim < 6 mois, contrat aidé)",
                    ),
                    (
                        "iae",
                        "Structure d'insertion par l'activité économique (chantier d'insertion…)",
                    ),
                    ("formation", "Formation qualifiante ou pré-qualifiante"),
                    ("projet_professionnel", "Projet professionnel réaliste validé"),
                    ("sans_solution", "Fin d'action sans solution"),
                    ("inconnu", "Situation inconnue"),
                ],
                max_length=30,
                verbose_name="situation à 6 mois",
            ),
        ),
        migrations.AddConstraint(
            model_name="enrollment",
            constraint=models.CheckConstraint(
                condition=(
                    models.Q(followup_6m_date__isnull=True, followup_6m_situation="")
                    | (
                        models.Q(followup_6m_date__isnull=False)
                        & ~models.Q(followup_6m_situation="")
                        & models.Q(exit_date__isnull=False)
                        & models.Q(followup_6m_date__gte=models.F("exit_date"))
                        & (
                            models.Q(followup_3m_date__isnull=True)
                            | models.Q(followup_6m_date__gte=models.F("followup_3m_date"))
                        )
                    )
                ),
                name="unisvers_enrollment_followup_6m_after_exit",
            ),
        ),
    ]
