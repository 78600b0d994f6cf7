# Prepared empty for the 6-month situation; fill in its operations (python manage.py makemigrations --dry-run -v 3 shows them).
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("unisvers", "0008_list_indexes")]

    operations = []
