import datetime
import html
import re
from urllib.parse import urlsplit

import factory
from django.urls import reverse
from django.utils import timezone

from ceis.tests.factories import PersonFactory, SiteFactory

from ..choices import AppointmentKind, AppointmentStatus, Weekday
from ..models import Absence, Appointment, OpeningHours


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    """A local time of `day` (Europe/Paris), aware."""
    return datetime.datetime.combine(
        day, datetime.time(hour, minute), tzinfo=timezone.get_current_timezone()
    )


class OpeningHoursFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OpeningHours

    site = factory.SubFactory(SiteFactory)
    weekday = Weekday.MARDI
    start = datetime.time(9)
    end = datetime.time(12)


class AbsenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Absence

    start = factory.LazyFunction(lambda: at(timezone.localdate(), 0))
    end = factory.LazyAttribute(lambda a: a.start + datetime.timedelta(days=1))


class AppointmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Appointment

    site = factory.SubFactory(SiteFactory)
    person = factory.SubFactory(PersonFactory, site=factory.SelfAttribute("..site"))
    kind = AppointmentKind.ACCOMPAGNEMENT_NUMERIQUE
    start = factory.LazyFunction(lambda: at(timezone.localdate() + datetime.timedelta(days=1), 10))
    duration_min = 30

    class Params:
        honoured = factory.Trait(status=AppointmentStatus.HONORE)
        cancelled = factory.Trait(status=AppointmentStatus.EXCUSE)
        by_phone = factory.Trait(place="Par téléphone")


FEED_ADDRESS = re.compile(r'id="adresse-agenda"[^>]*value="([^"]+)"')


def new_feed_path(client) -> str:
    """« Créer une nouvelle adresse » on the agent's feed page, as the agent does: the path of
    the address the page then shows, the only time it shows it."""
    page = client.post(reverse("appointments:feed_settings"), follow=True).content.decode()
    found = FEED_ADDRESS.search(page)
    assert found, "the page shows no address after « Créer »"
    return urlsplit(html.unescape(found.group(1))).path
