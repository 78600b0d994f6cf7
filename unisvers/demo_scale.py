"""Unis'Vers at N× one centre's year (`seed_demo --scale N`, see `ceis.demo_scale`).

Per site holding `share` of a centre's year: about 200 × share participants (one enrollment
each) in cohorts of 15–20 meeting three days a week for six weeks, spread over the year; a
register for every meeting day; one collective activity per day with the persons present; 70 %
of the participants with 1–4 individual follow-up entries (encrypted notes); every enrollment
exited by the end of the year (14 % dropouts, 87 % positive exits among the others); 3-month
situations for the exits whose follow-up falls due within the year (85 % recorded); an alumni
gathering, two users' committees and a co-evaluation; three testimonials; the year's target.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from ceis.choices import EducationLevel, ProfessionalStatus, Role
from ceis.demo_scale import (
    bulk_insert,
    insert_rows,
    make_person,
    pick_neighbourhood,
    scaled,
    split_count,
    uuid_from,
)
from ceis.models import Person

from .calendar import add_months, meeting_dates
from .choices import (
    AttendanceStatus,
    Barrier,
    DropoutReason,
    EventKind,
    ExitOutcome,
    FollowupKind,
    FollowupSituation,
    Household,
    MinimumIncome,
    ReferralSource,
    Space,
)
from .demo import FOLLOWUP_NOTES, ORIENTATIONS  # the same notes as the small demo
from .models import (
    Attendance,
    Cohort,
    CollectiveActivity,
    Enrollment,
    Event,
    FollowUp,
    MeetingDay,
    Target,
    Testimonial,
)

# What `seed_demo --scale` needs empty, and the tables whose indexes it builds after loading
# (ceis.demo_scale).
EMPTY_MODELS = (Cohort, Enrollment)
BIG_TABLES = (
    "unisvers_attendance",
    "unisvers_collectiveactivity_participants",
    "unisvers_followup",
)

PARTICIPANTS_PER_CENTRE = 200
COHORT_SIZE = 18
TARGET_PER_CENTRE = 220
WEEKDAY_SETS = [["mon", "tue", "thu"], ["mon", "wed", "fri"], ["tue", "wed", "thu"]]
MONTHS = [
    "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
    "octobre", "novembre", "décembre",
]  # fmt: skip

# Dropouts 14 % of exits; positive exits 75/86 = 87 % of the completers (the seed's figures).
OUTCOME_WEIGHTS = {
    ExitOutcome.EMPLOI_DURABLE: 14,
    ExitOutcome.EMPLOI_TRANSITION: 18,
    ExitOutcome.IAE: 10,
    ExitOutcome.FORMATION: 18,
    ExitOutcome.PROJET_PROFESSIONNEL: 15,
    ExitOutcome.SANS_SOLUTION: 11,
    ExitOutcome.ABANDON: 14,
}
DROPOUT_WEIGHTS = {
    DropoutReason.SANTE: 45,  # "majoritairement suite à une orientation santé"
    DropoutReason.CONTRAINTES_FAMILIALES: 15,
    DropoutReason.DEMENAGEMENT: 10,
    DropoutReason.MOBILITE: 10,
    DropoutReason.INJOIGNABLE: 12,
    DropoutReason.AUTRE: 8,
}
# "7 sur 10 vivent seuls, 27 % de familles monoparentales" (the seed's own figures overlap).
HOUSEHOLD_WEIGHTS = {
    Household.SEUL: 66,
    Household.MONOPARENTAL: 26,
    Household.COUPLE_SANS_ENFANT: 2,
    Household.COUPLE_AVEC_ENFANTS: 3,
    Household.HEBERGE: 2,
    Household.AUTRE: 1,
}
LOW_INCOMES = [0, 350, 420, 497, 535]  # 80 % under 550 €
HIGHER_INCOMES = [560, 610, 720, 900, 1100]
EDUCATION = [
    EducationLevel.AUCUN, EducationLevel.CEP, EducationLevel.BREVET, EducationLevel.CAP_BEP,
    EducationLevel.CAP_BEP, EducationLevel.BAC_PRO_TECHNO, EducationLevel.BAC_GENERAL,
    EducationLevel.BAC_PLUS_2, "", "",
]  # fmt: skip
ACTIVITIES = [
    (Space.MULTIMEDIA, "Créer son espace France Travail", 180),
    (Space.ACCES_DROITS, "Atelier droits sociaux avec la CAF", 150),
    (Space.EMPLOI_FORMATION, "Simulation d'entretien d'embauche", 180),
    (Space.MOBILITE, "Se déplacer en tramway et à vélo", 120),
    (Space.CULTURE_SPORT_SANTE, "Visite du centre-ville – Architectures Vives", 180),
    (Space.BUDGET, "Construire son budget mensuel", 150),
]
QUOTES = [
    ("Guillaume", "Ici chacun est utile à l'autre, dans la bienveillance.", True),
    ("Doriane", "Cette action secoue, dynamise : je repars avec plus de confiance.", True),
    ("Salima", "J'ai vu que j'avais des compétences et des qualités.", False),
]


# Plain lists: `TextChoices.values` is rebuilt at each access.
ATTENDANCE = list(AttendanceStatus.values)
ATTENDANCE_WEIGHTS = [90, 8, 2]
SITUATIONS = list(FollowupSituation.values)
SITUATION_WEIGHTS = [20, 20, 10, 18, 8, 12, 12]
REFERRALS = list(ReferralSource.values)
REFERRAL_WEIGHTS = [70, 8, 8, 5, 6, 3]
INCOMES = list(MinimumIncome.values)
INCOME_WEIGHTS = [55, 12, 6, 7, 20]
BARRIERS = list(Barrier.values)
FOLLOWUP_KINDS = list(FollowupKind.values)


def _choice(rng, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def seed(ctx) -> None:
    ctx.shared["unisvers_persons"] = {}
    for done, (site, share) in enumerate(ctx.sites, start=1):
        with transaction.atomic():
            _seed_site(ctx, site, share)
        ctx.progress("Unis'Vers", done)
    ctx.log(
        f"  Unis'Vers : {ctx.counts.get('unisvers_enrollment', 0)} inscriptions, "
        f"{ctx.counts.get('unisvers_attendance', 0)} présences, "
        f"{ctx.counts.get('unisvers_followup', 0)} suivis individuels."
    )


def _cohort_plans(ctx, rng, total: int) -> list[dict]:
    """Cohorts of the site, their start spread from early January to early November."""
    count = max(1, round(total / COHORT_SIZE))
    sizes = split_count(total, count)
    first = ctx.first_day + datetime.timedelta(days=4)
    window = (datetime.date(ctx.year, 11, 2) - first).days
    plans = []
    for index, size in enumerate(sizes):
        if size == 0:
            continue
        start = first + datetime.timedelta(days=index * window // count + rng.randrange(7))
        start -= datetime.timedelta(days=start.weekday())  # a Monday
        start = max(start, ctx.first_day)
        end = start + datetime.timedelta(days=39)  # the Friday of the sixth week
        plans.append(
            {
                "index": index,
                "start": start,
                "end": end,
                "size": size,
                "weekdays": rng.choice(WEEKDAY_SETS),
            }
        )
    return plans


def _seed_site(ctx, site, share) -> None:
    rng = ctx.rng("unisvers", site.code)
    # The 6-month situations are drawn apart, so that every other record stays as it was.
    rng_6m = ctx.rng("unisvers-6m", site.code)
    total = scaled(rng, PARTICIPANTS_PER_CENTRE * share)
    referent = ctx.staff[site.pk][Role.TRAVAILLEUR_SOCIAL]
    target = max(1, round(TARGET_PER_CENTRE * share))
    bulk_insert(ctx, Target, [Target(site_id=site.pk, year=ctx.year, persons=target)])
    if total == 0:
        ctx.shared["unisvers_persons"][site.pk] = []
        return
    plans = _cohort_plans(ctx, rng, total)
    tz = timezone.get_current_timezone()

    cohorts, days_by_cohort = [], {}
    for plan, pk in zip(plans, ctx.ids(Cohort, len(plans)), strict=True):
        start = plan["start"]
        cohorts.append(
            Cohort(
                pk=pk,
                public_id=uuid_from(rng),
                site_id=site.pk,
                name=f"Promotion {MONTHS[start.month - 1]} {ctx.year} n° {plan['index'] + 1}",
                start_date=start,
                end_date=plan["end"],
                weekdays=plan["weekdays"],
                capacity=20,
            )
        )
        plan["pk"] = pk
        days_by_cohort[pk] = meeting_dates(start, plan["end"], plan["weekdays"])
    bulk_insert(ctx, Cohort, cohorts)
    bulk_insert(
        ctx,
        Cohort.referents.through,
        (Cohort.referents.through(cohort_id=c.pk, user_id=referent.pk) for c in cohorts),
    )
    insert_rows(
        ctx,
        MeetingDay,
        (
            {
                "cohort_id": pk,
                "date": day,
                "label": "Sortie" if position == len(days) // 2 else "",
                "register_taken_at": datetime.datetime.combine(day, datetime.time(17), tzinfo=tz),
                "register_taken_by_id": referent.pk,
            }
            for pk, days in days_by_cohort.items()
            for position, day in enumerate(days)
        ),
    )

    person_ids = ctx.ids(Person, total)
    persons, enrollments = [], []
    position = 0
    for plan in plans:
        for _ in range(plan["size"]):
            pk = person_ids[position]
            position += 1
            entry = plan["start"]
            if rng.random() >= 0.85:  # latecomers join in the first week
                entry += datetime.timedelta(days=rng.choice([1, 2, 3]))
            persons.append(_person(ctx, rng, site, pk, entry, referent))
            enrollments.append(_enrollment(ctx, rng, rng_6m, plan, pk, entry))
    insert_rows(ctx, Person, persons)
    insert_rows(ctx, Enrollment, enrollments)
    ctx.shared["unisvers_persons"][site.pk] = list(person_ids)

    attendance, activities, links, present_by_day = [], [], [], {}
    for enrollment in enrollments:
        cohort_id, person_id = enrollment["cohort_id"], enrollment["person_id"]
        first, last = enrollment["entry_date"], enrollment["exit_date"]
        for day in days_by_cohort[cohort_id]:
            if not first <= day <= last:
                continue
            status = rng.choices(ATTENDANCE, weights=ATTENDANCE_WEIGHTS)[0]
            attendance.append(
                {"cohort_id": cohort_id, "person_id": person_id, "date": day, "status": status}
            )
            if status == AttendanceStatus.PRESENT:
                present_by_day.setdefault((cohort_id, day), []).append(person_id)
    insert_rows(ctx, Attendance, attendance)
    day_keys = [(pk, day) for pk, days in days_by_cohort.items() for day in days]
    for (cohort_id, day), activity_id in zip(
        day_keys, ctx.ids(CollectiveActivity, len(day_keys)), strict=True
    ):
        space, title, minutes = ACTIVITIES[len(activities) % len(ACTIVITIES)]
        activities.append(
            {
                "id": activity_id,
                "public_id": uuid_from(rng),
                "cohort_id": cohort_id,
                "date": day,
                "space": space,
                "title": title,
                "duration_min": minutes,
            }
        )
        links.extend(
            {"collectiveactivity_id": activity_id, "person_id": person_id}
            for person_id in present_by_day.get((cohort_id, day), [])
        )
    insert_rows(ctx, CollectiveActivity, activities)
    insert_rows(ctx, CollectiveActivity.participants.through, links)

    # Each entry belongs to its enrollment (security.md row 17): the ids the insert gave.
    enrollment_ids = {
        (cohort_id, person_id): pk
        for pk, cohort_id, person_id in Enrollment.objects.filter(
            cohort_id__in=days_by_cohort
        ).values_list("pk", "cohort_id", "person_id")
    }
    insert_rows(ctx, FollowUp, _followups(rng, enrollments, referent, enrollment_ids))
    _events(ctx, rng, site, plans, enrollments)
    _testimonials(ctx, site, enrollments)


def _person(ctx, rng, site, pk, entry, referent) -> dict:
    # 8 in 10 are 35 to 50 at entry (the seed).
    if rng.random() < 0.8:
        age = rng.randint(35, 50)
    else:
        age = rng.choice([*range(22, 35), *range(51, 63)])
    birth = entry - datetime.timedelta(days=age * 365 + age // 4 + rng.randrange(1, 360))
    return make_person(
        ctx,
        rng,
        pk=pk,
        ref=f"scale-uv-{pk:07d}",
        site_id=site.pk,
        birth=birth,
        year_only=rng.random() < 0.03,
        hood_id=pick_neighbourhood(ctx, rng, centre=0.3, qpv=0.35) if rng.random() < 0.92 else None,
        education=rng.choice(EDUCATION),
        status=ProfessionalStatus.SANS_EMPLOI
        if rng.random() < 0.9
        else ProfessionalStatus.NON_COMMUNIQUE,
        creator_id=referent.pk,
        france_travail=rng.random() < 0.75,
    )


def _enrollment(ctx, rng, rng_6m, plan, person_id, entry) -> dict:
    start, end = plan["start"], plan["end"]
    income = rng.choice(LOW_INCOMES) if rng.random() < 0.8 else rng.choice(HIGHER_INCOMES)
    confidence_entry = rng.randint(2, 6) if rng.random() < 0.9 else None
    outcome = _choice(rng, OUTCOME_WEIGHTS)
    dropout_reason, confidence_exit = "", None
    if outcome == ExitOutcome.ABANDON:
        dropout_reason = _choice(rng, DROPOUT_WEIGHTS)
        exit_date = entry + datetime.timedelta(days=rng.randrange(max((end - entry).days - 7, 1)))
    else:
        exit_date = end
        if confidence_entry and rng.random() < 0.9:
            confidence_exit = min(10, confidence_entry + rng.choice([-1, 0, 1, 2, 2, 3, 4]))
    followup_date, situation = None, ""
    due = add_months(exit_date, 3)
    if due <= ctx.last_day and rng.random() < 0.85:
        followup_date = min(due + datetime.timedelta(days=rng.randint(0, 10)), ctx.last_day)
        situation = rng.choices(SITUATIONS, weights=SITUATION_WEIGHTS)[0]
    # Three in four of those followed at 3 months are reached again at 6 months, most in the
    # same situation.
    followup_6m_date, situation_6m = None, ""
    due_6m = add_months(exit_date, 6)
    if followup_date and due_6m <= ctx.last_day and rng_6m.random() < 0.75:
        followup_6m_date = max(
            min(due_6m + datetime.timedelta(days=rng_6m.randint(0, 10)), ctx.last_day),
            followup_date,
        )
        situation_6m = (
            situation
            if rng_6m.random() < 0.7
            else rng_6m.choices(SITUATIONS, weights=SITUATION_WEIGHTS)[0]
        )
    return {
        "public_id": uuid_from(rng),
        "cohort_id": plan["pk"],
        "person_id": person_id,
        "entry_date": entry,
        "referral_source": rng.choices(REFERRALS, weights=REFERRAL_WEIGHTS)[0],
        "referral_date": start - datetime.timedelta(days=rng.randrange(10, 45)),
        "referral_adviser": rng.choice(["Mme Bernard", "M. Lopez", "Mme Nguyen", "M. Faure"]),
        "minimum_income": rng.choices(INCOMES, weights=INCOME_WEIGHTS)[0],
        "monthly_income_eur": income if rng.random() < 0.95 else None,
        "household": _choice(rng, HOUSEHOLD_WEIGHTS) if rng.random() < 0.97 else "",
        "barriers": sorted(rng.sample(BARRIERS, rng.randint(1, 4))),
        "domestic_violence": rng.choices([True, False, None], weights=[9, 79, 12])[0],
        "health_problem": rng.choices([True, False, None], weights=[25, 65, 10])[0],
        "confidence_entry": confidence_entry,
        "confidence_exit": confidence_exit,
        "exit_date": exit_date,
        "exit_outcome": outcome,
        "dropout_reason": dropout_reason,
        "followup_3m_date": followup_date,
        "followup_3m_situation": situation,
        "followup_6m_date": followup_6m_date,
        "followup_6m_situation": situation_6m,
    }


def _followups(rng, enrollments, referent, enrollment_ids):
    for enrollment in enrollments:
        if rng.random() >= 0.7:  # 70 % have an individual follow-up (the seed)
            continue
        entry = enrollment["entry_date"]
        span = (enrollment["exit_date"] - entry).days + 1
        for _ in range(rng.randint(1, 4)):
            kind = rng.choice(FOLLOWUP_KINDS)
            yield {
                "public_id": uuid_from(rng),
                "person_id": enrollment["person_id"],
                "enrollment_id": enrollment_ids[enrollment["cohort_id"], enrollment["person_id"]],
                "date": entry + datetime.timedelta(days=rng.randrange(span)),
                "kind": kind,
                "orientation": rng.choice(ORIENTATIONS),
                "note": FOLLOWUP_NOTES[kind],
                "author_id": referent.pk,
            }


def _events(ctx, rng, site, plans, enrollments) -> None:
    ends = {plan["pk"]: plan["end"] for plan in plans}
    plans_by_date = [
        (datetime.date(ctx.year, 3, 19), EventKind.COMITE_USAGERS, "Comité d'usagers", 8),
        (datetime.date(ctx.year, 4, 25), EventKind.ALUMNI, "Rencontre des anciens", None),
        (datetime.date(ctx.year, 10, 15), EventKind.COMITE_USAGERS, "Comité d'usagers", 8),
        (datetime.date(ctx.year, 12, 10), EventKind.CO_EVALUATION, "Co-évaluation", 12),
    ]
    events, links = [], []
    Through = Event.attendees.through
    ids = ctx.ids(Event, len(plans_by_date))
    for (day, kind, title, size), pk in zip(plans_by_date, ids, strict=True):
        former = [e["person_id"] for e in enrollments if ends[e["cohort_id"]] < day]
        if not former:
            continue
        # "Près de 80 anciens participants" of 137 came to the alumni gathering.
        size = size or round(len(former) * 0.55)
        events.append(
            Event(
                pk=pk,
                public_id=uuid_from(rng),
                site_id=site.pk,
                date=day,
                kind=kind,
                title=f"{title} {ctx.year}",
            )
        )
        links.extend(
            Through(event_id=pk, person_id=person_id)
            for person_id in rng.sample(former, min(size, len(former)))
        )
    bulk_insert(ctx, Event, events)
    bulk_insert(ctx, Through, links)


def _testimonials(ctx, site, enrollments) -> None:
    positive = [e for e in enrollments if e["exit_outcome"] in ExitOutcome.positive()]
    bulk_insert(
        ctx,
        Testimonial,
        (
            Testimonial(
                person_id=enrollment["person_id"],
                date=enrollment["exit_date"],
                quote=quote,
                display_name=name,
                publication_consent=consent,
            )
            for enrollment, (name, quote, consent) in zip(positive, QUOTES, strict=False)
        ),
    )
