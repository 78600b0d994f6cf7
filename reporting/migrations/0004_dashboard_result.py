# Prepared empty for the cached dashboard results; fill in its operations (python manage.py makemigrations --dry-run -v 3 shows them).
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("reporting", "0003_version_job_trace")]

    operations = []
