"""Demo data of Vill@ges connectés: six months of workshops, helps, visits and assessments.

Called by `seed_demo` after the core. Everything has a stable key (refs `demo-vc-…`, one
registration per session and person) and only what is missing is created, in bulk: running it
twice creates nothing new. Dates are relative to today, so the demo always shows "the last six
months" and the coming weeks.
"""

import datetime
import random

from django.db import transaction
from django.utils import timezone
from faker import Faker

from ceis.bounds import add_years
from ceis.choices import EducationLevel, ProfessionalStatus, Role, Sex
from ceis.models import Person

from .assessment import QUESTIONNAIRE_VERSION, QUESTIONS, classify
from .choices import (
    AnonymousAgeBand,
    AnonymousSex,
    Attendance,
    Autonomy,
    DigitalTheme,
    Orientation,
    Procedure,
    RegistrationStatus,
    SkillDomain,
    WorkshopFormat,
    WorkshopLevel,
)
from .models import (
    AnonymousAttendance,
    Assessment,
    IndividualHelp,
    Registration,
    Session,
    Visit,
    Workshop,
)

NEW_PERSONS = 1250
DAYS_BACK = 182
WEEKS_AHEAD = 4

# (ref, title, theme, format, level, partner)
WORKSHOPS = [
    ("demo-vc-w01", "Premiers pas sur le smartphone", DigitalTheme.PRENDRE_EN_MAIN_DU_MATERIEL,
     WorkshopFormat.FORMATION, WorkshopLevel.DEBUTANT, ""),
    ("demo-vc-w02", "Créer et utiliser son adresse e-mail", DigitalTheme.EMAIL,
     WorkshopFormat.FORMATION, WorkshopLevel.DEBUTANT, ""),
    ("demo-vc-w03", "Démarches en ligne : CAF, Ameli, impôts",
     DigitalTheme.AIDE_AUX_DEMARCHES_ADMINISTRATIVES, WorkshopFormat.FORMATION,
     WorkshopLevel.INTERMEDIAIRE, ""),
    ("demo-vc-w04", "Arnaques en ligne : les reconnaître", DigitalTheme.SECURITE_NUMERIQUE,
     WorkshopFormat.SENSIBILISATION, WorkshopLevel.DEBUTANT, ""),
    ("demo-vc-w05", "Fabrique numérique en famille", DigitalTheme.CREER_AVEC_LE_NUMERIQUE,
     WorkshopFormat.ATELIER_LUDIQUE, WorkshopLevel.DEBUTANT, "Les Petits Débrouillards"),
    ("demo-vc-w06", "Chercher un emploi en ligne", DigitalTheme.INSERTION_PROFESSIONNELLE,
     WorkshopFormat.FORMATION, WorkshopLevel.INTERMEDIAIRE, ""),
    ("demo-vc-w07", "L'intelligence artificielle au quotidien",
     DigitalTheme.INTELLIGENCE_ARTIFICIELLE, WorkshopFormat.SENSIBILISATION,
     WorkshopLevel.AVANCE, ""),
]  # fmt: skip

# Weekly slots: (site code, weekday 0=Monday, hour, capacity, workshop refs in rotation)
SLOTS = [
    ("CEIS", 1, 14, 10, ["demo-vc-w01", "demo-vc-w02", "demo-vc-w04"]),
    ("CEIS", 3, 10, 8, ["demo-vc-w03", "demo-vc-w06", "demo-vc-w07"]),
    ("MPT-RICOME", 2, 14, 12, ["demo-vc-w05", "demo-vc-w01", "demo-vc-w03"]),
]

PROCEDURE_WEIGHTS = {
    Procedure.FAMILLE_SCOLARITE: 20,
    Procedure.TRAVAIL_FORMATION: 18,
    Procedure.SOCIAL_SANTE: 16,
    Procedure.ARGENT_IMPOTS: 14,
    Procedure.LOGEMENT: 10,
    Procedure.PAPIERS_ELECTIONS_CITOYENNETE: 9,
    Procedure.TRANSPORTS_MOBILITE: 5,
    Procedure.ETRANGERS_EUROPE: 4,
    Procedure.JUSTICE: 2,
    Procedure.LOISIRS_SPORTS_CULTURE: 1,
    Procedure.ASSOCIATIONS: 1,
}


