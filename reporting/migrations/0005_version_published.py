# Prepared empty for published bilan versions; fill in its operations (python manage.py makemigrations --dry-run -v 3 shows them).
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("reporting", "0004_dashboard_result")]

    operations = []
