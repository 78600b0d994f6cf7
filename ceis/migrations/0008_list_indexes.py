# The persons list of every site: its order with the primary key, and the site, in one index
# (ceis.pagination; bench/index_explain.py shows the index-only scan of a deep page).
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("ceis", "0007_import_job")]

    operations = [
        migrations.RemoveIndex(model_name="person", name="ceis_person_name_idx"),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(
                fields=["last_name", "first_name", "id"],
                include=("site",),
                name="ceis_person_list_idx",
            ),
        ),
    ]
