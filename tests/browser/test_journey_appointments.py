"""Journey of an appointment (issue #19): the mediator books a free slot from a person's file
in one screen, marks the appointment honoured, and lands on the help form prefilled with the
person and the day. axe-core on each screen; the agenda's screenshot for the README."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from appointments.choices import AppointmentStatus, Weekday
from appointments.models import Appointment
from appointments.tests.factories import AppointmentFactory, OpeningHoursFactory, at
from ceis.choices import Role
from ceis.tests.factories import PersonFactory

from .conftest import DOCS_IMG, assert_no_axe_violations, field, shot, sign_in

pytestmark = pytest.mark.browser


def _open_every_day(agent, site):
    for weekday in Weekday.values:
        OpeningHoursFactory(
            agent=agent, site=site, weekday=weekday, start=datetime.time(8), end=datetime.time(20)
        )


def test_mediator_books_from_the_file_and_the_honoured_appointment_opens_the_help(
    page, make_user, site
):
    mediator = make_user(Role.MEDIATEUR_NUMERIQUE, first_name="Karim", last_name="Benali")
    _open_every_day(mediator, site)
    ana = PersonFactory(site=site, last_name="Leroy", first_name="Ana")
    sign_in(page, mediator)

    page.goto(ana.get_absolute_url())
    page.get_by_role("link", name="Prendre rendez-vous").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rendez-vous pour LEROY Ana")
    assert_no_axe_violations(page, "prise de rendez-vous")
    # The first free slot offered beside the form fills the day and the time.
    slots = page.get_by_role("complementary").get_by_role("link", name=re.compile(r"^\d+\s?h"))
    slots.first.click()
    field(page, "Motif").select_option(label="Accompagnement numérique")
    shot(page, "rdv-01-prise")
    page.get_by_role("button", name="Prendre le rendez-vous").click()
    expect(page.locator(".alert-success")).to_contain_text("Rendez-vous de LEROY Ana pris le")
    appointment = Appointment.objects.get(person=ana)
    assert appointment.agent == mediator and appointment.status == AppointmentStatus.PREVU
    expect(page).to_have_url(re.compile(rf"/personnes/{ana.public_id}/#rendez-vous$"))

    # From the file's panel to the appointment, then « Honoré ».
    page.locator("#rendez-vous").get_by_role("link").first.click()
    expect(page).to_have_url(re.compile(r"/rendez-vous/[0-9a-f-]{36}/$"))
    expect(page.get_by_role("button", name="Honoré", exact=True)).to_be_visible()
    assert_no_axe_violations(page, "rendez-vous")
    page.get_by_role("button", name="Honoré", exact=True).click()
    day = timezone.localtime(appointment.start).date().isoformat()
    expect(page).to_have_url(
        re.compile(rf"/villages/accompagnements/nouveau/\?personne={ana.public_id}&date={day}$")
    )
    expect(page.locator(".alert-success")).to_contain_text("honoré")
    expect(page.get_by_text("LEROY Ana").first).to_be_visible()
    shot(page, "rdv-02-accompagnement-prerempli")
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.HONORE


def test_the_week_agenda_of_a_site(page, make_user, site):
    """The README's screenshot: a week of two agents at the site, free slots between."""
    mediator = make_user(Role.MEDIATEUR_NUMERIQUE, first_name="Karim", last_name="Benali")
    worker = make_user(Role.TRAVAILLEUR_SOCIAL, first_name="Sophie", last_name="Martin")
    monday = timezone.localdate() + datetime.timedelta(days=7 - timezone.localdate().weekday())
    for agent, weekday, start, end in (
        (mediator, Weekday.LUNDI, 9, 12),
        (mediator, Weekday.MARDI, 9, 12),
        (worker, Weekday.MARDI, 14, 17),
        (worker, Weekday.JEUDI, 9, 12),
        (mediator, Weekday.JEUDI, 14, 17),
    ):
        OpeningHoursFactory(
            agent=agent,
            site=site,
            weekday=weekday,
            start=datetime.time(start),
            end=datetime.time(end),
        )
    names = iter(
        [
            ("Leroy", "Ana"),
            ("Petit", "Jean"),
            ("Moreau", "Lina"),
            ("Garnier", "Paul"),
            ("Roussel", "Inès"),
            ("Lambert", "Hugo"),
            ("Faure", "Chloé"),
        ]
    )
    for agent, offset, hour, minute, kind in (
        (mediator, 0, 9, 0, "accompagnement_numerique"),
        (mediator, 0, 10, 30, "diagnostic_numerique"),
        (mediator, 1, 9, 45, "accompagnement_numerique"),
        (worker, 1, 14, 0, "entretien_social"),
        (worker, 1, 16, 0, "entretien_sortie"),
        (worker, 3, 10, 0, "entretien_social"),
        (mediator, 3, 15, 0, "accompagnement_numerique"),
    ):
        last, first = next(names)
        AppointmentFactory(
            agent=agent,
            site=site,
            kind=kind,
            start=at(monday + datetime.timedelta(days=offset), hour, minute),
            duration_min=45,
            person__last_name=last,
            person__first_name=first,
        )
    # The social worker sees both agents; the mediator would not see a social worker's
    # appointments (security.md row 3).
    sign_in(page, worker)
    page.goto(f"/rendez-vous/agenda/semaine/?agent=&site={site.pk}&duree=45&jour={monday}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Semaine du")
    expect(page.get_by_text("7 rendez-vous")).to_be_visible()
    assert_no_axe_violations(page, "agenda de la semaine")
    DOCS_IMG.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(DOCS_IMG / "agenda.png"), full_page=True)
