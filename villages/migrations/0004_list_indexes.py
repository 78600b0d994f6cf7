# Prepared empty for the list indexes; fill in its operations (python manage.py makemigrations --dry-run -v 3 shows them).
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("villages", "0003_perf_indexes")]

    operations = []
