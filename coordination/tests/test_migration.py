"""The data migration of the directory (0003): every existing site gets the seed's partners,
and each follow-up entry's free-text orientation becomes an orientation to the site's « Autre »
with the text in its note; run again, it changes nothing."""

import importlib

import pytest
from django.apps import apps

from ceis.tests.factories import PersonFactory
from coordination.choices import OrientationSource, OrientationStatus
from coordination.models import Orientation, Partner
from coordination.seed import SEED_PARTNERS
from unisvers.models import FollowUp
from unisvers.tests.factories import CohortFactory, EnrollmentFactory, FollowUpFactory

pytestmark = pytest.mark.django_db
migration = importlib.import_module(
    "coordination.migrations.0003_seed_partners_and_followup_orientations"
)


def test_free_text_orientations_move_to_the_sites_other_partner(site, other_site):
    cohort = CohortFactory(site=other_site)
    person = EnrollmentFactory(cohort=cohort, person=PersonFactory(site=site)).person
    written = FollowUpFactory(person=person, cohort=cohort, orientation="CMP Chaptal")
    FollowUpFactory(person=person, cohort=cohort, orientation="")

    migration.forwards(apps, None)
    migration.forwards(apps, None)

    for where in (site, other_site):
        names = set(Partner.objects.filter(site=where).values_list("name", flat=True))
        assert names == {name for name, _ in SEED_PARTNERS}
    orientation = Orientation.objects.get()
    assert orientation.partner == Partner.objects.get(site=other_site, name="Autre")
    assert orientation.site == other_site  # the cohort's site, where the entry was written
    assert (orientation.note, orientation.source, orientation.followup) == (
        "CMP Chaptal",
        OrientationSource.FOLLOWUP,
        written,
    )
    assert (orientation.status, orientation.created_by, orientation.date) == (
        OrientationStatus.PROPOSEE,
        None,
        written.date,
    )
    assert set(FollowUp.objects.values_list("orientation", flat=True)) == {""}
