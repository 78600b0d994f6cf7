from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0008_dashboard_result_scheduled"),
    ]

    operations = [
        migrations.AddField(
            model_name="bilandocument",
            name="texts_pending_since",
            field=models.DateTimeField(
                blank=True,
                editable=False,
                help_text="Le premier jet des textes attend les chiffres de la période, calculés par le worker.",
                null=True,
                verbose_name="textes en attente des chiffres depuis",
            ),
        ),
    ]
