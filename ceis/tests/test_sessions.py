"""A session is saved on every request in one query (ceis/sessions.py)."""

import pytest
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ceis.choices import Role
from ceis.sessions import SessionStore

pytestmark = pytest.mark.django_db


def test_an_existing_session_is_saved_by_one_update():
    store = SessionStore()
    store["a"] = 1
    store.save()  # created as Django does
    key = store.session_key
    store = SessionStore(session_key=key)
    store["a"] = 2
    with CaptureQueriesContext(connection) as queries:
        store.save()
    assert [q["sql"].split()[0] for q in queries] == ["UPDATE"]
    assert SessionStore(session_key=key)["a"] == 2


def test_a_session_deleted_meanwhile_is_not_written_back():
    store = SessionStore()
    store["a"] = 1
    store.save()
    reader = SessionStore(session_key=store.session_key)
    assert reader["a"] == 1  # read before the deletion
    Session.objects.filter(session_key=store.session_key).delete()  # a logout elsewhere
    reader["a"] = 2
    with pytest.raises(UpdateError):
        reader.save()
    assert not Session.objects.filter(session_key=store.session_key).exists()


def test_a_page_renews_the_session_in_one_write(client_for):
    client = client_for(Role.TRAVAILLEUR_SOCIAL)
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("home")).status_code == 200
    writes = [q["sql"] for q in queries if not q["sql"].startswith("SELECT")]
    assert [sql.split()[0] for sql in writes] == ["UPDATE"]
    assert 'UPDATE "django_session"' in writes[0]
