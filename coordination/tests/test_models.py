"""Orientations: the site they count for, their source, and who reads them (security.md rows 2,
3 and 17)."""

import pytest
from django.core.exceptions import ValidationError

from ceis.choices import Role
from ceis.tests.factories import PersonFactory
from coordination.choices import OrientationSource, OrientationStatus
from coordination.models import Orientation
from coordination.tests.factories import OrientationFactory, PartnerFactory
from unisvers.tests.factories import CohortFactory, EnrollmentFactory, FollowUpFactory
from villages.tests.factories import IndividualHelpFactory

pytestmark = pytest.mark.django_db


def test_an_orientation_from_an_exit_counts_for_its_cohorts_site(site, other_site):
    enrollment = EnrollmentFactory(cohort=CohortFactory(site=site), exited=True)
    orientation = Orientation(
        person=enrollment.person,
        partner=PartnerFactory(site=site),
        date=enrollment.exit_date,
        source=OrientationSource.EXIT,
        enrollment=enrollment,
    )
    orientation.full_clean(exclude=["site"])
    assert orientation.site == site


def test_a_partner_of_another_site_is_refused(site, other_site):
    help_ = IndividualHelpFactory(site=site)
    orientation = Orientation(
        person=help_.person,
        partner=PartnerFactory(site=other_site),
        date=help_.date,
        source=OrientationSource.HELP,
        help=help_,
    )
    with pytest.raises(ValidationError) as error:
        orientation.full_clean(exclude=["site"])
    assert error.value.message_dict["partner"] == ["Ce partenaire est celui d'un autre site."]


def test_the_source_record_must_be_the_persons(site):
    help_ = IndividualHelpFactory(site=site)
    orientation = Orientation(
        person=PersonFactory(site=site),
        partner=PartnerFactory(site=site),
        date=help_.date,
        source=OrientationSource.HELP,
        help=help_,
    )
    with pytest.raises(ValidationError) as error:
        orientation.full_clean(exclude=["site"])
    assert "person" in error.value.message_dict


def test_a_status_date_before_the_orientation_is_refused(site):
    orientation = OrientationFactory.build(
        person=PersonFactory(site=site),
        partner=PartnerFactory(site=site),
        status=OrientationStatus.REALISEE,
    )
    orientation.status_date = orientation.date.replace(day=1)
    with pytest.raises(ValidationError) as error:
        orientation.full_clean(exclude=["site"])
    assert error.value.message_dict["status_date"] == [
        "La date du statut ne peut pas précéder l'orientation."
    ]


def test_a_followups_orientation_is_read_by_its_referents_only(site, make_user):
    referent = make_user(Role.TRAVAILLEUR_SOCIAL)
    colleague = make_user(Role.TRAVAILLEUR_SOCIAL)
    mediator = make_user(Role.MEDIATEUR_NUMERIQUE)
    manager = make_user(Role.MANAGER)
    admin = make_user(Role.ADMIN)
    cohort = CohortFactory(site=site, referents=[referent])
    followup = FollowUpFactory(person=EnrollmentFactory(cohort=cohort).person, cohort=cohort)
    orientation = OrientationFactory(person=followup.person, followup=followup, from_followup=True)
    readers = {
        user.username
        for user in (referent, colleague, mediator, manager, admin)
        if Orientation.objects.visible_to(user).filter(pk=orientation.pk).exists()
    }
    assert readers == {referent.username, admin.username}


def test_a_helps_orientation_is_read_by_who_reads_helps_on_its_site(site, other_site, make_user):
    help_ = IndividualHelpFactory(site=site)
    orientation = OrientationFactory(person=help_.person, help=help_, from_help=True)
    mediator = make_user(Role.MEDIATEUR_NUMERIQUE)
    other_mediator = make_user(Role.MEDIATEUR_NUMERIQUE, sites=[other_site])
    social_worker = make_user(Role.TRAVAILLEUR_SOCIAL)
    assert list(Orientation.objects.visible_to(mediator)) == [orientation]
    assert not Orientation.objects.visible_to(other_mediator).exists()
    assert not Orientation.objects.visible_to(social_worker).exists()


def test_an_exits_orientation_is_not_the_mediators(site, make_user):
    enrollment = EnrollmentFactory(cohort=CohortFactory(site=site), exited=True)
    OrientationFactory(person=enrollment.person, enrollment=enrollment, from_exit=True)
    assert Orientation.objects.visible_to(make_user(Role.TRAVAILLEUR_SOCIAL)).count() == 1
    assert not Orientation.objects.visible_to(make_user(Role.MEDIATEUR_NUMERIQUE)).exists()
