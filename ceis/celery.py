"""The one Celery application of CEIS. Settings come from Django's, namespace `CELERY`."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ceis.settings.local")

app = Celery("ceis")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect
def _create_filesystem_transport_folders(sender, **kwargs):
    """kombu's filesystem transport does not create its folders; make them on first use."""
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        folder = sender.conf.broker_transport_options.get(key)
        if folder:
            os.makedirs(folder, exist_ok=True)
