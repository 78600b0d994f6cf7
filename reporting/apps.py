from django.apps import AppConfig, apps
from django.db.models.signals import post_delete, post_save

# Whose records the figures count: every model of the programmes, and the persons. A finished
# import job stands for the rows it wrote in bulk (bulk writes send no signal).
COUNTED_APPS = ("unisvers", "villages", "appointments", "coordination")
COUNTED_CORE_MODELS = ("ceis.Person", "ceis.ImportJob", "messaging.Message")


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = "Bilans"

    def ready(self):
        from .dashboard import dashboard_data_changed

        models = [
            model for label in COUNTED_APPS for model in apps.get_app_config(label).get_models()
        ]
        models += [apps.get_model(name) for name in COUNTED_CORE_MODELS]
        for model in models:
            uid = f"reporting.dashboard:{model._meta.label}"
            post_save.connect(dashboard_data_changed, sender=model, dispatch_uid=uid + ":save")
            post_delete.connect(dashboard_data_changed, sender=model, dispatch_uid=uid + ":delete")
