"""Every existing site gets the seed's partners (and « Autre »), and the free-text orientations
of the follow-up entries become orientations to the site's « Autre » with the text in their note
(domain.md: "existing text migrates into the note of an orientation to a partner Autre").

A data migration rather than a command: it runs once with the deployment that brings the
directory, so no site is left without its partners and no text is left behind. Sites created
later get « Autre » when first needed (`services.other_partner`) and their partners from the
directory's screen.

A migrated orientation stays `proposee` (nobody recorded what came of it: it is left out of the
completed rate's denominator) and has no `created_by`, so that it fills nobody's to-do list; the
follow-up entry it comes from keeps its author.
"""

from django.db import migrations

from coordination.seed import SEED_PARTNERS

OTHER = "Autre"


def forwards(apps, schema_editor):
    Site = apps.get_model("ceis", "Site")
    Partner = apps.get_model("coordination", "Partner")
    Orientation = apps.get_model("coordination", "Orientation")
    FollowUp = apps.get_model("unisvers", "FollowUp")
    for site in Site.objects.all():
        for name, category in SEED_PARTNERS:
            Partner.objects.get_or_create(site=site, name=name, defaults={"category": category})
    others = {partner.site_id: partner for partner in Partner.objects.filter(name=OTHER)}
    entries = (
        FollowUp.objects.exclude(orientation="")
        .select_related("enrollment__cohort", "person")
        .order_by("pk")
    )
    for entry in entries.iterator(chunk_size=500):
        site_id = entry.enrollment.cohort.site_id if entry.enrollment_id else entry.person.site_id
        Orientation.objects.create(
            person_id=entry.person_id,
            site_id=site_id,
            partner=others[site_id],
            date=entry.date,
            note=entry.orientation,
            status="proposee",
            source="followup",
            followup_id=entry.pk,
        )
    FollowUp.objects.exclude(orientation="").update(orientation="")


class Migration(migrations.Migration):
    dependencies = [
        ("coordination", "0002_role_permissions"),
        ("unisvers", "0009_followup_6m"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
