from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "documents"
    verbose_name = "Documents des personnes"

    def ready(self):
        from . import signals  # noqa: F401  (a deleted document takes its file with it)
