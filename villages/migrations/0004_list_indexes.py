# The helps and past sessions of every site in the lists' order with the primary key, and the
# site, in one index each (ceis.pagination); GIN indexes for the themes and procedures filters
# (JSON containment), on PostgreSQL only. bench/index_explain.py shows the plans using them.
from django.contrib.postgres.indexes import GinIndex
from django.db import migrations, models

from ceis.migration_operations import AddPostgreSQLIndex


class Migration(migrations.Migration):
    dependencies = [("villages", "0003_perf_indexes")]

    operations = [
        migrations.AddIndex(
            model_name="individualhelp",
            index=models.Index(
                fields=["-date", "-created_at", "-id"], include=("site",), name="vil_help_list_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="session",
            index=models.Index(
                fields=["-start", "-id"], include=("site",), name="vil_session_list_idx"
            ),
        ),
        AddPostgreSQLIndex(
            "individualhelp",
            GinIndex(fields=["themes"], opclasses=["jsonb_path_ops"], name="vil_help_themes_gin"),
        ),
        AddPostgreSQLIndex(
            "individualhelp",
            GinIndex(
                fields=["procedures"], opclasses=["jsonb_path_ops"], name="vil_help_procedures_gin"
            ),
        ),
    ]
