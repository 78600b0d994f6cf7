"""Notes are encrypted at rest, old keys still decrypt, and rotation rewrites them (row 10)."""

import pytest
from django.core.management import call_command
from django.db import connection

from ceis.crypto import generate_key
from unisvers.models import FollowUp
from unisvers.tests.factories import FollowUpFactory

NOTE = "Orientée vers la PMI pour un suivi."


def _raw_note(pk) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT note FROM unisvers_followup WHERE id = %s", [pk])
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_the_raw_database_value_is_ciphertext_and_reads_back_in_clear():
    followup = FollowUpFactory(note=NOTE)
    raw = _raw_note(followup.pk)
    assert NOTE not in raw
    assert "PMI" not in raw
    assert raw.startswith("gAAAA")  # a Fernet token
    assert FollowUp.objects.get(pk=followup.pk).note == NOTE


@pytest.mark.django_db
def test_an_empty_note_stays_empty():
    followup = FollowUpFactory(note="")
    assert _raw_note(followup.pk) == ""


@pytest.mark.django_db
def test_an_old_key_still_decrypts_and_reencrypt_moves_notes_to_the_new_key(settings, capsys):
    old_key = settings.CEIS_FIELD_ENCRYPTION_KEYS[0]
    followup = FollowUpFactory(note=NOTE)
    under_old_key = _raw_note(followup.pk)

    new_key = generate_key()
    settings.CEIS_FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    assert FollowUp.objects.get(pk=followup.pk).note == NOTE

    call_command("reencrypt_notes")
    assert "1 note(s) à rechiffrer" in capsys.readouterr().out
    assert _raw_note(followup.pk) == under_old_key  # the dry run wrote nothing

    call_command("reencrypt_notes", "--wet-run")
    assert "1 note(s) rechiffrées" in capsys.readouterr().out
    settings.CEIS_FIELD_ENCRYPTION_KEYS = [new_key]  # the old key can now be dropped
    assert FollowUp.objects.get(pk=followup.pk).note == NOTE


@pytest.mark.django_db
def test_a_note_without_its_key_is_an_explicit_error(settings):
    from django.core.exceptions import ImproperlyConfigured

    followup = FollowUpFactory(note=NOTE)
    settings.CEIS_FIELD_ENCRYPTION_KEYS = [generate_key()]
    with pytest.raises(ImproperlyConfigured, match="la clé qui l'a chiffrée"):
        FollowUp.objects.get(pk=followup.pk)
