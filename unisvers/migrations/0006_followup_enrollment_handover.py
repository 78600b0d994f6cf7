"""Follow-up entries belong to the enrollment they were written in (security.md row 17), and a
referent may hand an enrollment's follow-up over to a colleague ("Transmettre le suivi").

Each existing entry is tied to the person's enrollment in the entry's cohort; without a cohort,
to the enrollment whose period holds the entry's date, else the last one begun before it (an
entry written after the exit), else the first one (an entry written before the entry date). An
entry of a person never enrolled stays without enrollment: admins only read it. The cohort
column goes in 0007, once every entry is tied; reversing 0007 gives it back from the enrollment.
"""

from collections import defaultdict

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def pick_enrollment(enrollments, *, date, cohort_id=None):
    """`enrollments`: (pk, cohort_id, entry_date, period_end) of one person."""
    if cohort_id is not None:
        for pk, enrolled_cohort, _entry, _end in enrollments:
            if enrolled_cohort == cohort_id:
                return pk
    by_entry = sorted(enrollments, key=lambda e: (e[2], e[0]))
    during = [e for e in by_entry if e[2] <= date <= e[3]]
    if during:
        return during[-1][0]
    before = [e for e in by_entry if e[2] <= date]
    if before:
        return before[-1][0]
    return by_entry[0][0] if by_entry else None


def tie_entries(apps, schema_editor):
    FollowUp = apps.get_model("unisvers", "FollowUp")
    Enrollment = apps.get_model("unisvers", "Enrollment")
    db = schema_editor.connection.alias
    enrollments = defaultdict(list)
    rows = Enrollment.objects.using(db).values_list(
        "pk", "person_id", "cohort_id", "entry_date", "exit_date", "cohort__end_date"
    )
    for pk, person_id, cohort_id, entry, exit_date, cohort_end in rows.iterator():
        enrollments[person_id].append((pk, cohort_id, entry, exit_date or cohort_end))
    # Only ids, dates and cohorts are read: the notes stay encrypted, untouched.
    tied = []
    entries = FollowUp.objects.using(db).values_list("pk", "person_id", "date", "cohort_id")
    for pk, person_id, date, cohort_id in entries.iterator():
        enrollment_id = pick_enrollment(enrollments[person_id], date=date, cohort_id=cohort_id)
        if enrollment_id is not None:
            tied.append(FollowUp(pk=pk, enrollment_id=enrollment_id))
    FollowUp.objects.using(db).bulk_update(tied, ["enrollment"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("unisvers", "0005_perf_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="followup",
            name="enrollment",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="followups",
                to="unisvers.enrollment",
                verbose_name="inscription",
            ),
        ),
        migrations.CreateModel(
            name="Handover",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="transmis le")),
                (
                    "enrollment",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="handovers",
                        to="unisvers.enrollment",
                        verbose_name="inscription",
                    ),
                ),
                (
                    "from_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="transmis par",
                    ),
                ),
                (
                    "to_user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="unisvers_handovers",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="transmis à",
                    ),
                ),
            ],
            options={
                "verbose_name": "transmission de suivi",
                "verbose_name_plural": "transmissions de suivi",
                "ordering": ["-created_at"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("enrollment", "to_user"), name="unisvers_handover_unique"
                    )
                ],
            },
        ),
        # Reversed, the column is dropped by the AddField: nothing to undo here.
        migrations.RunPython(tie_entries, migrations.RunPython.noop),
    ]
