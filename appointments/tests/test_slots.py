"""Free slots: opening hours minus public holidays, absences and busy appointments."""

import datetime

import pytest
import time_machine

from appointments import selectors
from appointments.choices import Weekday
from appointments.models import OpeningHours
from appointments.slots import free_slots
from ceis.choices import Role

from .factories import AbsenceFactory, AppointmentFactory, OpeningHoursFactory, at

TUESDAY = datetime.date(2026, 12, 8)
MORNING = [OpeningHours(weekday=Weekday.MARDI, start=datetime.time(9), end=datetime.time(12))]


def _times(slots):
    return [f"{s:%H:%M}" for s in slots]


def test_a_free_morning_is_cut_in_slots_of_the_chosen_duration():
    assert _times(free_slots(day=TUESDAY, hours=MORNING, taken=[], duration_min=45)) == [
        "09:00",
        "09:45",
        "10:30",
        "11:15",
    ]


def test_a_slot_starts_again_where_an_appointment_ends():
    taken = [(at(TUESDAY, 9, 15), at(TUESDAY, 9, 45))]
    slots = free_slots(day=TUESDAY, hours=MORNING, taken=taken, duration_min=60)
    assert _times(slots) == ["09:45", "10:45"]


def test_no_slot_on_another_weekday_a_public_holiday_or_in_the_past():
    assert (
        free_slots(
            day=TUESDAY + datetime.timedelta(days=1), hours=MORNING, taken=[], duration_min=30
        )
        == []
    )
    christmas = datetime.date(2029, 12, 25)  # a Tuesday
    assert (
        free_slots(day=christmas, hours=MORNING, taken=[], duration_min=30, holidays={christmas})
        == []
    )
    later = free_slots(
        day=TUESDAY, hours=MORNING, taken=[], duration_min=60, not_before=at(TUESDAY, 10, 5)
    )
    assert _times(later) == ["11:00"]


@pytest.mark.django_db
@time_machine.travel(datetime.datetime(2026, 12, 1, 8, tzinfo=datetime.UTC), tick=False)
def test_the_agenda_offers_the_week_minus_appointments_on_any_site_and_absences(
    make_user, site, other_site
):
    agent = make_user(Role.TRAVAILLEUR_SOCIAL, sites=[site, other_site])
    OpeningHoursFactory(agent=agent, site=site, weekday=Weekday.MARDI)
    OpeningHoursFactory(agent=agent, site=site, weekday=Weekday.JEUDI)
    # Busy on the other site on Tuesday at 10 h; absent on Thursday; Friday has no hours.
    AppointmentFactory(agent=agent, site=other_site, start=at(TUESDAY, 10), duration_min=60)
    thursday = TUESDAY + datetime.timedelta(days=2)
    AbsenceFactory(agent=agent, start=at(thursday, 0), end=at(thursday, 23, 59))
    days = selectors.agent_free_slots(
        user=agent, agent=agent, site=site, first=TUESDAY, days=3, duration_min=60
    )
    assert [(day, _times(starts)) for day, starts in days] == [
        (TUESDAY, ["09:00", "11:00"]),
        (TUESDAY + datetime.timedelta(days=1), []),
        (thursday, []),
    ]
