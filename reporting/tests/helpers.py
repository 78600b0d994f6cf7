"""Small builders for the bilan tests, on top of the programmes' factories: every date and
birth date is explicit so that the expected figures can be computed by hand."""

import datetime
from zoneinfo import ZoneInfo

from ceis.tests.factories import PersonFactory
from unisvers.tests.factories import CohortFactory, EnrollmentFactory
from villages.tests.factories import SessionFactory

PARIS = ZoneInfo("Europe/Paris")
D = datetime.date


def person(site, **kwargs):
    """A person without birth data unless given (the factory draws a random birth date)."""
    kwargs.setdefault("birth_date", None)
    return PersonFactory(site=site, **kwargs)


def cohort(site, start, end, **kwargs):
    return CohortFactory(site=site, start_date=start, end_date=end, calendar=False, **kwargs)


def enrollment(cohort, who, *, entry=None, **kwargs):
    """An enrollment with a neutral intake: nothing known unless given."""
    defaults = {
        "entry_date": entry or cohort.start_date,
        "monthly_income_eur": None,
        "household": "",
        "domestic_violence": None,
        "confidence_entry": None,
    }
    defaults.update(kwargs)
    return EnrollmentFactory(cohort=cohort, person=who, **defaults)


def session_at(site, day: datetime.date, hour=14, minute=0, **kwargs):
    """A session starting at local (Paris) time on `day`."""
    start = datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=PARIS)
    return SessionFactory(site=site, start=start, **kwargs)
