"""Anonymous attendees in the bilan: counted in attendance, never among the persons reached."""

import pytest

from reporting.indicators import compute_bilan
from villages.models import AnonymousAttendance
from villages.tests.factories import RegistrationFactory

from .helpers import D, person, session_at

pytestmark = pytest.mark.django_db


def anonymous(session, band, sex, count):
    AnonymousAttendance.objects.create(session=session, age_band=band, sex=sex, count=count)


def test_anonymous_attendees_are_summed_by_age_band_and_are_not_people(site, other_site):
    morning = session_at(site, D(2019, 3, 4))
    RegistrationFactory(session=morning, person=person(site), present=True)
    anonymous(morning, "60_plus", "F", 3)
    anonymous(morning, "60_plus", "M", 2)
    anonymous(morning, "inconnu", "inconnu", 1)
    anonymous(session_at(other_site, D(2019, 5, 6)), "moins_26", "X", 4)
    # A session of the day before the period (23:30 local) is not counted.
    anonymous(session_at(site, D(2018, 12, 31), hour=23, minute=30), "26_59", "F", 7)

    bilan = compute_bilan(date_from=D(2019, 1, 1), date_to=D(2019, 12, 31))
    villages = bilan["villages"]

    assert villages["anonymous_attendees"] == 10
    assert villages["anonymous_by_age"] == {"moins_26": 4, "26_59": 0, "60_plus": 5, "inconnu": 1}
    assert villages["people"] == 1
    assert villages["attended"] == 1

    one_site = compute_bilan(date_from=D(2019, 1, 1), date_to=D(2019, 12, 31), site=site)
    assert one_site["villages"]["anonymous_attendees"] == 6


def test_no_anonymous_attendee_gives_zeros_for_every_band(site):
    villages = compute_bilan(date_from=D(2019, 1, 1), date_to=D(2019, 12, 31))["villages"]
    assert villages["anonymous_attendees"] == 0
    assert villages["anonymous_by_age"] == {"moins_26": 0, "26_59": 0, "60_plus": 0, "inconnu": 0}
