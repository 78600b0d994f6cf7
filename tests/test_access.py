"""Login everywhere (security.md row 1), role refusals and site scoping (row 2)."""

import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from ceis.choices import JournalAction, Role
from ceis.models import JournalEntry, Person
from ceis.tests.factories import PersonFactory

# URL names reachable without login (security.md row 1): login, password reset, health check.
ANONYMOUS_ALLOWLIST = {
    "login",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "healthz",
    # An agent's iCalendar feed, read by calendar applications: its private token is the key.
    "appointments:feed",
    # Brevo's delivery reports and replies: POST only, its shared secret is the key
    # (messaging/tests/test_webhook*.py: 404 without it).
    "messaging:webhook_brevo",
}
# Allowlisted pages whose sample address names nothing: a 404, never the login page.
ANONYMOUS_NOT_FOUND = {"appointments:feed"}
# Allowlisted addresses that only take a POST: a GET is refused (405), never the login page.
ANONYMOUS_POST_ONLY = {"messaging:webhook_brevo"}


def _sample_value(converter_name: str):
    return {"uuid": uuid.uuid4(), "int": 1, "slug": "exemple", "path": "exemple"}.get(
        converter_name, "exemple"
    )


def _walk(patterns, prefix=""):
    """Every named URL of the project with sample arguments, from the URL configuration itself."""
    for entry in patterns:
        if isinstance(entry, URLResolver):
            namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            yield from _walk(entry.url_patterns, namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            converters = getattr(entry.pattern, "converters", {})
            kwargs = {
                name: _sample_value(type(conv).__name__.replace("Converter", "").lower())
                for name, conv in converters.items()
            }
            # Regex patterns (Django's admin) name groups without converters.
            for name in entry.pattern.regex.groupindex:
                kwargs.setdefault(name, "ceis" if name == "app_label" else "1")
            yield f"{prefix}{entry.name}", kwargs


ALL_URLS = sorted(
    {(name, tuple(sorted(kwargs.items()))) for name, kwargs in _walk(get_resolver().url_patterns)},
    key=lambda item: item[0],
)


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "kwargs"), ALL_URLS, ids=[name for name, _ in ALL_URLS])
def test_anonymous_request_to_every_url_is_sent_to_login(client, name, kwargs):
    url = reverse(name, kwargs=dict(kwargs))
    response = client.get(url)
    if name in ANONYMOUS_ALLOWLIST:
        expected = (
            (404,)
            if name in ANONYMOUS_NOT_FOUND
            else (405,)
            if name in ANONYMOUS_POST_ONLY
            else (200, 302, 503)
        )
        assert response.status_code in expected
        if response.status_code == 302:
            assert not response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == 302, f"{url} answered {response.status_code}"
        # Django's admin goes through its own login URL, which forwards to ours.
        final = client.get(url, follow=True).redirect_chain[-1][0]
        assert final.startswith(reverse("login") + "?next="), final


def test_the_walk_covers_the_core_urls():
    names = {name for name, _ in ALL_URLS}
    assert {"home", "persons:list", "persons:detail", "persons:delete", "journal"} <= names


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "expected_text"),
    [
        (Role.TRAVAILLEUR_SOCIAL, "Nouvelle personne"),
        (Role.MEDIATEUR_NUMERIQUE, "Nouvelle personne"),
        (Role.VOLONTAIRE, "Accueil libre"),
        (Role.MANAGER, "Bonjour"),
        (Role.ADMIN, "Dernières entrées du journal des accès"),
    ],
)
def test_each_role_reaches_its_home(client_for, role, expected_text):
    client = client_for(role)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert expected_text in response.content.decode()
    assert "Aucun rôle ne vous est encore attribué" not in response.content.decode()


