# A person's name is searched anywhere in it (`name_key LIKE '%martin%'`, ceis.selectors): on
# PostgreSQL a trigram GIN index serves that search; without it every person is read (a
# sequential scan of 200,000 persons at 100×). pg_trgm is a trusted extension: the database's
# owner may create it. SQLite skips both operations. bench/index_explain.py shows the plans.
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

from ceis.migration_operations import AddPostgreSQLIndex


class Migration(migrations.Migration):
    dependencies = [("ceis", "0008_list_indexes")]

    operations = [
        TrigramExtension(),
        AddPostgreSQLIndex(
            "person",
            GinIndex(fields=["name_key"], opclasses=["gin_trgm_ops"], name="ceis_person_name_trgm"),
        ),
    ]
