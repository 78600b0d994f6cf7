import datetime

import pytest

from ceis.choices import Role
from unisvers.tests.factories import CohortFactory, EnrollmentFactory, FollowUpFactory

# Values that must never reach a page of someone who is not the participant's referent.
SECRET_NOTE = "Note-confidentielle-7f3a"


@pytest.fixture
def referent(make_user):
    return make_user(Role.TRAVAILLEUR_SOCIAL, username="referente")


@pytest.fixture
def cohort(site, referent):
    return CohortFactory(
        site=site,
        name="Promotion printemps",
        start_date=datetime.date(2026, 3, 2),
        end_date=datetime.date(2026, 4, 10),
        referents=[referent],
    )


@pytest.fixture
def sensitive_enrollment(cohort):
    """A participant marked victim of domestic violence, with a health problem and a note."""
    enrollment = EnrollmentFactory(cohort=cohort, sensitive=True)
    FollowUpFactory(
        person=enrollment.person, cohort=cohort, note=SECRET_NOTE, orientation="CMP Chaptal"
    )
    return enrollment
