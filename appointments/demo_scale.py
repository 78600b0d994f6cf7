"""Appointments at N× one centre's year (`seed_demo --scale N`, see `ceis.demo_scale`).

Per site holding `share` of a centre's year: about 1,500 × share individual appointments on
weekdays between 9:00 and 17:00 (fewer in August), half with the digital mediator (digital help
or a skills assessment, for the site's persons) and half with the social worker (social
interviews and exit interviews, for the site's Unis'Vers participants). Past appointments are
honoured three times in four, missed (« non honoré ») about one in eight and cancelled ahead one
in ten; those after the generation time are still « prévu ». An agent never has two
appointments at once, even an agent working on several sites (the database refuses a double
booking on PostgreSQL).
"""

import datetime

from django.db import transaction
from django.utils import timezone

from ceis.choices import Role
from ceis.demo_scale import insert_rows, scaled, uuid_from
from ceis.models import Person

from .choices import AppointmentKind, AppointmentStatus
from .models import Appointment

EMPTY_MODELS = (Appointment,)
BIG_TABLES = ("appointments_appointment",)

APPOINTMENTS_PER_CENTRE = 1500
# Half-hour slots of an agent's day.
SLOTS = [datetime.time(hour, minute) for hour in range(9, 17) for minute in (0, 30)]
MEDIATOR_KINDS = [AppointmentKind.ACCOMPAGNEMENT_NUMERIQUE] * 4 + [
    AppointmentKind.DIAGNOSTIC_NUMERIQUE
]
SOCIAL_KINDS = [AppointmentKind.ENTRETIEN_SOCIAL] * 4 + [AppointmentKind.ENTRETIEN_SORTIE]
PAST_STATUSES = [AppointmentStatus.HONORE, AppointmentStatus.NON_HONORE, AppointmentStatus.EXCUSE]
PAST_WEIGHTS = [77, 13, 10]


def seed(ctx) -> None:
    days, weights = _open_days(ctx)
    busy: dict[int, set] = {}  # agent id → {(day, slot)} across sites
    for done, (site, share) in enumerate(ctx.sites, start=1):
        with transaction.atomic():
            _seed_site(ctx, site, share, days, weights, busy)
        ctx.progress("Rendez-vous", done)
    ctx.log(f"  Rendez-vous : {ctx.counts.get('appointments_appointment', 0)} rendez-vous.")


def _open_days(ctx):
    """Weekdays of the year, August at a third of the usual activity, Christmas week closed."""
    days, weights = [], []
    day = ctx.first_day
    while day <= ctx.last_day:
        closed = (day.month, day.day) == (1, 1) or (day.month == 12 and day.day > 23)
        if day.weekday() < 5 and not closed:
            days.append(day)
            weights.append(1 if day.month == 8 else 3)
        day += datetime.timedelta(days=1)
    return days, weights


def _seed_site(ctx, site, share, days, weights, busy) -> None:
    rng = ctx.rng("appointments", site.code)
    persons = list(Person.objects.filter(site=site).order_by("pk").values_list("pk", flat=True))
    participants = ctx.shared.get("unisvers_persons", {}).get(site.pk) or persons
    if not persons:
        return
    staff = ctx.staff[site.pk]
    plans = [
        (staff.get(Role.MEDIATEUR_NUMERIQUE), persons, MEDIATOR_KINDS),
        (staff.get(Role.TRAVAILLEUR_SOCIAL), participants, SOCIAL_KINDS),
    ]
    count = scaled(rng, APPOINTMENTS_PER_CENTRE * share)
    rows = []
    for index in range(count):
        agent, pool, kinds = plans[index % 2]
        if agent is None:
            continue
        taken = busy.setdefault(agent.pk, set())
        for _ in range(20):  # a free half-hour of this agent (the year has thousands)
            day = rng.choices(days, weights)[0]
            slot = rng.choice(SLOTS)
            if (day, slot) not in taken:
                break
        else:
            continue
        taken.add((day, slot))
        start = datetime.datetime.combine(day, slot, tzinfo=timezone.get_current_timezone())
        duration = 30
        following = (day, datetime.time(slot.hour, 30))
        if slot.minute == 0 and following not in taken and rng.random() < 0.25:
            duration = 60
            taken.add(following)
        status = (
            rng.choices(PAST_STATUSES, PAST_WEIGHTS)[0]
            if start < ctx.now
            else AppointmentStatus.PREVU
        )
        rows.append(
            {
                "public_id": uuid_from(rng),
                "person_id": rng.choice(pool),
                "agent_id": agent.pk,
                "site_id": site.pk,
                "kind": rng.choice(kinds),
                "start": start,
                "duration_min": duration,
                "end": start + datetime.timedelta(minutes=duration),
                "place": "",
                "status": status,
                "created_by_id": agent.pk,
            }
        )
    insert_rows(ctx, Appointment, rows)
