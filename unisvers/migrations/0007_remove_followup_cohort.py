"""The cohort of a follow-up entry is its enrollment's: the copy goes (security.md row 17).

Reversed, the column comes back filled from each entry's enrollment.
"""

from django.db import migrations


def restore_cohorts(apps, schema_editor):
    FollowUp = apps.get_model("unisvers", "FollowUp")
    db = schema_editor.connection.alias
    entries = FollowUp.objects.using(db).filter(enrollment__isnull=False)
    restored = [
        FollowUp(pk=pk, cohort_id=cohort_id)
        for pk, cohort_id in entries.values_list("pk", "enrollment__cohort_id").iterator()
    ]
    FollowUp.objects.using(db).bulk_update(restored, ["cohort"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("unisvers", "0006_followup_enrollment_handover")]

    operations = [
        # Runs (backwards) after the column is back.
        migrations.RunPython(migrations.RunPython.noop, restore_cohorts),
        migrations.RemoveField(model_name="followup", name="cohort"),
    ]
