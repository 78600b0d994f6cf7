# Prepared empty for anonymous attendees; fill in its operations (python manage.py makemigrations --dry-run -v 3 shows them).
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("villages", "0004_list_indexes")]

    operations = []
