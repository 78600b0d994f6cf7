"""Demo data of Unis'Vers: a realistic year 2026 at the CEIS site.

Seven cohorts of 15–20 job seekers (one running at the end of November, one about to start),
their registers, collective activities, individual follow-up, exits of every outcome, 3-month
situations, an alumni gathering and other events, testimonials and the year's targets.

Deterministic (fixed dates and seeds) and idempotent: every record is keyed by a `demo-uv-…`
ref (or by its cohort), and a cohort that already exists is left as it is. Volume goes through
`bulk_create`, which skips `save()`: the values below respect the model and database rules.
"""

import datetime
import random

from django.db import transaction
from django.utils import timezone
from faker import Faker

from ceis.choices import EducationLevel, ProfessionalStatus, Role, Sex
from ceis.models import Neighbourhood, Person

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

# The demo's "today": registers are taken up to this day (minus a few left for the to-do list).
DEMO_TODAY = datetime.date(2026, 11, 27)
D = datetime.date

# (ref, name, start, end, participants, outing day, day removed by hand)
COHORTS = [
    (
        "demo-uv-c01",
        "Promotion janvier 2026",
        D(2026, 1, 12),
        D(2026, 2, 20),
        18,
        D(2026, 2, 4),
        None,
    ),
    (
        "demo-uv-c02",
        "Promotion mars 2026",
        D(2026, 3, 2),
        D(2026, 4, 10),
        17,
        D(2026, 3, 25),
        D(2026, 3, 19),
    ),
    ("demo-uv-c03", "Promotion mai 2026", D(2026, 4, 27), D(2026, 6, 5), 19, D(2026, 5, 20), None),
    ("demo-uv-c04", "Promotion été 2026", D(2026, 6, 8), D(2026, 7, 17), 16, None, None),
    (
        "demo-uv-c05",
        "Promotion rentrée 2026",
        D(2026, 9, 7),
        D(2026, 10, 16),
        20,
        D(2026, 9, 30),
        None,
    ),
    (
        "demo-uv-c06",
        "Promotion automne 2026",
        D(2026, 10, 12),
        D(2026, 11, 20),
        18,
        None,
        D(2026, 11, 2),
    ),
    (
        "demo-uv-c07",
        "Promotion de fin d'année 2026",
        D(2026, 11, 16),
        D(2027, 1, 8),
        17,
        None,
        None,
    ),
]
# Cohort 6 has just ended: some exits are still to record. Cohort 7 is running.
EXITS_LEFT_FOR_TODO = {"demo-uv-c06": 5}
REGISTERS_LEFT_FOR_TODO = {"demo-uv-c07": [D(2026, 11, 24)]}

OUTCOME_WEIGHTS = [
    (ExitOutcome.EMPLOI_DURABLE, 16),
    (ExitOutcome.EMPLOI_TRANSITION, 22),
    (ExitOutcome.IAE, 10),
    (ExitOutcome.FORMATION, 22),
    (ExitOutcome.PROJET_PROFESSIONNEL, 14),
    (ExitOutcome.SANS_SOLUTION, 4),
    (ExitOutcome.ABANDON, 12),
]
ACTIVITIES = [
    (Space.MULTIMEDIA, "Créer son adresse e-mail et son espace France Travail", 180),
    (Space.ACCES_DROITS, "Atelier droits sociaux avec la CAF", 150),
    (Space.EMPLOI_FORMATION, "Simulation d'entretien d'embauche", 180),
    (Space.MOBILITE, "Se déplacer en tramway et à vélo", 120),
    (Space.CULTURE_SPORT_SANTE, "Visite du centre-ville – Architectures Vives", 180),
    (Space.BUDGET, "Construire son budget mensuel", 150),
    (Space.EMPLOI_FORMATION, "Visite d'entreprise d'insertion", 180),
    (Space.CULTURE_SPORT_SANTE, "Marche santé au parc Montcalm", 120),
    (Space.MULTIMEDIA, "CV en ligne et lettre de motivation", 180),
    (Space.ACCES_DROITS, "Permanence d'accès aux droits", 120),
]
FOLLOWUP_NOTES = {
    FollowupKind.ENTRETIEN: "Point d'étape sur le projet professionnel.",
    FollowupKind.ACCES_DROITS: "Dossier de complémentaire santé solidaire déposé.",
    FollowupKind.ORIENTATION_SANTE: "Orientation vers un bilan de santé.",
    FollowupKind.LOGEMENT: "Demande de logement social mise à jour.",
    FollowupKind.BUDGET: "Plan de budget établi ensemble.",
    FollowupKind.EMPLOI: "Candidatures envoyées, relance prévue.",
    FollowupKind.AUTRE: "Échange sur les modes de garde.",
}
ORIENTATIONS = ["", "", "Mission locale", "CMP", "ADIL 34", "Restos du cœur", "PLIE", "CAF"]
QUOTES = [
    ("Nadia", "Ici, j'ai repris confiance en moi. Aujourd'hui j'ai un contrat.", True),
    ("Karim", "Le groupe m'a donné envie de me lever le matin.", True),
    ("Sylvie", "J'ai appris à faire mes démarches toute seule sur internet.", True),
    ("Mehdi", "On m'a aidé pour le logement, après j'ai pu penser au travail.", False),
    ("Josiane", "La visite d'entreprise m'a ouvert les yeux sur un métier.", True),
    ("Alain", "Je conseille Unis'Vers à tous ceux qui sont perdus.", False),
]


