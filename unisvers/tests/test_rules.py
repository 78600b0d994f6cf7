"""Domain rules of Unis'Vers: exits, overlapping enrollments, the generated calendar."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from ceis.calendar import public_holidays
from ceis.choices import JournalAction, Role
from ceis.models import JournalEntry
from ceis.tests.factories import PersonFactory
from unisvers import services
from unisvers.calendar import add_months, meeting_dates
from unisvers.choices import ExitOutcome
from unisvers.models import Enrollment

from .factories import CohortFactory, EnrollmentFactory

D = datetime.date


@pytest.fixture
def ts(make_user):
    return make_user(Role.TRAVAILLEUR_SOCIAL)


@pytest.fixture
def enrollment(site):
    return EnrollmentFactory(cohort=CohortFactory(site=site))


def test_abandon_without_a_reason_is_refused_with_a_message(enrollment, ts):
    with pytest.raises(ValidationError) as error:
        services.enrollment_exit(
            enrollment=enrollment,
            user=ts,
            exit_date=D(2026, 3, 20),
            exit_outcome=ExitOutcome.ABANDON,
        )
    assert error.value.message_dict["dropout_reason"] == ["Un abandon demande sa raison."]
    enrollment.refresh_from_db()
    assert enrollment.exit_date is None


def test_abandon_with_a_reason_is_recorded_and_journalled_without_values(enrollment, ts):
    services.enrollment_exit(
        enrollment=enrollment,
        user=ts,
        exit_date=D(2026, 3, 20),
        exit_outcome=ExitOutcome.ABANDON,
        dropout_reason="demenagement",
    )
    enrollment.refresh_from_db()
    assert (enrollment.exit_outcome, enrollment.dropout_reason) == ("abandon", "demenagement")
    entry = JournalEntry.objects.get(action=JournalAction.UPDATE)
    assert entry.payload == {"fields": ["dropout_reason", "exit_date", "exit_outcome"]}
    assert "demenagement" not in str(entry.payload)


def test_exit_before_entry_is_refused(enrollment, ts):
    with pytest.raises(ValidationError) as error:
        services.enrollment_exit(
            enrollment=enrollment,
            user=ts,
            exit_date=enrollment.entry_date - datetime.timedelta(days=1),
            exit_outcome=ExitOutcome.FORMATION,
        )
    assert error.value.message_dict["exit_date"] == [
        "La date de sortie ne peut pas précéder la date d'entrée."
    ]


def test_exit_on_the_entry_day_is_accepted(enrollment, ts):
    services.enrollment_exit(
        enrollment=enrollment,
        user=ts,
        exit_date=enrollment.entry_date,
        exit_outcome=ExitOutcome.SANS_SOLUTION,
    )
    assert Enrollment.objects.get().exit_outcome == "sans_solution"


def test_outcome_without_a_date_is_refused(enrollment, ts):
    with pytest.raises(ValidationError) as error:
        services.enrollment_exit(
            enrollment=enrollment, user=ts, exit_date=None, exit_outcome=ExitOutcome.IAE
        )
    assert "exit_date" in error.value.message_dict


def test_a_dropout_reason_without_abandon_is_refused(enrollment, ts):
    with pytest.raises(ValidationError) as error:
        services.enrollment_exit(
            enrollment=enrollment,
            user=ts,
            exit_date=D(2026, 4, 1),
            exit_outcome=ExitOutcome.IAE,
            dropout_reason="sante",
        )
    assert "dropout_reason" in error.value.message_dict


def test_the_database_refuses_an_exit_before_entry_too(enrollment):
    # The check constraint holds even for writes that skip full_clean (bulk updates, imports).
    with pytest.raises(IntegrityError), transaction.atomic():
        Enrollment.objects.filter(pk=enrollment.pk).update(
            exit_date=D(2026, 1, 1), exit_outcome=ExitOutcome.IAE
        )


def test_the_database_refuses_an_abandon_without_reason(enrollment):
    with pytest.raises(IntegrityError), transaction.atomic():
        Enrollment.objects.filter(pk=enrollment.pk).update(
            exit_date=D(2026, 3, 20), exit_outcome=ExitOutcome.ABANDON
        )


def test_three_month_followup_needs_an_exit_and_comes_after_it(enrollment, ts):
    with pytest.raises(ValidationError):
        services.enrollment_followup_3m(
            enrollment=enrollment,
            user=ts,
            followup_3m_date=D(2026, 7, 1),
            followup_3m_situation="emploi_durable",
        )
    services.enrollment_exit(
        enrollment=enrollment, user=ts, exit_date=D(2026, 4, 10), exit_outcome="formation"
    )
    with pytest.raises(ValidationError) as error:
        services.enrollment_followup_3m(
            enrollment=enrollment,
            user=ts,
            followup_3m_date=D(2026, 4, 1),
            followup_3m_situation="formation",
        )
    assert "followup_3m_date" in error.value.message_dict
    services.enrollment_followup_3m(
        enrollment=enrollment,
        user=ts,
        followup_3m_date=D(2026, 7, 10),
        followup_3m_situation="inconnu",
    )
    enrollment.refresh_from_db()
    assert enrollment.followup_3m_situation == "inconnu"


def test_two_overlapping_enrollments_of_one_person_are_refused(site, ts):
    person = PersonFactory(site=site)
    first = CohortFactory(site=site, start_date=D(2026, 3, 2), end_date=D(2026, 4, 10))
    second = CohortFactory(site=site, start_date=D(2026, 4, 1), end_date=D(2026, 5, 15))
    services.enrollment_create(cohort=first, person=person, user=ts, entry_date=D(2026, 3, 2))
    with pytest.raises(ValidationError) as error:
        services.enrollment_create(cohort=second, person=person, user=ts, entry_date=D(2026, 4, 1))
    assert "déjà inscrite sur la même période" in error.value.message_dict["entry_date"][0]


def test_a_person_may_enroll_again_once_the_first_enrollment_has_ended(site, ts):
    person = PersonFactory(site=site)
    first = CohortFactory(site=site, start_date=D(2026, 3, 2), end_date=D(2026, 4, 10))
    second = CohortFactory(site=site, start_date=D(2026, 4, 1), end_date=D(2026, 5, 15))
    enrollment = services.enrollment_create(
        cohort=first, person=person, user=ts, entry_date=D(2026, 3, 2)
    )
    # Dropped out before the second cohort started: no overlap any more.
    services.enrollment_exit(
        enrollment=enrollment,
        user=ts,
        exit_date=D(2026, 3, 20),
        exit_outcome="abandon",
        dropout_reason="sante",
    )
    services.enrollment_create(cohort=second, person=person, user=ts, entry_date=D(2026, 4, 1))
    assert person.unisvers_enrollments.count() == 2


def test_the_same_person_twice_in_one_cohort_is_refused(site, ts):
    enrollment = EnrollmentFactory(cohort=CohortFactory(site=site))
    with pytest.raises(ValidationError):
        services.enrollment_create(
            cohort=enrollment.cohort,
            person=enrollment.person,
            user=ts,
            entry_date=enrollment.entry_date,
        )


def test_calendar_skips_easter_monday_and_keeps_the_other_weekdays():
    assert public_holidays(D(2026, 4, 5), D(2026, 4, 6)) == {D(2026, 4, 6): "Lundi de Pâques"}
    days = meeting_dates(D(2026, 3, 30), D(2026, 4, 12), ["mon", "tue", "thu"])
    assert days == [D(2026, 3, 30), D(2026, 3, 31), D(2026, 4, 2), D(2026, 4, 7), D(2026, 4, 9)]
    assert D(2026, 4, 6) not in days  # Lundi de Pâques


def test_cohort_create_generates_its_calendar_across_may_holidays(site, ts):
    cohort = services.cohort_create(
        user=ts,
        site=site,
        name="Promotion de mai",
        start_date=D(2026, 4, 27),
        end_date=D(2026, 5, 15),
        weekdays=["mon", "wed", "fri"],
        capacity=18,
        referents=[ts],
    )
    dates = list(cohort.meeting_days.values_list("date", flat=True))
    # 1 May and 8 May (Fridays) are public holidays; the cohort meets on the other days.
    assert D(2026, 5, 1) not in dates and D(2026, 5, 8) not in dates
    assert dates == [
        D(2026, 4, 27),
        D(2026, 4, 29),
        D(2026, 5, 4),
        D(2026, 5, 6),
        D(2026, 5, 11),
        D(2026, 5, 13),
        D(2026, 5, 15),
    ]
    assert list(cohort.referents.all()) == [ts]


def test_calendar_is_editable_remove_a_day_and_add_an_outing(site, ts):
    cohort = CohortFactory(site=site, start_date=D(2026, 3, 2), end_date=D(2026, 3, 13))
    day = cohort.meeting_days.get(date=D(2026, 3, 3))
    services.meeting_day_remove(day=day, user=ts)
    services.meeting_day_add(cohort=cohort, user=ts, date=D(2026, 3, 11), label="Sortie musée")
    assert list(cohort.meeting_days.values_list("date", "label")) == [
        (D(2026, 3, 2), ""),
        (D(2026, 3, 5), ""),
        (D(2026, 3, 9), ""),
        (D(2026, 3, 10), ""),
        (D(2026, 3, 11), "Sortie musée"),
        (D(2026, 3, 12), ""),
    ]
    with pytest.raises(ValidationError):
        services.meeting_day_add(cohort=cohort, user=ts, date=D(2026, 4, 30))


def test_changing_weekdays_regenerates_the_calendar_but_keeps_taken_registers(site, ts):
    cohort = CohortFactory(site=site, start_date=D(2026, 3, 2), end_date=D(2026, 3, 8))
    day = cohort.meeting_days.get(date=D(2026, 3, 2))
    services.register_save(cohort=cohort, day=day, statuses={}, user=ts)
    services.cohort_update(cohort=cohort, user=ts, weekdays=["wed", "fri"])
    assert list(cohort.meeting_days.values_list("date", flat=True)) == [
        D(2026, 3, 2),
        D(2026, 3, 4),
        D(2026, 3, 6),
    ]


def test_add_months_clamps_to_the_end_of_the_month():
    assert add_months(D(2026, 5, 31), 3) == D(2026, 8, 31)
    assert add_months(D(2026, 11, 30), 3) == D(2027, 2, 28)
    assert add_months(D(2026, 3, 15), -3) == D(2025, 12, 15)


def test_an_entry_after_the_end_of_the_cohort_is_refused(site, ts):
    cohort = CohortFactory(site=site, start_date=D(2026, 3, 2), end_date=D(2026, 4, 10))
    with pytest.raises(ValidationError) as error:
        services.enrollment_create(
            cohort=cohort, person=PersonFactory(site=site), user=ts, entry_date=D(2026, 4, 11)
        )
    assert error.value.message_dict["entry_date"] == [
        "La date d'entrée est après la fin de la promotion."
    ]


def test_roles_get_exactly_their_unisvers_permissions(db):
    from django.contrib.auth.models import Group

    def codes(role):
        return set(
            Group.objects.get(name=role)
            .permissions.filter(content_type__app_label="unisvers")
            .values_list("codename", flat=True)
        )

    assert codes(Role.MEDIATEUR_NUMERIQUE) == set() and codes(Role.VOLONTAIRE) == set()
    assert "view_enrollment" not in codes(Role.MANAGER)
    assert {"view_cohort", "change_target"} <= codes(Role.MANAGER)
    assert {"add_attendance", "add_followup", "change_enrollment"} <= codes(Role.TRAVAILLEUR_SOCIAL)
    assert "change_target" not in codes(Role.TRAVAILLEUR_SOCIAL)
    assert "delete_enrollment" in codes(Role.ADMIN)
