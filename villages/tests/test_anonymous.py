"""Anonymous attendees of a session: the grid on the session screen, its errors, its journal."""

import pytest
from django.urls import reverse

from ceis.choices import JournalAction, Role
from ceis.models import JournalEntry
from villages.models import AnonymousAttendance

from .factories import SessionFactory

pytestmark = pytest.mark.django_db


def _recorded(session) -> dict[tuple[str, str], int]:
    return {
        (row.age_band, row.sex): row.count
        for row in AnonymousAttendance.objects.filter(session=session)
    }


def test_the_grid_records_counts_by_age_band_and_sex_and_is_journalled(client_for, site):
    client = client_for(Role.MEDIATEUR_NUMERIQUE)
    session = SessionFactory(site=site, today=True)
    url = reverse("villages:session_anonymous", args=[session.public_id])

    page = client.get(url).content.decode()
    assert (
        '<label class="visually-hidden" for="id_anonyme_60_plus_F">60 ans et plus, femmes' in page
    )
    assert '<th scope="col">Non précisé</th>' in page

    response = client.post(url, {"anonyme_60_plus_F": "3", "anonyme_inconnu_inconnu": "1"})

    assert response.status_code == 302
    assert _recorded(session) == {("60_plus", "F"): 3, ("inconnu", "inconnu"): 1}
    assert "4 participants anonymes enregistrés." in client.get(response.url).content.decode()
    entry = JournalEntry.objects.filter(action=JournalAction.UPDATE).latest("id")
    assert entry.payload == {"fields": ["anonymous_attendees"]}


def test_saving_again_replaces_the_numbers_and_shows_them(client_for, site):
    client = client_for(Role.VOLONTAIRE)
    session = SessionFactory(site=site, today=True)
    url = reverse("villages:session_anonymous", args=[session.public_id])
    client.post(url, {"anonyme_moins_26_M": "5", "anonyme_26_59_X": "2"})

    client.post(url, {"anonyme_moins_26_M": "4", "anonyme_26_59_X": "0"})

    assert _recorded(session) == {("moins_26", "M"): 4}
    page = client.get(url).content.decode()
    assert 'name="anonyme_moins_26_M" id="id_anonyme_moins_26_M" value="4"' in page


def test_a_bad_number_is_refused_in_french_and_nothing_typed_is_lost(client_for, site):
    client = client_for(Role.MEDIATEUR_NUMERIQUE)
    session = SessionFactory(site=site, today=True)
    url = reverse("villages:session_anonymous", args=[session.public_id])

    response = client.post(url, {"anonyme_moins_26_F": "-2", "anonyme_60_plus_M": "7"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "Le nombre ne peut pas être négatif." in page
    assert 'aria-invalid="true"' in page
    assert 'name="anonyme_60_plus_M" id="id_anonyme_60_plus_M" value="7"' in page
    assert 'name="anonyme_moins_26_F" id="id_anonyme_moins_26_F" value="-2"' in page
    assert _recorded(session) == {}


def test_another_sites_session_is_not_found(client_for, other_site):
    client = client_for(Role.MEDIATEUR_NUMERIQUE)
    session = SessionFactory(site=other_site, today=True)
    url = reverse("villages:session_anonymous", args=[session.public_id])
    assert client.post(url, {"anonyme_moins_26_F": "2"}).status_code == 404
    assert _recorded(session) == {}