def seed(*, core: dict, stdout=None) -> None:
    site = core["sites"]["CEIS"]
    referent = core["users"][Role.TRAVAILLEUR_SOCIAL]
    created = _seed(site=site, other_site=core["sites"].get("MPT-RICOME"), referent=referent)
    if stdout is not None:
        stdout.write(
            f"Unis'Vers : {created['cohorts']} promotion(s), {created['enrollments']} "
            f"inscription(s), {created['attendance']} présence(s) créées."
        )


@transaction.atomic
def _seed(*, site, other_site, referent) -> dict:
    rng = random.Random(2026)
    fake = Faker("fr_FR")
    fake.seed_instance(2026)
    total = sum(row[4] for row in COHORTS)
    persons = _persons(site=site, referent=referent, count=total, rng=rng, fake=fake)
    created = {"cohorts": 0, "enrollments": 0, "attendance": 0}
    offset = 0
    for index, row in enumerate(COHORTS):
        ref, size = row[0], row[4]
        group = persons[offset : offset + size]
        offset += size
        # Each cohort draws from its own seeded generator so that skipping one keeps the others.
        cohort_rng = random.Random(f"unisvers-{ref}")
        if Cohort.objects.filter(ref=ref).exists():
            continue
        counts = _cohort(row, index, group, site, referent, cohort_rng)
        created["cohorts"] += 1
        created["enrollments"] += counts["enrollments"]
        created["attendance"] += counts["attendance"]
    _events(site=site, rng=random.Random("unisvers-events"))
    _testimonials(site=site)
    Target.objects.get_or_create(site=site, year=2026, defaults={"persons": 130})
    if other_site is not None:
        Target.objects.get_or_create(site=other_site, year=2026, defaults={"persons": 40})
    return created


def _persons(*, site, referent, count, rng, fake) -> list[Person]:
    """The job seekers of the year, `demo-uv-0001`…: adults of working age, most without a job."""
    existing = {p.ref: p for p in Person.objects.filter(ref__startswith="demo-uv-0")}
    new = []
    neighbourhoods = list(Neighbourhood.objects.order_by("code"))
    for index in range(1, count + 1):
        sex = rng.choice([Sex.F, Sex.F, Sex.M, Sex.M, Sex.X])
        first = fake.first_name_female() if sex == Sex.F else fake.first_name_male()
        last = fake.last_name()
        # Ages cluster between 35 and 50, as in the seed's bilan.
        birth = D(2026 - rng.choice([24, 29, 33, 36, 38, 41, 43, 45, 47, 49, 52, 57]), 1, 1)
        birth += datetime.timedelta(days=rng.randrange(365))
        hood = rng.choice(neighbourhoods) if neighbourhoods and rng.random() < 0.9 else None
        education = rng.choice(
            [
                EducationLevel.AUCUN,
                EducationLevel.CAP_BEP,
                EducationLevel.BREVET,
                EducationLevel.BAC_PRO_TECHNO,
                EducationLevel.BAC_GENERAL,
                "",
            ]
        )
        ref = f"demo-uv-{index:04d}"
        if ref in existing:
            continue
        person = Person(
            ref=ref,
            site=site,
            last_name=last,
            first_name=first,
            birth_date=birth,
            sex=sex,
            postal_code="34000" if hood and hood.centre_ville else "34070",
            commune="Montpellier",
            neighbourhood=hood,
            education_level=education,
            status=ProfessionalStatus.SANS_EMPLOI,
            france_travail_id=f"{rng.randrange(10**6, 10**7)}X",
            phone=f"06 {rng.randrange(10, 99)} {rng.randrange(10, 99)} {rng.randrange(10, 99)} "
            f"{rng.randrange(10, 99)}",
            created_by=referent,
        )
        person.refresh_keys()
        new.append(person)
    Person.objects.bulk_create(new)
    by_ref = {p.ref: p for p in Person.objects.filter(ref__startswith="demo-uv-0")}
    return [by_ref[f"demo-uv-{index:04d}"] for index in range(1, count + 1)]


