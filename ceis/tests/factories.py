"""Factories of the shared core. `UserFactory(role=Role.MANAGER, sites=[site])`."""

import factory
from django.contrib.auth.models import Group

from ceis.choices import Role
from ceis.models import Neighbourhood, Person, Site, User


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"SITE{n}")
    name = factory.Sequence(lambda n: f"Site n°{n}")


class NeighbourhoodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Neighbourhood
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"quartier-{n}")
    name = factory.Sequence(lambda n: f"Quartier {n}")
    centre_ville = False
    qpv_code = ""

    class Params:
        centre = factory.Trait(centre_ville=True)
        qpv = factory.Trait(qpv_code=factory.Sequence(lambda n: f"QN034{n:02d}M"))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"agent{n}")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    email = factory.LazyAttribute(lambda u: f"{u.username}@ceis.invalid")
    password = factory.django.Password("motdepasse-de-test")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        """A role code (or a list of them) becomes group memberships."""
        if not (create and extracted):
            return
        wanted = [extracted] if isinstance(extracted, str) else list(extracted)
        self.groups.add(*Group.objects.filter(name__in=wanted))
        if Role.ADMIN in wanted and not self.is_staff:
            self.is_staff = True
            self.save(update_fields=["is_staff"])

    @factory.post_generation
    def sites(self, create, extracted, **kwargs):
        if create and extracted:
            self.sites.add(*extracted)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    site = factory.SubFactory(SiteFactory)
    last_name = factory.Faker("last_name", locale="fr_FR")
    first_name = factory.Faker("first_name", locale="fr_FR")
    birth_date = factory.Faker("date_of_birth", minimum_age=18, maximum_age=85)
    phone = factory.Faker("numerify", text="06########")
    commune = "Montpellier"

    class Params:
        year_only = factory.Trait(
            birth_date=None, birth_year=factory.Faker("random_int", min=1940, max=2005)
        )
        centre_ville = factory.Trait(
            neighbourhood=factory.SubFactory(NeighbourhoodFactory, centre=True)
        )
        qpv = factory.Trait(neighbourhood=factory.SubFactory(NeighbourhoodFactory, qpv=True))