@pytest.mark.django_db
def test_manager_sees_no_person_search_and_is_refused_the_person_list(client_for):
    client = client_for(Role.MANAGER)
    home = client.get(reverse("home")).content.decode()
    assert "Rechercher une personne" not in home
    response = client.get(reverse("persons:list"))
    assert response.status_code == 403
    assert "Accès refusé" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "url_name", "status"),
    [
        (Role.VOLONTAIRE, "persons:update", 404),
        (Role.VOLONTAIRE, "persons:delete", 404),
        (Role.MEDIATEUR_NUMERIQUE, "persons:delete", 404),
        (Role.TRAVAILLEUR_SOCIAL, "persons:delete", 404),
        (Role.MANAGER, "persons:detail", 404),
        (Role.TRAVAILLEUR_SOCIAL, "journal", 403),
        (Role.TRAVAILLEUR_SOCIAL, "persons:update", 200),
        (Role.MEDIATEUR_NUMERIQUE, "persons:update", 200),
        (Role.VOLONTAIRE, "persons:detail", 404),
        (Role.ADMIN, "persons:delete", 200),
        (Role.ADMIN, "journal", 200),
    ],
)
def test_role_matrix_on_person_pages(client_for, site, role, url_name, status):
    client = client_for(role)
    person = PersonFactory(site=site)
    kwargs = {} if url_name == "journal" else {"public_id": person.public_id}
    assert client.get(reverse(url_name, kwargs=kwargs)).status_code == status


@pytest.mark.django_db
def test_refused_access_is_journalled(client_for):
    client = client_for(Role.MANAGER)
    client.get(reverse("persons:list"))
    entry = JournalEntry.objects.get(action=JournalAction.ACCESS_REFUSED)
    assert entry.user == client.user
    assert entry.object_ref == reverse("persons:list")


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["persons:detail", "persons:update", "persons:delete"])
@pytest.mark.parametrize(
    "role", [Role.TRAVAILLEUR_SOCIAL, Role.MEDIATEUR_NUMERIQUE, Role.VOLONTAIRE]
)
def test_a_person_of_another_site_is_404(client_for, other_site, role, url_name):
    client = client_for(role)
    stranger = PersonFactory(site=other_site, last_name="Étrangère")
    response = client.get(reverse(url_name, kwargs={"public_id": stranger.public_id}))
    # Roles that may not use the page at all get the same 404 (ceis.decorators).
    assert response.status_code == 404
    assert "Étrangère" not in response.content.decode()


@pytest.mark.django_db
def test_person_of_another_site_is_absent_from_list_and_search(client_for, site, other_site):
    client = client_for(Role.TRAVAILLEUR_SOCIAL)
    PersonFactory(site=site, last_name="Dupont", first_name="Ici")
    PersonFactory(site=other_site, last_name="Dupont", first_name="Ailleurs")
    listing = client.get(reverse("persons:list"), {"q": "dupont"}).content.decode()
    quick = client.get(reverse("persons:quick_search"), {"q": "dupont"}).content.decode()
    for page in (listing, quick):
        assert "Ici" in page
        assert "Ailleurs" not in page


@pytest.mark.django_db
def test_admin_sees_every_site(client_for, other_site):
    client = client_for(Role.ADMIN)
    person = PersonFactory(site=other_site)
    assert client.get(person.get_absolute_url()).status_code == 200


@pytest.mark.django_db
def test_delete_asks_first_and_only_post_deletes(client_for, site):
    client = client_for(Role.ADMIN)
    person = PersonFactory(site=site)
    url = reverse("persons:delete", kwargs={"public_id": person.public_id})
    page = client.get(url)
    assert "Oui, supprimer définitivement" in page.content.decode()
    assert Person.objects.filter(pk=person.pk).exists()
    client.post(url)
    assert not Person.objects.filter(pk=person.pk).exists()
    assert JournalEntry.objects.filter(
        action=JournalAction.DELETE, object_ref=str(person.public_id)
    ).exists()


@pytest.mark.django_db
def test_logout_refuses_get(client_for):
    client = client_for(Role.VOLONTAIRE)
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302


@pytest.mark.django_db
def test_deleting_a_person_with_a_programme_record_is_refused_in_french(client_for, site):
    from unisvers.tests.factories import EnrollmentFactory

    client = client_for(Role.ADMIN)
    person = EnrollmentFactory(cohort__site=site).person
    url = reverse("persons:delete", kwargs={"public_id": person.public_id})
    response = client.post(url, follow=True)
    assert response.status_code == 200
    assert "ne peut pas être supprimée" in response.content.decode()
    assert Person.objects.filter(pk=person.pk).exists()