@transaction.atomic
def seed(*, core, stdout=None, rng_seed: int = 2019) -> dict:
    rng = random.Random(rng_seed)
    today = timezone.localdate()
    first_day = today - datetime.timedelta(days=DAYS_BACK)
    users = core["users"]
    mediator, volunteer = users[Role.MEDIATEUR_NUMERIQUE], users[Role.VOLONTAIRE]
    sites = core["sites"]

    workshops = _seed_workshops()
    _seed_persons(core, rng_seed)
    persons = list(
        Person.objects.filter(ref__startswith="demo-").order_by("ref").only("id", "site_id")
    )
    sessions, new_session_ids = _seed_sessions(sites, workshops, mediator, first_day, today)
    created = {
        "inscriptions": _seed_registrations(rng, sessions, new_session_ids, persons, today),
    }
    contacts = _contact_dates(rng, persons, first_day, today)
    created["accompagnements"] = _seed_helps(rng, contacts["help"], sites, mediator)
    created["visites"] = _seed_visits(rng, contacts["visit"], sites, volunteer, first_day, today)
    created["diagnostics"] = _seed_assessments(rng, contacts["first"], sites, mediator, today)
    # A generator of its own: the draws of the other records stay what they were.
    created["groupes de participants anonymes"] = _seed_anonymous(
        random.Random(rng_seed + 7), sessions, new_session_ids, today
    )
    if stdout is not None:
        stdout.write(
            "Vill@ges connectés : "
            + ", ".join(f"{count} {name}" for name, count in created.items())
            + f" créés ; {len(sessions)} séances au total."
        )
    return created


def _seed_anonymous(rng, sessions, new_session_ids, today) -> int:
    """The past playful workshops also had people who came without giving their name."""
    rows = []
    groups = [(band, sex) for band in AnonymousAgeBand.values for sex in AnonymousSex.values]
    playful = set(
        Workshop.objects.filter(format=WorkshopFormat.ATELIER_LUDIQUE).values_list("pk", flat=True)
    )
    for session in sessions:
        if session.pk not in new_session_ids or session.workshop_id not in playful:
            continue
        if timezone.localtime(session.start).date() >= today:
            continue
        for band, sex in rng.sample(groups, rng.randint(1, 3)):
            rows.append(
                AnonymousAttendance(
                    session_id=session.pk, age_band=band, sex=sex, count=rng.randint(1, 5)
                )
            )
    AnonymousAttendance.objects.bulk_create(rows)
    return len(rows)


def _seed_workshops() -> dict[str, Workshop]:
    existing = {w.ref: w for w in Workshop.objects.filter(ref__startswith="demo-vc-w")}
    missing = [
        Workshop(ref=ref, title=title, theme=theme, format=fmt, level=level, partner=partner)
        for ref, title, theme, fmt, level, partner in WORKSHOPS
        if ref not in existing
    ]
    Workshop.objects.bulk_create(missing)
    return {w.ref: w for w in Workshop.objects.filter(ref__startswith="demo-vc-w")}


def _seed_persons(core, rng_seed):
    """People reached only by Vill@ges (older, more often in illectronisme)."""
    existing = set(Person.objects.filter(ref__startswith="demo-vc-").values_list("ref", flat=True))
    fake = Faker("fr_FR")
    fake.seed_instance(rng_seed + 1)
    rng = random.Random(rng_seed + 1)
    hoods = core["neighbourhoods"]
    sites = [core["sites"]["CEIS"]] * 3 + [core["sites"]["MPT-RICOME"]]
    creator = core["users"][Role.MEDIATEUR_NUMERIQUE]
    new = []
    for index in range(1, NEW_PERSONS + 1):
        # Every value is drawn even for existing refs, so a ref always gets the same person.
        sex = rng.choice([Sex.F, Sex.F, Sex.M, Sex.M, Sex.X, ""])
        first = fake.first_name_female() if sex == Sex.F else fake.first_name_male()
        last = fake.last_name()
        birth = fake.date_of_birth(minimum_age=16, maximum_age=92)
        if rng.random() < 0.45:  # the public of digital mediation is older
            # add_years: a 29 February drawn by Faker lands on the 28th of a common year.
            birth = add_years(birth, rng.randint(1935, 1965) - birth.year)
        year_only = rng.random() < 0.1
        hood = rng.choice(hoods) if rng.random() < 0.8 else None
        phone = fake.phone_number() if rng.random() < 0.7 else ""
        education = rng.choice([*EducationLevel.values[:5], "", ""])
        status = rng.choice(ProfessionalStatus.values)
        site = rng.choice(sites)
        ref = f"demo-vc-{index:04d}"
        if ref in existing:
            continue
        person = Person(
            ref=ref,
            site=site,
            last_name=last,
            first_name=first,
            birth_date=None if year_only else birth,
            birth_year=birth.year if year_only else None,
            sex=sex,
            postal_code="34000" if hood and hood.centre_ville else "34070",
            commune="Montpellier",
            neighbourhood=hood,
            education_level=education,
            status=status,
            phone=phone,
            created_by=creator,
        )
        person.refresh_keys()
        new.append(person)
    Person.objects.bulk_create(new, batch_size=500)


