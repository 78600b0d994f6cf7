"""Services: validation, series, and the journal (field names only, never values)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone

from ceis.choices import JournalAction, Role
from ceis.models import JournalEntry
from villages.choices import Procedure
from villages.models import Assessment, Session
from villages.services import (
    MAX_SERIES_SESSIONS,
    assessment_create,
    help_update,
    series_starts,
    session_series_create,
)

from .factories import AssessmentFactory, IndividualHelpFactory, SessionFactory, WorkshopFactory


@pytest.fixture
def mediator(make_user):
    return make_user(Role.MEDIATEUR_NUMERIQUE)


def test_series_starts_every_week_on_the_first_days_weekday():
    starts = series_starts(
        first_day=datetime.date(2030, 1, 3),  # a Thursday
        last_day=datetime.date(2030, 1, 31),
        weekday=1,  # Tuesday
        at=datetime.time(14, 0),
    )
    assert [s.date().isoformat() for s in starts] == [
        "2030-01-08",
        "2030-01-15",
        "2030-01-22",
        "2030-01-29",
    ]
    assert all(s.hour == 14 and s.tzinfo is not None for s in starts)


@pytest.mark.django_db
def test_a_series_longer_than_the_limit_is_refused(site, mediator):
    with pytest.raises(ValidationError, match=f"au plus {MAX_SERIES_SESSIONS}"):
        session_series_create(
            user=mediator,
            first_day=datetime.date(2030, 1, 1),
            last_day=datetime.date(2032, 1, 1),
            weekday=1,
            at=datetime.time(14),
            workshop=WorkshopFactory(),
            site=site,
            duration_min=60,
            capacity=8,
        )
    assert Session.objects.count() == 0


@pytest.mark.django_db
def test_help_update_journals_field_names_not_values(site, mediator):
    individual_help = IndividualHelpFactory(site=site, duration_min=30)
    help_update(
        individual_help=individual_help,
        user=mediator,
        duration_min=45,
        procedures=[Procedure.LOGEMENT],
        urgent=False,
    )
    entry = JournalEntry.objects.get(action=JournalAction.UPDATE)
    assert entry.payload == {"fields": ["duration_min", "procedures"]}
    assert entry.object_ref == str(individual_help.public_id)


@pytest.mark.django_db
def test_unknown_codes_are_refused(site, mediator):
    individual_help = IndividualHelpFactory(site=site)
    with pytest.raises(ValidationError):
        help_update(individual_help=individual_help, user=mediator, themes=["pas_un_theme"])


@pytest.mark.django_db
def test_assessment_create_keeps_answers_and_version(site, mediator):
    from ceis.tests.factories import PersonFactory

    assessment = assessment_create(
        person=PersonFactory(site=site),
        site=site,
        user=mediator,
        internet_use_3m=False,
        answers={"com_email": True, "com_messagerie": True},
        owns_smartphone=True,
    )
    assert assessment.communication == 2
    assert assessment.classification == "illectronisme"  # no internet use in 3 months
    assert assessment.answers["com_email"] is True and len(assessment.answers) == 20
    assert assessment.questionnaire_version == "vc-2026-1"
    with pytest.raises(ValidationError, match="Questions inconnues"):
        assessment_create(
            person=assessment.person,
            site=site,
            user=mediator,
            internet_use_3m=True,
            answers={"nimporte": True},
        )


@pytest.mark.django_db
def test_assessments_of_the_same_day_are_ordered_by_recording_time(site):
    first = AssessmentFactory(site=site, date=datetime.date(2026, 3, 1))
    later = AssessmentFactory(
        site=site,
        person=first.person,
        date=datetime.date(2026, 3, 1),
        created_at=timezone.now() + datetime.timedelta(minutes=5),
    )
    assert list(Assessment.objects.filter(person=first.person)) == [first, later]


@pytest.mark.django_db
def test_database_refuses_a_score_outside_0_2(site):
    with pytest.raises(IntegrityError):
        AssessmentFactory(site=site, information=3)


@pytest.mark.django_db
def test_database_refuses_a_zero_duration(site):
    with pytest.raises(IntegrityError):
        SessionFactory(site=site, duration_min=0)
