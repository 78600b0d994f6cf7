from django.apps import AppConfig


class CeisConfig(AppConfig):
    name = "ceis"
    verbose_name = "CEIS — socle commun"

    def ready(self):
        # Login, logout and failed-login receivers write to the access journal.
        from . import signals  # noqa: F401
