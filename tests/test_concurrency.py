"""Concurrency under real threads (security.md row 24), on the engine of the run.

`make test` leaves them out (marker `faults`); CI runs them on SQLite — in a file with the
application's options, see `django_db_modify_db_settings` in conftest.py — and on PostgreSQL.
Each thread is a browser: its own logged-in client, its own database connection, released at
the start line together with the others.
"""

import urllib.error
import urllib.parse
import urllib.request
import uuid

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse

from ceis.choices import Role
from ceis.roles import sync_all_role_groups
from ceis.submissions import FIELD
from ceis.tests.factories import PersonFactory, UserFactory
from ceis.tests.threads import together
from tests.create_forms import CREATE_FORMS, World
from tests.html_forms import form_data, post_forms
from villages.choices import RegistrationStatus
from villages.models import Registration
from villages.tests.factories import RegistrationFactory, SessionFactory

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _role_groups(transactional_db):
    """A transactional test before this one flushed the role groups of the data migrations."""
    sync_all_role_groups()


def _client(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("token", [True, False], ids=["form", "without-token"])
def test_twenty_people_registering_for_the_last_seat_at_once(site, token):
    """One gets the seat, the 19 others are on the waiting list: no error, nobody lost —
    also for posts without a form token, whose transactions read before they write."""
    session = SessionFactory(site=site, capacity=2)
    RegistrationFactory(session=session)  # one seat left
    url = reverse("villages:session_register", args=[session.public_id])
    posts = []
    for n in range(20):
        client = _client(UserFactory(role=Role.MEDIATEUR_NUMERIQUE, sites=[site]))
        if n % 2:  # half register someone already known, half a new person
            data = {"person": str(PersonFactory(site=site).public_id)}
        else:
            data = {
                "nouvelle-last_name": f"Nouveau{n}",
                "nouvelle-first_name": "Camille",
                "nouvelle-site": str(site.pk),
            }
        if token:
            data[FIELD] = str(uuid.uuid4())
        posts.append(lambda client=client, data=data: client.post(url, data))

    # SQLite in memory would lock whole tables: the point is the file `make run` uses.
    assert connection.vendor != "sqlite" or not connection.is_in_memory_db()
    responses = together(posts)

    assert [r.status_code for r in responses] == [302] * 20
    statuses = list(Registration.objects.filter(session=session).values_list("status", flat=True))
    assert len(statuses) == 21
    assert statuses.count(RegistrationStatus.INSCRIT) == 2
    assert statuses.count(RegistrationStatus.LISTE_ATTENTE) == 19


@pytest.mark.parametrize("name", CREATE_FORMS)
def test_two_parallel_posts_of_a_create_form_make_one_record(name, site):
    case = CREATE_FORMS[name](World(site))
    first, second = _client(case.user), _client(case.user)
    page = first.get(case.page)
    data = form_data(page.content.decode(), action=case.action, overrides=case.overrides)
    url = case.action or case.page
    before = case.count()

    responses = together([lambda: first.post(url, data), lambda: second.post(url, data)])

    assert [r.status_code for r in responses] == [302, 302]
    assert responses[0]["Location"] == responses[1]["Location"]
    assert case.count() == before + 1


# Forms whose record has a natural key (or, for a person, the duplicate check): two tabs (two
# different tokens) sending it at once.
NATURAL_KEYS = {
    "personne": [200, 302],  # the second form shows the first as a possible duplicate
    "personne (Unis'Vers)": [200, 302],
    "inscription Unis'Vers": [200, 302],  # the second form says the person is already enrolled
    "jour de rencontre": [302, 302],  # the second is sent back with "déjà dans le calendrier"
    "registre": [302, 302],  # the second updates the first's rows
    "objectif": [302, 302],  # the second updates the first's target
    "inscription à une séance": [302, 302],  # the second is sent back with "déjà inscrit·e"
}


@pytest.mark.parametrize("name", NATURAL_KEYS)
def test_two_tabs_sending_the_same_natural_key_at_once_make_one_record(name, site):
    case = CREATE_FORMS[name](World(site))
    first, second = _client(case.user), _client(case.user)
    posts = []
    for client in (first, second):
        page = client.get(case.page).content.decode()
        data = form_data(page, action=case.action, overrides=case.overrides)
        posts.append(lambda client=client, data=data: client.post(case.action or case.page, data))
    before = case.count()

    responses = together(posts)

    assert sorted(r.status_code for r in responses) == NATURAL_KEYS[name]
    assert case.count() == before + 1


@pytest.fixture(scope="session")
def _media_url():
    """`MEDIA_URL = None` (uploads are never served at a URL) breaks Django's live server, which
    wraps its handler in one serving MEDIA_URL: a path nothing links to (as the browser tests)."""
    with override_settings(MEDIA_URL="/__aucun-media__/"):
        yield


@pytest.fixture(scope="session")
def live_server(_media_url, live_server):
    return live_server


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _http_status(request) -> int:
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.parametrize("token", [True, False], ids=["form", "without-token"])
def test_twenty_registrations_through_a_threaded_http_server(live_server, site, token):
    """The same rush over real HTTP, served one thread per request as `make run` serves it."""
    session = SessionFactory(site=site, capacity=2)
    RegistrationFactory(session=session)
    page_path = reverse("villages:session_detail", args=[session.public_id])
    action = reverse("villages:session_register", args=[session.public_id])
    browsers = []
    for _ in range(20):
        client = _client(UserFactory(role=Role.MEDIATEUR_NUMERIQUE, sites=[site]))
        person = PersonFactory(site=site)
        cookie = f"sessionid={client.cookies['sessionid'].value}"
        request = urllib.request.Request(  # noqa: S310 (the live server's URL)
            f"{live_server.url}{page_path}?q={urllib.parse.quote(person.last_name)}",
            headers={"Cookie": cookie},
        )
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 (local URL)
            html = response.read().decode()
            csrf = response.headers["Set-Cookie"].split("csrftoken=")[1].split(";")[0]
        # The search may list namesakes: the button of this very person.
        (form,) = [
            f
            for f in post_forms(html)
            if f["action"] == action and ("person", str(person.public_id)) in f["fields"]
        ]
        data = dict(form["fields"])
        assert data[FIELD]
        if not token:
            del data[FIELD]
        browsers.append(
            urllib.request.Request(  # noqa: S310 (the live server's URL)
                f"{live_server.url}{action}",
                data=urllib.parse.urlencode(data).encode(),
                headers={"Cookie": f"{cookie}; csrftoken={csrf}"},
            )
        )

    statuses = together([lambda request=request: _http_status(request) for request in browsers])

    assert statuses == [302] * 20
    registrations = Registration.objects.filter(session=session)
    assert registrations.filter(status=RegistrationStatus.INSCRIT).count() == 2
    assert registrations.filter(status=RegistrationStatus.LISTE_ATTENTE).count() == 19
