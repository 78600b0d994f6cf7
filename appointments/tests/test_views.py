"""The screens: booking in one form from the person's file, moving, statuses, the agendas,
the convocation PDF, opening hours, the iCalendar feed and today's list on the home page."""

import datetime
import io

import pytest
import time_machine
from django.urls import reverse
from icalendar import Calendar
from pypdf import PdfReader

from appointments.choices import AppointmentStatus, Weekday
from appointments.models import Appointment, OpeningHours
from ceis.choices import Role
from ceis.tests.factories import PersonFactory

from .factories import AppointmentFactory, OpeningHoursFactory, at, new_feed_path

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _first_of_december():
    with time_machine.travel(datetime.datetime(2026, 12, 1, 8, tzinfo=datetime.UTC), tick=False):
        yield


TUESDAY = datetime.date(2026, 12, 8)


@pytest.fixture
def desk(client, make_user):
    agent = make_user(
        Role.MEDIATEUR_NUMERIQUE, username="ines", first_name="Inès", last_name="Roux"
    )
    client.force_login(agent)
    client.agent = agent
    return client


def _form(agent, site, **changes):
    data = {
        "agent": agent.username,
        "site": site.pk,
        "kind": "accompagnement_numerique",
        "date": TUESDAY.isoformat(),
        "time": "10:00",
        "duration_min": "30",
        "place": "",
    }
    data.update(changes)
    return data


def test_booking_from_the_person_file_takes_one_form_and_goes_back_to_the_file(desk, site):
    person = PersonFactory(site=site, last_name="Durand", first_name="Léa")
    page = desk.get(reverse("appointments:create"), {"personne": person.public_id})
    assert page.status_code == 200
    assert f"Rendez-vous pour {person}" in page.content.decode()
    data = _form(desk.agent, site, person=person.public_id, retour="personne", by_phone="on")
    response = desk.post(reverse("appointments:create"), data, follow=True)
    appointment = Appointment.objects.get()
    assert (appointment.person, appointment.agent, appointment.place) == (
        person,
        desk.agent,
        "Par téléphone",
    )
    assert appointment.start == at(TUESDAY, 10)
    assert response.redirect_chain[-1][0] == person.get_absolute_url() + "#rendez-vous"
    assert "pris le mardi 8 décembre 2026 à 10\xa0h avec Inès Roux" in response.content.decode()