def _seed_sessions(sites, workshops, mediator, first_day, today):
    tz = timezone.get_current_timezone()
    last_day = today + datetime.timedelta(weeks=WEEKS_AHEAD)
    existing = set(
        Session.objects.filter(ref__startswith="demo-vc-s").values_list("ref", flat=True)
    )
    new = []
    for slot_index, (site_code, weekday, hour, capacity, rotation) in enumerate(SLOTS):
        day = first_day + datetime.timedelta(days=(weekday - first_day.weekday()) % 7)
        week = 0
        while day <= last_day:
            ref = f"demo-vc-s{slot_index}-{day:%Y%m%d}"
            if ref not in existing:
                new.append(
                    Session(
                        ref=ref,
                        workshop=workshops[rotation[week % len(rotation)]],
                        site=sites[site_code],
                        start=datetime.datetime.combine(day, datetime.time(hour), tzinfo=tz),
                        duration_min=120,
                        capacity=capacity,
                        facilitator=mediator.get_full_name(),
                    )
                )
            day += datetime.timedelta(days=7)
            week += 1
    Session.objects.bulk_create(new)
    new_refs = {session.ref for session in new}
    sessions = list(Session.objects.filter(ref__startswith="demo-vc-s").order_by("ref"))
    return sessions, {s.pk for s in sessions if s.ref in new_refs}