def _cohort(row, index, persons, site, referent, rng) -> dict:
    ref, name, start, end, _size, outing, removed = row
    cohort = Cohort(
        ref=ref,
        site=site,
        name=name,
        start_date=start,
        end_date=end,
        weekdays=["mon", "tue", "thu"],
        capacity=20,
    )
    cohort.full_clean()
    cohort.save()
    cohort.referents.set([referent])
    dates = [d for d in meeting_dates(start, end, cohort.weekdays) if d != removed]
    if outing:
        dates = sorted({*dates, outing})
    skipped = set(REGISTERS_LEFT_FOR_TODO.get(ref, []))
    now = timezone.now()
    MeetingDay.objects.bulk_create(
        MeetingDay(
            cohort=cohort,
            date=d,
            label="Sortie" if d == outing else "",
            register_taken_at=now if d <= DEMO_TODAY and d not in skipped else None,
            register_taken_by=referent if d <= DEMO_TODAY and d not in skipped else None,
        )
        for d in dates
    )

    enrollments = []
    exits_left = EXITS_LEFT_FOR_TODO.get(ref, 0)
    ended = end <= DEMO_TODAY
    for position, person in enumerate(persons):
        # A few latecomers join in the first week.
        entry = (
            start if rng.random() < 0.85 else start + datetime.timedelta(days=rng.choice([1, 3]))
        )
        enrollment = Enrollment(
            cohort=cohort,
            person=person,
            entry_date=entry,
            referral_source=rng.choices(ReferralSource.values, weights=[70, 8, 8, 5, 6, 3])[0],
            referral_date=start - datetime.timedelta(days=rng.randrange(10, 45)),
            referral_adviser=rng.choice(["Mme Bernard", "M. Lopez", "Mme Nguyen", "M. Faure"]),
            minimum_income=rng.choices(MinimumIncome.values, weights=[55, 12, 6, 7, 20])[0],
            monthly_income_eur=rng.choice([0, 350, 420, 535, 560, 610, 720, 900, 1100]),
            household=rng.choices(Household.values, weights=[42, 20, 8, 14, 10, 6])[0],
            barriers=sorted(rng.sample(Barrier.values, rng.randint(1, 4))),
            domestic_violence=rng.choices([True, False, None], weights=[8, 80, 12])[0],
            health_problem=rng.choices([True, False, None], weights=[25, 65, 10])[0],
            confidence_entry=rng.randint(2, 6),
        )
        if ended and position >= exits_left:
            _set_exit(enrollment, cohort, rng, forced=_forced_outcome(index, position))
        elif not ended and rng.random() < 0.08 and start < DEMO_TODAY - datetime.timedelta(7):
            # An early dropout in the running cohort.
            enrollment.exit_date = start + datetime.timedelta(days=rng.randint(3, 7))
            enrollment.exit_outcome = ExitOutcome.ABANDON
            enrollment.dropout_reason = rng.choice(DropoutReason.values)
        enrollments.append(enrollment)
    Enrollment.objects.bulk_create(enrollments)

    attendance = []
    for enrollment in enrollments:
        for d in dates:
            if d > DEMO_TODAY or d in skipped or not enrollment.is_present_on(d):
                continue
            status = rng.choices(AttendanceStatus.values, weights=[86, 8, 6])[0]
            attendance.append(
                Attendance(cohort=cohort, person=enrollment.person, date=d, status=status)
            )
    Attendance.objects.bulk_create(attendance, batch_size=1000)

    _activities(cohort, dates, enrollments, rng)
    _followups(cohort, enrollments, referent, rng)
    return {"enrollments": len(enrollments), "attendance": len(attendance)}


def _forced_outcome(cohort_index, position):
    """The first cohort shows every outcome at least once (dropout included)."""
    if cohort_index == 0 and position < len(ExitOutcome.values):
        return ExitOutcome.values[position]
    return None


def _set_exit(enrollment, cohort, rng, forced=None):
    outcome = (
        forced
        or rng.choices(
            [code for code, _ in OUTCOME_WEIGHTS], weights=[w for _, w in OUTCOME_WEIGHTS]
        )[0]
    )
    enrollment.exit_outcome = outcome
    if outcome == ExitOutcome.ABANDON:
        enrollment.dropout_reason = rng.choice(DropoutReason.values)
        span = max((cohort.end_date - enrollment.entry_date).days - 7, 1)
        enrollment.exit_date = enrollment.entry_date + datetime.timedelta(days=rng.randrange(span))
    else:
        enrollment.exit_date = cohort.end_date
        enrollment.confidence_exit = min(10, (enrollment.confidence_entry or 4) + rng.randint(0, 4))
    due = add_months(enrollment.exit_date, 3)
    if due <= DEMO_TODAY and rng.random() < 0.85:
        enrollment.followup_3m_date = due + datetime.timedelta(days=rng.randint(0, 10))
        if enrollment.followup_3m_date > DEMO_TODAY:
            enrollment.followup_3m_date = DEMO_TODAY
        enrollment.followup_3m_situation = rng.choices(
            FollowupSituation.values, weights=[20, 20, 8, 18, 10, 12, 12]
        )[0]
        _set_followup_6m(enrollment)