def test_a_double_booking_is_refused_with_the_form_kept(desk, site):
    AppointmentFactory(agent=desk.agent, site=site, start=at(TUESDAY, 10))
    person = PersonFactory(site=site)
    data = _form(desk.agent, site, person=person.public_id, time="10:15", place="Salle 2")
    response = desk.post(reverse("appointments:create"), data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "a déjà un rendez-vous de 10\xa0h à 10\xa0h\xa030" in body
    assert 'value="Salle 2"' in body and 'value="10:15"' in body
    assert Appointment.objects.count() == 1


def test_a_person_of_another_site_cannot_be_booked(desk, other_site, site):
    stranger = PersonFactory(site=other_site)
    response = desk.post(
        reverse("appointments:create"), _form(desk.agent, site, person=stranger.public_id)
    )
    assert response.status_code == 404
    assert not Appointment.objects.exists()


def test_the_form_offers_the_free_slots_of_the_agent(desk, site):
    OpeningHoursFactory(agent=desk.agent, site=site, weekday=Weekday.MARDI)
    AppointmentFactory(agent=desk.agent, site=site, start=at(TUESDAY, 9), duration_min=60)
    response = desk.get(
        reverse("appointments:create"),
        {"agent": "ines", "site": site.pk, "jour": TUESDAY.isoformat(), "duree": 60},
    )
    body = response.content.decode()
    assert "debut=2026-12-08T10:00" in body and "debut=2026-12-08T11:00" in body
    assert "debut=2026-12-08T09:00" not in body


def test_moving_and_cancelling(desk, site):
    appointment = AppointmentFactory(agent=desk.agent, site=site, start=at(TUESDAY, 10))
    url = reverse("appointments:update", args=[appointment.public_id])
    desk.post(url, _form(desk.agent, site, time="14:30"))
    appointment.refresh_from_db()
    assert appointment.start == at(TUESDAY, 14, 30)
    status_url = reverse("appointments:status", args=[appointment.public_id])
    response = desk.post(status_url, {"status": "excuse"}, follow=True)
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.EXCUSE
    assert "excusé" in response.content.decode()


def test_the_week_agenda_of_a_site_lists_names_and_free_slots_in_a_flat_number_of_queries(
    desk, site, make_user, django_assert_max_num_queries
):
    colleague = make_user(Role.MEDIATEUR_NUMERIQUE, first_name="Marc", last_name="Petit")
    for agent in (desk.agent, colleague):
        OpeningHoursFactory(agent=agent, site=site, weekday=Weekday.MARDI)
    for hour in (9, 10, 11):
        AppointmentFactory(
            agent=colleague, site=site, start=at(TUESDAY, hour), person__last_name=f"Nom{hour}"
        )
    url = reverse("appointments:agenda_week")
    params = {"agent": "", "site": site.pk, "jour": TUESDAY.isoformat()}
    with django_assert_max_num_queries(12):
        response = desk.get(url, params)
    body = response.content.decode()
    assert "Semaine du 7 au 13 décembre 2026" in body
    assert "NOM9 " in body and "NOM11 " in body
    assert "9\xa0h libre · Inès Roux" in body
    assert "9\xa0h libre · Marc Petit" not in body
    assert "3 rendez-vous" in body


def test_the_convocation_is_one_page_with_date_place_whom_and_what_to_bring(desk, site):
    site.address = "12 rue des Arceaux, Montpellier"
    site.save()
    appointment = AppointmentFactory(
        agent=desk.agent,
        site=site,
        start=at(TUESDAY, 14, 30),
        kind="autre",
        person__first_name="Léa",
        person__last_name="Durand",
    )
    response = desk.get(reverse("appointments:convocation_pdf", args=[appointment.public_id]))
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    text = " ".join(reader.pages[0].extract_text().split())
    assert "Mardi 8 décembre 2026 à 14 h 30" in text
    assert "12 rue des Arceaux, Montpellier" in text
    assert "Inès Roux" in text
    assert "une pièce d'identité" in text


def test_the_ical_feed_shows_times_kinds_and_initials_only_and_a_new_address_revokes_the_old(
    desk, site, client
):
    AppointmentFactory(
        agent=desk.agent,
        site=site,
        start=at(TUESDAY, 10),
        person__first_name="Léa",
        person__last_name="Durand",
        place="Salle Verte",
    )
    AppointmentFactory(agent=desk.agent, site=site, start=at(TUESDAY, 11), cancelled=True)
    old = new_feed_path(desk)
    client.logout()
    feed = client.get(old)
    assert feed["Content-Type"].startswith("text/calendar")
    events = Calendar.from_ical(feed.content).walk("VEVENT")
    assert [str(e["summary"]) for e in events] == ["Accompagnement numérique — L. D."]
    assert events[0].decoded("dtstart") == at(TUESDAY, 10)
    text = feed.content.decode()
    assert "Durand" not in text and "Salle Verte" not in text
    client.force_login(desk.agent)
    new = new_feed_path(client)
    client.logout()
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200


def test_opening_hours_are_declared_and_refused_when_they_overlap(desk, site):
    url = reverse("appointments:hours")
    desk.post(
        url, {"action": "horaire", "site": site.pk, "weekday": 1, "start": "09:00", "end": "12:00"}
    )
    response = desk.post(
        url, {"action": "horaire", "site": site.pk, "weekday": 1, "start": "11:00", "end": "13:00"}
    )
    assert "chevauchent" in response.content.decode()
    assert 'value="11:00"' in response.content.decode()
    assert list(OpeningHours.objects.values_list("weekday", "start", "end")) == [
        (1, datetime.time(9), datetime.time(12))
    ]


def test_today_appointments_are_on_the_agent_home(desk, site):
    AppointmentFactory(
        agent=desk.agent,
        site=site,
        start=at(datetime.date(2026, 12, 1), 14),
        person__last_name="Aujourdhui",
    )
    AppointmentFactory(
        agent=desk.agent, site=site, start=at(TUESDAY, 14), person__last_name="Plustard"
    )
    body = desk.get(reverse("home")).content.decode()
    assert "Mes rendez-vous d'aujourd'hui" in body
    assert "AUJOURDHUI" in body and "PLUSTARD" not in body


def test_a_mediator_sees_neither_a_social_workers_appointments_nor_social_interviews(
    desk, make_user, site
):
    """A social interview tells that the person is followed in Unis'Vers, which the mediator
    never sees (security.md row 3): not in the agendas, not on the person's file, not by URL."""
    social_worker = make_user(Role.TRAVAILLEUR_SOCIAL, username="paul", last_name="Garnier")
    person = PersonFactory(site=site, last_name="Abadie", first_name="Lucienne")
    theirs = AppointmentFactory(
        site=site, person=person, agent=social_worker, kind="entretien_sortie", start=at(TUESDAY, 9)
    )
    week = desk.get(
        reverse("appointments:agenda_week"),
        {"agent": social_worker.username, "site": site.pk, "jour": TUESDAY.isoformat()},
    ).content.decode()
    day = desk.get(
        reverse("appointments:agenda_day"), {"site": site.pk, "jour": TUESDAY.isoformat()}
    ).content.decode()
    for html in (week, day):
        assert "Abadie" not in html and "ABADIE" not in html
        assert "Entretien de sortie" not in html
    detail = desk.get(reverse("appointments:update", args=[theirs.public_id]))
    assert detail.status_code == 404
    form = desk.get(reverse("appointments:create"), {"personne": person.public_id})
    assert "Entretien de sortie" not in form.content.decode()
    assert "Garnier" not in form.content.decode()
    # The social worker sees it.
    desk.force_login(social_worker)
    day = desk.get(
        reverse("appointments:agenda_day"),
        {"agent": social_worker.username, "site": site.pk, "jour": TUESDAY.isoformat()},
    ).content.decode()
    assert "Entretien de sortie" in day


def test_the_ical_feed_is_journalled_never_stored_and_closed_to_an_agent_no_longer_one(
    desk, client
):
    from ceis.choices import JournalAction
    from ceis.models import JournalEntry

    path = new_feed_path(desk)
    client.logout()
    response = client.get(path)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert JournalEntry.objects.filter(
        action=JournalAction.DOWNLOAD, object_type="agenda_feed", user=desk.agent
    ).exists()
    desk.agent.groups.clear()
    desk.agent.sites.clear()
    type(desk.agent).objects.get(pk=desk.agent.pk)  # a fresh read: no cached permissions
    assert client.get(path).status_code == 404
