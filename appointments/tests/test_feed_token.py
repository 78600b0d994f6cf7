"""The private address of an agent's agenda feed is a secret kept by the agent only: CEIS stores
its SHA-256, shows the address once, when it is created, and the addresses created before this
(stored in clear) keep working once the migration has hashed them."""

import hashlib
import secrets

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from appointments.models import AgendaFeed
from ceis.choices import Role

from .factories import new_feed_path

BEFORE = [("appointments", "0002_role_permissions")]
AFTER = [("appointments", "0003_agendafeed_token_hash")]


@pytest.fixture
def agent(client, make_user):
    agent = make_user(Role.TRAVAILLEUR_SOCIAL, username="karim")
    client.force_login(agent)
    return agent


@pytest.mark.django_db
def test_the_database_keeps_the_token_s_hash_only(client, agent):
    path = new_feed_path(client)
    token = path.rstrip("/").rsplit("/", 1)[1]

    (stored,) = AgendaFeed.objects.filter(agent=agent).values()
    assert stored["token_hash"] == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(stored)
    client.logout()
    assert client.get(path).status_code == 200
    # Its hash is no address.
    assert client.get(path.replace(token, stored["token_hash"])).status_code == 404


@pytest.mark.django_db
def test_the_address_is_shown_once_and_the_page_says_how_to_get_another(client, agent):
    url = reverse("appointments:feed_settings")
    first = client.get(url).content.decode()
    assert "Créer l'adresse de mon agenda" in first
    path = new_feed_path(client)

    again = client.get(url).content.decode()
    assert path not in again and 'id="adresse-agenda"' not in again
    assert "Elle ne s'affiche qu'une fois" in again.replace("&#x27;", "'")
    assert "Créer une nouvelle adresse" in again


@pytest.mark.django_db(transaction=True)
def test_an_address_stored_in_clear_before_keeps_working_once_hashed(client, make_user):
    from ceis.roles import sync_all_role_groups

    sync_all_role_groups()  # a transactional test before this one flushed the roles' permissions
    agent = make_user(Role.MEDIATEUR_NUMERIQUE, username="ines")
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        old_apps = executor.loader.project_state(BEFORE).apps
        token = secrets.token_urlsafe(32)
        old_apps.get_model("appointments", "AgendaFeed").objects.create(
            agent_id=agent.pk, token=token
        )
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(AFTER)

    (stored,) = AgendaFeed.objects.filter(agent=agent).values_list("token_hash", flat=True)
    assert stored == hashlib.sha256(token.encode()).hexdigest()
    assert client.get(reverse("appointments:feed", args=[token])).status_code == 200


@pytest.mark.django_db
def test_the_page_showing_the_address_is_never_kept_by_the_browser(client, agent):
    response = client.post(reverse("appointments:feed_settings"), follow=True)
    assert 'id="adresse-agenda"' in response.content.decode()
    assert "no-store" in response["Cache-Control"]
