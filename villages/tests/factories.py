"""Factories of Vill@ges connectés. `SessionFactory(site=site, full=True)` etc."""

import datetime

import factory
from django.utils import timezone

from ceis.tests.factories import PersonFactory, SiteFactory
from villages.assessment import QUESTIONNAIRE_VERSION, classify
from villages.choices import (
    Attendance,
    DigitalTheme,
    Procedure,
    RegistrationStatus,
    WorkshopFormat,
    WorkshopLevel,
)
from villages.models import Assessment, IndividualHelp, Registration, Session, Visit, Workshop


class WorkshopFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workshop

    title = factory.Sequence(lambda n: f"Atelier n°{n}")
    theme = DigitalTheme.NAVIGATION_SUR_INTERNET
    format = WorkshopFormat.ATELIER_LUDIQUE
    level = WorkshopLevel.DEBUTANT


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    workshop = factory.SubFactory(WorkshopFactory)
    site = factory.SubFactory(SiteFactory)
    start = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=2))
    duration_min = 120
    capacity = 10
    facilitator = "Karim Benali"

    class Params:
        today = factory.Trait(
            start=factory.LazyFunction(
                lambda: timezone.localtime().replace(hour=14, minute=0, second=0, microsecond=0)
            )
        )
        past = factory.Trait(
            start=factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=7))
        )


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    session = factory.SubFactory(SessionFactory)
    person = factory.SubFactory(PersonFactory, site=factory.SelfAttribute("..session.site"))
    status = RegistrationStatus.INSCRIT

    class Params:
        waiting = factory.Trait(status=RegistrationStatus.LISTE_ATTENTE)
        cancelled = factory.Trait(status=RegistrationStatus.ANNULE)
        present = factory.Trait(attendance=Attendance.PRESENT)
        absent = factory.Trait(attendance=Attendance.ABSENT)


class IndividualHelpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IndividualHelp

    site = factory.SubFactory(SiteFactory)
    person = factory.SubFactory(PersonFactory, site=factory.SelfAttribute("..site"))
    date = factory.LazyFunction(timezone.localdate)
    duration_min = 30
    themes = factory.LazyFunction(lambda: [DigitalTheme.AIDE_AUX_DEMARCHES_ADMINISTRATIVES])
    procedures = factory.LazyFunction(lambda: [Procedure.FAMILLE_SCOLARITE])

    class Params:
        urgent_help = factory.Trait(urgent=True)


class VisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Visit

    site = factory.SubFactory(SiteFactory)
    date = factory.LazyFunction(timezone.localdate)


class AssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assessment

    site = factory.SubFactory(SiteFactory)
    person = factory.SubFactory(PersonFactory, site=factory.SelfAttribute("..site"))
    date = factory.LazyFunction(timezone.localdate)
    internet_use_3m = True
    information = 1
    communication = 1
    contenus = 1
    securite = 1
    resolution_problemes = 1
    questionnaire_version = QUESTIONNAIRE_VERSION
    classification = factory.LazyAttribute(
        lambda a: classify(
            internet_use_3m=a.internet_use_3m,
            scores={
                "information": a.information,
                "communication": a.communication,
                "contenus": a.contenus,
                "securite": a.securite,
                "resolution_problemes": a.resolution_problemes,
            },
        )
    )

    class Params:
        beginner = factory.Trait(
            internet_use_3m=False,
            information=0,
            communication=0,
            contenus=0,
            securite=0,
            resolution_problemes=0,
        )
