"""The append-only access journal (security.md row 4)."""

import datetime

import pytest
from axes.models import AccessLog
from django.urls import reverse
from django.utils import timezone

from ceis.choices import JournalAction, Role
from ceis.models import JournalEntry
from ceis.services import journal_purge, journal_record
from ceis.tests.factories import PersonFactory


@pytest.mark.django_db
def test_each_view_of_a_person_file_adds_one_entry(client_for, site):
    client = client_for(Role.TRAVAILLEUR_SOCIAL)
    person = PersonFactory(site=site)
    client.get(person.get_absolute_url())
    client.get(person.get_absolute_url())
    views = JournalEntry.objects.filter(action=JournalAction.VIEW)
    assert views.count() == 2
    entry = views.first()
    assert (entry.user, entry.username, entry.object_type, entry.object_ref) == (
        client.user,
        client.user.username,
        "ceis.person",
        str(person.public_id),
    )
    assert entry.ip_address == "127.0.0.1"


@pytest.mark.django_db
def test_the_journal_refuses_update_and_delete():
    entry = journal_record(action=JournalAction.VIEW, object_type="ceis.person", object_ref="x")
    entry.action = JournalAction.DELETE
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        JournalEntry.objects.filter(pk=entry.pk).update(action=JournalAction.DELETE)
    with pytest.raises(PermissionError):
        JournalEntry.objects.all().delete()
    assert JournalEntry.objects.get(pk=entry.pk).action == JournalAction.VIEW


@pytest.mark.django_db
def test_purge_keeps_eleven_months_and_drops_thirteen():
    now = timezone.now()
    recent = JournalEntry.objects.create(
        action=JournalAction.VIEW, at=now - datetime.timedelta(days=335)
    )
    JournalEntry.objects.create(action=JournalAction.VIEW, at=now - datetime.timedelta(days=396))
    assert journal_purge(now=now) == 1
    assert list(JournalEntry.objects.values_list("pk", flat=True)) == [recent.pk]


@pytest.mark.django_db
def test_logins_are_kept_in_the_journal_only_and_axes_older_log_is_purged_with_it(
    client, make_user
):
    """axes logged every login with its address and browser, and nothing purged that log: the
    journal records them (purged after 12 months), axes no longer does, and what it kept
    before goes by the journal's limit."""
    make_user(Role.VOLONTAIRE, username="lea")
    client.post(reverse("login"), {"username": "lea", "password": "motdepasse-de-test"})
    assert JournalEntry.objects.filter(action=JournalAction.LOGIN, username="lea").exists()
    assert not AccessLog.objects.exists()

    now = timezone.now()
    for days in (335, 396):
        log = AccessLog.objects.create(username="lea", ip_address="192.0.2.7", user_agent="Firefox")
        AccessLog.objects.filter(pk=log.pk).update(attempt_time=now - datetime.timedelta(days=days))
    journal_purge(now=now)
    assert [log.attempt_time.date() for log in AccessLog.objects.all()] == [
        (now - datetime.timedelta(days=335)).date()
    ]


@pytest.mark.django_db
def test_login_and_failed_login_are_journalled(client, make_user):
    user = make_user(Role.VOLONTAIRE, username="lea")
    client.post(reverse("login"), {"username": "lea", "password": "mauvais-mot-de-passe"})
    client.post(reverse("login"), {"username": "lea", "password": "motdepasse-de-test"})
    actions = list(JournalEntry.objects.order_by("id").values_list("action", "username"))
    assert actions == [(JournalAction.LOGIN_FAILED, "lea"), (JournalAction.LOGIN, "lea")]
    assert JournalEntry.objects.get(action=JournalAction.LOGIN).user == user


@pytest.mark.django_db
def test_journal_page_lists_entries_for_admins(client_for, site):
    client = client_for(Role.ADMIN)
    person = PersonFactory(site=site)
    client.get(person.get_absolute_url())
    page = client.get(reverse("journal"), {"action": "view"}).content.decode()
    assert str(person.public_id) in page
    assert "1 entrée" in page
