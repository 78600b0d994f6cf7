import datetime

import factory

from ceis.tests.factories import PersonFactory, SiteFactory
from coordination.choices import OrientationSource, OrientationStatus, PartnerCategory
from coordination.models import Orientation, Partner


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    site = factory.SubFactory(SiteFactory)
    name = factory.Sequence(lambda n: f"Partenaire {n}")
    category = PartnerCategory.ASSOCIATION
    address = "12 rue du Faubourg Boutonnet, Montpellier"
    contact = "Accueil : 04 67 00 00 00"

    class Params:
        france_travail = factory.Trait(
            name="France Travail", category=PartnerCategory.FRANCE_TRAVAIL
        )


def _site(orientation):
    """The spec's rule (`Orientation.expected_site_id`)."""
    if orientation.enrollment is not None:
        return orientation.enrollment.cohort.site
    if orientation.followup is not None and orientation.followup.enrollment is not None:
        return orientation.followup.enrollment.cohort.site
    if orientation.help is not None:
        return orientation.help.site
    return orientation.partner.site


class OrientationFactory(factory.django.DjangoModelFactory):
    """Without a source by default; `followup=`, `help=` or `enrollment=` with their `source`
    (or the traits `from_followup`… when the record is given)."""

    class Meta:
        model = Orientation

    person = factory.SubFactory(PersonFactory)
    partner = factory.SubFactory(PartnerFactory, site=factory.SelfAttribute("..person.site"))
    followup = None
    help = None
    enrollment = None
    site = factory.LazyAttribute(_site)
    date = datetime.date(2026, 4, 14)
    reason = "Recherche d'emploi dans la restauration"
    note = "Note d'orientation confidentielle"
    status = OrientationStatus.PROPOSEE

    class Params:
        from_followup = factory.Trait(source=OrientationSource.FOLLOWUP)
        from_help = factory.Trait(source=OrientationSource.HELP)
        from_exit = factory.Trait(source=OrientationSource.EXIT)