def _set_followup_6m(enrollment):
    """The 6-month situation of most exits old enough, drawn from its own generator (seeded by
    the exit) so that the rest of the demo stays what it was before this situation existed."""
    due = add_months(enrollment.exit_date, 6)
    rng = random.Random(f"6m-{enrollment.exit_date}-{enrollment.person.last_name}")
    if due > DEMO_TODAY or rng.random() >= 0.75:
        return
    enrollment.followup_6m_date = max(
        min(due + datetime.timedelta(days=rng.randint(0, 10)), DEMO_TODAY),
        enrollment.followup_3m_date,
    )
    # Most keep the 3-month situation; some move on.
    enrollment.followup_6m_situation = (
        enrollment.followup_3m_situation
        if rng.random() < 0.7
        else rng.choices(FollowupSituation.values, weights=[24, 18, 8, 14, 8, 14, 14])[0]
    )


def _activities(cohort, dates, enrollments, rng):
    held = [d for d in dates if d <= DEMO_TODAY]
    activities = []
    for position, d in enumerate(held):
        space, title, minutes = ACTIVITIES[position % len(ACTIVITIES)]
        activities.append(
            CollectiveActivity(
                cohort=cohort, date=d, space=space, title=title, duration_min=minutes
            )
        )
    CollectiveActivity.objects.bulk_create(activities)
    Through = CollectiveActivity.participants.through
    links = []
    for activity in CollectiveActivity.objects.filter(cohort=cohort):
        for enrollment in enrollments:
            if enrollment.is_present_on(activity.date) and rng.random() < 0.85:
                links.append(
                    Through(collectiveactivity_id=activity.pk, person_id=enrollment.person_id)
                )
    Through.objects.bulk_create(links, batch_size=1000)


def _followups(cohort, enrollments, referent, rng):
    followups = []
    for enrollment in enrollments:
        last_day = min(enrollment.exit_date or cohort.end_date, DEMO_TODAY)
        span = (last_day - enrollment.entry_date).days
        for _ in range(rng.randint(1, 4) if span > 0 else 0):
            kind = rng.choice(FollowupKind.values)
            # The free-text orientation is drawn, so that every later demo record stays as it
            # was, and not written: an orientation names a partner now (coordination's demo).
            rng.choice(ORIENTATIONS)
            followups.append(
                FollowUp(
                    person=enrollment.person,
                    enrollment=enrollment,
                    date=enrollment.entry_date + datetime.timedelta(days=rng.randrange(span)),
                    kind=kind,
                    note=FOLLOWUP_NOTES[kind],
                    author=referent,
                )
            )
    FollowUp.objects.bulk_create(followups)


def _events(*, site, rng):
    former = list(
        Person.objects.filter(
            unisvers_enrollments__cohort__site=site,
            unisvers_enrollments__cohort__end_date__lt=D(2026, 10, 3),
        )
        .distinct()
        .order_by("ref")
    )
    current = list(
        Person.objects.filter(unisvers_enrollments__cohort__ref="demo-uv-c07").order_by("ref")
    )
    plans = [
        ("demo-uv-e01", D(2026, 6, 18), EventKind.COMITE_USAGERS, "Comité d'usagers de juin", 8),
        ("demo-uv-e02", D(2026, 10, 3), EventKind.ALUMNI, "Grande rencontre des anciens", 62),
        ("demo-uv-e03", D(2026, 11, 26), EventKind.CO_EVALUATION, "Co-évaluation collective", 12),
    ]
    for ref, date, kind, title, size in plans:
        event, created = Event.objects.get_or_create(
            ref=ref, defaults={"site": site, "date": date, "kind": kind, "title": title}
        )
        if not created:
            continue
        pool = former if kind != EventKind.CO_EVALUATION else former[-20:] + current
        event.attendees.set(rng.sample(pool, min(size, len(pool))))


def _testimonials(*, site):
    persons = list(
        Person.objects.filter(
            unisvers_enrollments__cohort__site=site,
            unisvers_enrollments__exit_outcome__in=ExitOutcome.positive(),
        )
        .distinct()
        .order_by("ref")[: len(QUOTES)]
    )
    for index, (person, (name, quote, consent)) in enumerate(zip(persons, QUOTES, strict=False)):
        Testimonial.objects.get_or_create(
            ref=f"demo-uv-t{index + 1:02d}",
            defaults={
                "person": person,
                "date": D(2026, 10, 3),
                "quote": quote,
                "display_name": name,
                "publication_consent": consent,
            },
        )
