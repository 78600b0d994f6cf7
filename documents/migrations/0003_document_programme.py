from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("documents", "0002_role_permissions")]

    operations = [
        # No document was attached before the programme files were told apart; the default
        # only fills the column for a database migrated in between (Unis'Vers: the narrower).
        migrations.AddField(
            model_name="persondocument",
            name="programme",
            field=models.CharField(
                choices=[("unisvers", "Unis'Vers"), ("villages", "Vill@ges connectés")],
                default="unisvers",
                max_length=20,
                verbose_name="dossier",
            ),
            preserve_default=False,
        ),
    ]
