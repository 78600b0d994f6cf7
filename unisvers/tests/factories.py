"""Factories of Unis'Vers. `CohortFactory(site=site, referents=[user])` creates its calendar;
`EnrollmentFactory(cohort=c, exited=True)`, `abandon=True`, `sensitive=True` are named states."""

import datetime

import factory

from ceis.tests.factories import PersonFactory, SiteFactory
from unisvers.calendar import meeting_dates
from unisvers.choices import (
    Barrier,
    DropoutReason,
    EventKind,
    ExitOutcome,
    FollowupKind,
    Household,
    MinimumIncome,
    ReferralSource,
    Space,
)
from unisvers.models import (
    Cohort,
    CollectiveActivity,
    Enrollment,
    Event,
    FollowUp,
    MeetingDay,
    Target,
    Testimonial,
)
from unisvers.selectors import enrollment_periods, pick_enrollment


class CohortFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cohort
        skip_postgeneration_save = True

    site = factory.SubFactory(SiteFactory)
    name = factory.Sequence(lambda n: f"Promotion {n}")
    start_date = datetime.date(2026, 3, 2)
    end_date = factory.LazyAttribute(lambda c: c.start_date + datetime.timedelta(days=41))
    weekdays = factory.LazyFunction(lambda: ["mon", "tue", "thu"])
    capacity = 20

    @factory.post_generation
    def referents(self, create, extracted, **kwargs):
        if create and extracted:
            self.referents.set(extracted)

    @factory.post_generation
    def calendar(self, create, extracted, **kwargs):
        """The generated meeting days, as `cohort_create` makes them (`calendar=False`: none)."""
        if create and extracted is not False:
            MeetingDay.objects.bulk_create(
                MeetingDay(cohort=self, date=day)
                for day in meeting_dates(self.start_date, self.end_date, self.weekdays)
            )


class EnrollmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrollment

    cohort = factory.SubFactory(CohortFactory)
    person = factory.SubFactory(PersonFactory, site=factory.SelfAttribute("..cohort.site"))
    entry_date = factory.SelfAttribute("cohort.start_date")
    referral_source = ReferralSource.FRANCE_TRAVAIL
    minimum_income = MinimumIncome.RSA
    monthly_income_eur = 540
    household = Household.SEUL
    barriers = factory.LazyFunction(lambda: [Barrier.MOBILITE, Barrier.NUMERIQUE])
    confidence_entry = 4

    class Params:
        exited = factory.Trait(
            exit_date=factory.SelfAttribute("cohort.end_date"),
            exit_outcome=ExitOutcome.EMPLOI_DURABLE,
            confidence_exit=7,
        )
        abandon = factory.Trait(
            exit_date=factory.LazyAttribute(
                lambda e: e.cohort.start_date + datetime.timedelta(days=10)
            ),
            exit_outcome=ExitOutcome.ABANDON,
            dropout_reason=DropoutReason.SANTE,
        )
        sensitive = factory.Trait(domestic_violence=True, health_problem=True)


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CollectiveActivity

    cohort = factory.SubFactory(CohortFactory)
    date = factory.SelfAttribute("cohort.start_date")
    space = Space.MOBILITE
    title = "Atelier vélo"
    duration_min = 120


def _entry_enrollment(followup):
    """`cohort=c`: the person's enrollment in c (enrolled there if needed); otherwise the
    enrollment the entry's date falls in, as the data migration ties it (None if never
    enrolled: an entry admins only read)."""
    person = followup.person
    if followup.cohort is not None:
        return Enrollment.objects.filter(
            cohort=followup.cohort, person=person
        ).first() or EnrollmentFactory(cohort=followup.cohort, person=person)
    periods = enrollment_periods([person.pk]).get(person.pk, [])
    pk = pick_enrollment(periods, date=followup.date)
    return Enrollment.objects.get(pk=pk) if pk else None


class FollowUpFactory(factory.django.DjangoModelFactory):
    """An entry of `person`, in their enrollment in `cohort` when given (`enrollment=` too)."""

    class Meta:
        model = FollowUp

    class Params:
        cohort = None

    person = factory.SubFactory(PersonFactory)
    enrollment = factory.LazyAttribute(_entry_enrollment)
    date = datetime.date(2026, 3, 10)
    kind = FollowupKind.ENTRETIEN
    # The free-text orientation is gone from the form (orientations name a partner now,
    # coordination); only data from before the directory holds text.
    orientation = ""
    note = "Note de suivi confidentielle"


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    site = factory.SubFactory(SiteFactory)
    date = datetime.date(2026, 6, 20)
    kind = EventKind.ALUMNI
    title = "Rencontre des anciens"


class TestimonialFactory(factory.django.DjangoModelFactory):
    __test__ = False  # not a test class, whatever its name says

    class Meta:
        model = Testimonial

    person = factory.SubFactory(PersonFactory)
    date = datetime.date(2026, 4, 15)
    quote = "J'ai retrouvé confiance en moi."
    display_name = "Nadia"
    publication_consent = True


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Target

    site = factory.SubFactory(SiteFactory)
    year = 2026
    persons = 200
