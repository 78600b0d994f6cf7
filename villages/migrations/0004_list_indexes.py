# The helps and past sessions of every site in the lists' order with the primary key, and the
# site, in one index each (ceis.pagination); GIN indexes for the themes and procedures filters
# (JSON containment), on PostgreSQL only. bench/index_explain.py shows the plans using them.
from django.contrib.postgres.indexes import GinIndex
from django.db import migrations, models
from django.db.migrations.operations.base import Operation


class AddPostgreSQLIndex(Operation):
    """An index that only PostgreSQL can build (GIN over JSON). It is left out of the models'
    state, so SQLite migrates (and rebuilds tables) without it and makemigrations sees nothing
    to do; on PostgreSQL it is created and dropped like AddIndex."""

    reversible = True

    def __init__(self, model_name, index):
        self.model_name = model_name
        self.index = index

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            model = to_state.apps.get_model(app_label, self.model_name)
            schema_editor.add_index(model, self.index)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            model = from_state.apps.get_model(app_label, self.model_name)
            schema_editor.remove_index(model, self.index)

    def describe(self):
        return f"Create index {self.index.name} on {self.model_name} (PostgreSQL only)"


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
