"""Demo agendas (`manage.py seed_demo`): opening hours of the demo mediator and social worker,
and their appointments of the current week and the next (past ones honoured or not, the others
planned), without public holidays. Keyed by `ref`: running it again changes nothing."""

import datetime
import random

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ceis.calendar import public_holidays
from ceis.choices import Role
from ceis.models import Person

from .choices import AppointmentKind, AppointmentStatus, Weekday
from .models import Appointment, OpeningHours

# (role, site code, weekday, start, end)
HOURS = [
    (Role.MEDIATEUR_NUMERIQUE, "CEIS", Weekday.LUNDI, "09:00", "12:00"),
    (Role.MEDIATEUR_NUMERIQUE, "CEIS", Weekday.MARDI, "09:00", "12:00"),
    (Role.MEDIATEUR_NUMERIQUE, "MPT-RICOME", Weekday.MERCREDI, "14:00", "17:00"),
    (Role.MEDIATEUR_NUMERIQUE, "CEIS", Weekday.JEUDI, "14:00", "17:00"),
    (Role.TRAVAILLEUR_SOCIAL, "CEIS", Weekday.MARDI, "14:00", "17:00"),
    (Role.TRAVAILLEUR_SOCIAL, "CEIS", Weekday.JEUDI, "09:00", "12:00"),
    (Role.TRAVAILLEUR_SOCIAL, "CEIS", Weekday.VENDREDI, "09:00", "12:00"),
]
KINDS = {
    Role.MEDIATEUR_NUMERIQUE: (
        [AppointmentKind.ACCOMPAGNEMENT_NUMERIQUE] * 3 + [AppointmentKind.DIAGNOSTIC_NUMERIQUE]
    ),
    Role.TRAVAILLEUR_SOCIAL: [AppointmentKind.ENTRETIEN_SOCIAL] * 4
    + [AppointmentKind.ENTRETIEN_SORTIE],
}
DURATION = {Role.MEDIATEUR_NUMERIQUE: 45, Role.TRAVAILLEUR_SOCIAL: 60}
PLACES = ["", "", "", "Bureau 2", "Par téléphone"]


def _time(text):
    return datetime.time.fromisoformat(text)


@transaction.atomic
def seed(*, core, stdout=None, rng_seed: int = 2019) -> dict:
    rng = random.Random(rng_seed)
    users, sites = core["users"], core["sites"]
    for role, code, weekday, start, end in HOURS:
        OpeningHours.objects.update_or_create(
            agent=users[role],
            site=sites[code],
            weekday=weekday,
            start=_time(start),
            defaults={"end": _time(end)},
        )
    today = timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday())
    days = [monday + datetime.timedelta(days=n) for n in range(14)]
    holidays = public_holidays(days[0], days[-1])
    now = timezone.now()
    created = 0
    for role in (Role.MEDIATEUR_NUMERIQUE, Role.TRAVAILLEUR_SOCIAL):
        agent = users[role]
        persons = _persons(agent, role, sites)
        if not persons:
            continue
        length = datetime.timedelta(minutes=DURATION[role])
        for day in days:
            if day in holidays:
                continue
            for _role, code, weekday, start, end in HOURS:
                if _role != role or weekday != day.weekday():
                    continue
                tz = timezone.get_current_timezone()
                moment = datetime.datetime.combine(day, _time(start), tzinfo=tz)
                closing = datetime.datetime.combine(day, _time(end), tzinfo=tz)
                while moment + length <= closing:
                    # Two thirds of the slots are booked; the others stay free in the agenda.
                    if rng.random() < 0.66:
                        created += _book(rng, agent, role, sites[code], persons, moment, now)
                    moment += length
    if stdout is not None:
        stdout.write(f"Rendez-vous : {created} créés ; horaires de {len(HOURS)} permanences.")
    return {"rendez-vous": created}


def _persons(agent, role, sites) -> list[Person]:
    """The mediator's public at the first site; the social worker's participants."""
    people = Person.objects.filter(ref__startswith="demo-", site=sites["CEIS"])
    if role == Role.TRAVAILLEUR_SOCIAL:
        followed = people.filter(Q(unisvers_enrollments__cohort__referents=agent)).distinct()
        people = followed if followed.exists() else people
    return list(people.order_by("ref")[:60])


def _book(rng, agent, role, site, persons, moment, now) -> int:
    ref = f"demo-rdv-{agent.username}-{moment:%Y%m%d-%H%M}"
    end = moment + datetime.timedelta(minutes=DURATION[role])
    if end <= now:
        status = rng.choice([AppointmentStatus.HONORE] * 4 + [AppointmentStatus.NON_HONORE])
    else:
        status = rng.choice([AppointmentStatus.PREVU] * 9 + [AppointmentStatus.EXCUSE])
    _, made = Appointment.objects.get_or_create(
        ref=ref,
        defaults={
            "person": rng.choice(persons),
            "agent": agent,
            "site": site,
            "kind": rng.choice(KINDS[role]),
            "start": moment,
            "duration_min": DURATION[role],
            "place": rng.choice(PLACES),
            "status": status,
        },
    )
    return int(made)
