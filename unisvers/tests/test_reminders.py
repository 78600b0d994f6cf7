"""The weekly reminder of 3-month follow-ups: counts and a link, never a name."""

import datetime

import pytest
from django.core import mail

from ceis.choices import Role
from unisvers.reminders import followup_reminders_send
from unisvers.tests.factories import EnrollmentFactory

TODAY = datetime.date(2026, 6, 15)


def _exited(cohort_referent, site, exit_date, **kwargs):
    enrollment = EnrollmentFactory(
        cohort__site=site,
        cohort__start_date=exit_date - datetime.timedelta(days=40),
        cohort__end_date=exit_date,
        person__last_name="Confidentiel",
        exited=True,
        **kwargs,
    )
    enrollment.cohort.referents.add(cohort_referent)
    return enrollment


@pytest.mark.django_db
def test_a_referent_gets_the_counts_of_due_and_overdue_followups_without_names(make_user, site):
    referent = make_user(Role.TRAVAILLEUR_SOCIAL, email="sophie@ceis.invalid")
    _exited(referent, site, datetime.date(2026, 3, 1))  # due 1 June: overdue
    _exited(referent, site, datetime.date(2026, 3, 20))  # due 20 June: within 14 days
    _exited(referent, site, datetime.date(2026, 5, 10))  # due 10 August: not yet
    assert followup_reminders_send(today=TODAY) == 1
    (message,) = mail.outbox
    assert message.to == ["sophie@ceis.invalid"]
    assert "Vous avez 2 suivi(s) à 3 mois à enregistrer" in message.body
    assert "dont 1 en retard" in message.body
    assert "http://127.0.0.1:8000/" in message.body
    assert "Confidentiel".lower() not in message.body.lower()


@pytest.mark.django_db
def test_no_mail_without_followups_due_nor_to_other_roles(make_user, site):
    referent = make_user(Role.TRAVAILLEUR_SOCIAL, email="rien@ceis.invalid")
    _exited(referent, site, datetime.date(2026, 5, 10))
    mediator = make_user(Role.MEDIATEUR_NUMERIQUE, email="karim@ceis.invalid")
    _exited(mediator, site, datetime.date(2026, 3, 1))
    assert followup_reminders_send(today=TODAY) == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_recorded_followup_is_no_longer_reminded(make_user, site):
    referent = make_user(Role.TRAVAILLEUR_SOCIAL, email="sophie@ceis.invalid")
    _exited(
        referent,
        site,
        datetime.date(2026, 3, 1),
        followup_3m_date=datetime.date(2026, 6, 2),
        followup_3m_situation="formation",
    )
    assert followup_reminders_send(today=TODAY) == 0


def test_beat_schedules_the_reminder_weekly(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["followup-reminders"]
    assert entry["task"] == "unisvers.tasks.followup_reminders_task"
    assert entry["schedule"].day_of_week == {1}
