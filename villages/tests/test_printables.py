"""A session's attendance sheet (feuille d'émargement): the people registered, a signature
column and blank rows for walk-ins, for who checks people in; read back with pypdf."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from ceis.choices import JournalAction, Role
from ceis.models import JournalEntry
from ceis.tests.factories import PersonFactory
from villages.printables import MIN_BLANK_ROWS
from villages.tests.factories import RegistrationFactory, SessionFactory, WorkshopFactory


def _text(response) -> str:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


@pytest.fixture
def session(site):
    start = datetime.datetime(2026, 12, 8, 14, 30, tzinfo=timezone.get_current_timezone())
    session = SessionFactory(
        site=site, start=start, workshop=WorkshopFactory(title="Premiers pas sur tablette")
    )
    for name in ("Bernard", "Achour", "Durand"):
        RegistrationFactory(session=session, person=PersonFactory(site=site, last_name=name))
    RegistrationFactory(
        session=session, person=PersonFactory(site=site, last_name="Annulee"), cancelled=True
    )
    RegistrationFactory(
        session=session, person=PersonFactory(site=site, last_name="Attente"), waiting=True
    )
    return session


def _url(session):
    return reverse("villages:session_attendance_sheet", args=[session.public_id])


@pytest.mark.parametrize("role", [Role.MEDIATEUR_NUMERIQUE, Role.VOLONTAIRE, Role.ADMIN])
def test_the_sheet_lists_the_registered_people_with_room_for_walk_ins(client_for, session, role):
    client = client_for(role)
    text = _text(client.get(_url(session)))
    assert "Feuille d'émargement" in text
    assert "Premiers pas sur tablette" in text
    assert "mardi 8 décembre 2026 à 14 h 30" in text
    assert "Signature" in text
    # In alphabetical order, numbered; the cancelled and the waiting list are not expected.
    assert text.index("1 ACHOUR") < text.index("2 BERNARD") < text.index("3 DURAND")
    assert "ANNULEE" not in text and "ATTENTE" not in text
    # Numbered blank rows follow for the people who come without registering.
    assert "3 personnes inscrites" in text
    assert "4 5 6 7 8" in text
    entry = JournalEntry.objects.get(action=JournalAction.DOWNLOAD)
    assert (entry.object_ref, entry.payload) == (
        str(session.public_id),
        {"printable": "attendance_sheet"},
    )


def test_a_full_session_keeps_blank_rows(client_for, session):
    for number in range(20):
        RegistrationFactory(
            session=session, person=PersonFactory(site=session.site, last_name=f"Zed{number:02d}")
        )
    response = client_for(Role.MEDIATEUR_NUMERIQUE).get(_url(session))
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "ZED19" in text
    assert f"{23 + MIN_BLANK_ROWS}" in text.split("Signature de l'animateur")[0]


@pytest.mark.parametrize("role", [Role.TRAVAILLEUR_SOCIAL, Role.MANAGER])
def test_roles_that_do_not_check_in_get_404(client_for, session, role):
    response = client_for(role).get(_url(session))
    assert response.status_code == 404
    assert b"ACHOUR" not in response.content.upper()


def test_another_sites_session_answers_404(client_for, other_site):
    session = SessionFactory(site=other_site)
    assert client_for(Role.MEDIATEUR_NUMERIQUE).get(_url(session)).status_code == 404


def test_the_session_page_and_the_check_in_link_to_the_sheet(client_for, session):
    client = client_for(Role.MEDIATEUR_NUMERIQUE)
    for name in ("villages:session_detail", "villages:session_checkin"):
        page = client.get(reverse(name, args=[session.public_id])).content.decode()
        assert _url(session) in page, name
