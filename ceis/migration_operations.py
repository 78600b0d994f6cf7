"""Migration operations shared by the apps' migrations."""

from django.db.migrations.operations.base import Operation


class AddPostgreSQLIndex(Operation):
    """An index that only PostgreSQL can build (GIN over JSON, trigrams). It is left out of the
    models' state, so SQLite migrates (and rebuilds tables) without it and makemigrations sees
    nothing to do; on PostgreSQL it is created and dropped like AddIndex."""

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