def _seed_registrations(rng, sessions, new_session_ids, persons, today):
    """About one session in five is over-subscribed and keeps a waiting list."""
    regulars = persons[: len(persons) // 2]
    now = timezone.now()
    new = []
    for session in sessions:
        local_day = timezone.localtime(session.start).date()
        demand = session.capacity + (
            rng.randint(1, 4) if rng.random() < 0.2 else -rng.randint(0, 4)
        )
        if local_day > today:
            demand = max(1, demand - rng.randint(0, session.capacity // 2))
        chosen = rng.sample(regulars, demand)
        past = local_day < today
        rows = []
        for rank, person in enumerate(chosen):
            status = (
                RegistrationStatus.INSCRIT
                if rank < session.capacity
                else RegistrationStatus.LISTE_ATTENTE
            )
            if (
                status == RegistrationStatus.INSCRIT
                and rng.random() < 0.05
                and demand <= session.capacity
            ):
                status = RegistrationStatus.ANNULE
            attendance = ""
            if past and status == RegistrationStatus.INSCRIT:
                attendance = Attendance.PRESENT if rng.random() < 0.82 else Attendance.ABSENT
            registered_at = min(
                session.start - datetime.timedelta(days=rng.randint(1, 20), minutes=rank), now
            )
            rows.append(
                Registration(
                    session_id=session.pk,
                    person_id=person.pk,
                    status=status,
                    attendance=attendance,
                    registered_at=registered_at,
                )
            )
        if session.pk in new_session_ids:
            new.extend(rows)
    Registration.objects.bulk_create(new, batch_size=1000)
    return len(new)


def _contact_dates(rng, persons, first_day, today):
    """Who is helped, who visits, and each person's first contact (for assessments)."""
    span = (today - first_day).days
    helps, visits, first = [], [], {}
    for person in persons:
        day = first_day + datetime.timedelta(days=rng.randint(0, span))
        kind = rng.random()
        if kind < 0.55:
            for extra in range(rng.choice([1, 1, 1, 2, 2, 3, 4])):
                help_day = day + datetime.timedelta(days=extra * rng.randint(7, 40))
                if help_day <= today:
                    helps.append((person, help_day))
        if kind >= 0.45 or rng.random() < 0.2:
            for extra in range(rng.choice([1, 1, 2, 3])):
                visit_day = day + datetime.timedelta(days=extra * rng.randint(3, 30))
                if visit_day <= today:
                    visits.append((person, visit_day))
        first[person.pk] = (person, day)
    return {"help": helps, "visit": visits, "first": list(first.values())}


def _weighted(rng, weights: dict, k: int):
    return sorted(set(rng.choices(list(weights), weights=list(weights.values()), k=k)))


def _seed_helps(rng, contacts, sites, mediator):
    existing = set(
        IndividualHelp.objects.filter(ref__startswith="demo-vc-h").values_list("ref", flat=True)
    )
    site_ids = {site.pk for site in sites.values()}
    new = []
    for index, (person, day) in enumerate(contacts, start=1):
        procedures = _weighted(rng, PROCEDURE_WEIGHTS, rng.choice([0, 1, 1, 1, 2]))
        themes = [DigitalTheme.AIDE_AUX_DEMARCHES_ADMINISTRATIVES] if procedures else []
        themes += rng.sample(
            [
                DigitalTheme.EMAIL,
                DigitalTheme.NAVIGATION_SUR_INTERNET,
                DigitalTheme.PRENDRE_EN_MAIN_DU_MATERIEL,
                DigitalTheme.SECURITE_NUMERIQUE,
                DigitalTheme.BANQUE_ET_ACHATS_EN_LIGNE,
                DigitalTheme.SANTE,
            ],
            rng.choice([0, 1, 1, 2]) if procedures else 1,
        )
        row = IndividualHelp(
            ref=f"demo-vc-h{index:05d}",
            person_id=person.pk,
            site_id=person.site_id if person.site_id in site_ids else sites["CEIS"].pk,
            date=day,
            duration_min=rng.choice([15, 20, 30, 30, 45, 60]),
            mediator=mediator,
            themes=themes,
            procedures=procedures,
            urgent=bool(procedures) and rng.random() < 0.25,
            autonomy=rng.choice([*Autonomy.values, Autonomy.ENTIEREMENT_ACCOMPAGNE]),
            orientation=rng.choice(["", "", "", *Orientation.values]),
        )
        if row.ref not in existing:
            new.append(row)
    IndividualHelp.objects.bulk_create(new, batch_size=1000)
    return len(new)


def _seed_visits(rng, contacts, sites, volunteer, first_day, today):
    """Named visits of the people above, plus anonymous ones (most visits are anonymous)."""
    existing = set(Visit.objects.filter(ref__startswith="demo-vc-v").values_list("ref", flat=True))
    rows = [(person.pk, person.site_id, day) for person, day in contacts]
    span = (today - first_day).days
    site_ids = [sites["CEIS"].pk] * 3 + [sites["MPT-RICOME"].pk]
    for _ in range(len(rows)):
        rows.append(
            (None, rng.choice(site_ids), first_day + datetime.timedelta(rng.randint(0, span)))
        )
    new = []
    for index, (person_id, site_id, day) in enumerate(rows, start=1):
        visit = Visit(
            ref=f"demo-vc-v{index:05d}",
            site_id=site_id,
            date=day,
            person_id=person_id,
            volunteer_help=rng.random() < 0.4,
            recorded_by=volunteer,
        )
        if visit.ref not in existing:
            new.append(visit)
    Visit.objects.bulk_create(new, batch_size=1000)
    return len(new)


def answers_for(rng, scores: dict) -> dict:
    """Raw answers consistent with the scores (0 → no yes, 1 → one, 2 → two or more)."""
    answers = {}
    for domain, questions in QUESTIONS.items():
        keys = [key for key, _ in questions]
        yes_count = {0: 0, 1: 1, 2: rng.randint(2, len(keys))}[scores[domain]]
        yes = set(rng.sample(keys, yes_count))
        answers.update({key: key in yes for key in keys})
    return answers


def _draw_scores(rng, level_bias: float):
    return {
        domain: min(2, max(0, round(rng.gauss(level_bias, 0.8)))) for domain in SkillDomain.values
    }


def _seed_assessments(rng, first_contacts, sites, mediator, today):
    """Four persons in ten get a diagnostic at first contact, a third of them a second one
    two to four months later, usually better (the progress shown in the bilan)."""
    existing = set(
        Assessment.objects.filter(ref__startswith="demo-vc-a").values_list("ref", flat=True)
    )
    site_ids = {site.pk for site in sites.values()}
    now = timezone.now()
    new = []
    index = 0
    for person, day in first_contacts:
        if rng.random() >= 0.4:
            continue
        internet = rng.random() < 0.5
        scores = _draw_scores(rng, -0.1)
        visits = [(day, internet, scores)]
        later = day + datetime.timedelta(days=rng.randint(60, 120))
        if later <= today and rng.random() < 0.35:
            better = {d: min(2, s + rng.choice([0, 1, 1])) for d, s in scores.items()}
            visits.append((later, True, better))
        for assess_day, used, values in visits:
            index += 1
            row = Assessment(
                ref=f"demo-vc-a{index:05d}",
                person_id=person.pk,
                site_id=person.site_id if person.site_id in site_ids else sites["CEIS"].pk,
                date=assess_day,
                internet_use_3m=used,
                classification=classify(internet_use_3m=used, scores=values),
                answers=answers_for(rng, values),
                questionnaire_version=QUESTIONNAIRE_VERSION,
                owns_smartphone=rng.random() < 0.85,
                owns_tablet=rng.random() < 0.25,
                owns_computer=rng.random() < 0.35,
                internet_home=rng.random() < 0.6,
                tiers_aidant=rng.random() < 0.5,
                aidants_connect_mandate=rng.random() < 0.1,
                assessor=mediator,
                created_at=min(now, now - datetime.timedelta(days=(today - assess_day).days)),
                **values,
            )
            if row.ref not in existing:
                new.append(row)
    Assessment.objects.bulk_create(new, batch_size=1000)
    return len(new)
