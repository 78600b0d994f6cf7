"""Vill@ges connectés at N× one centre's year (`seed_demo --scale N`, see `ceis.demo_scale`).

A shared catalogue of workshops, then per site holding `share` of a centre's year: about
1,800 × share persons reached only by Vill@ges (56 % aged 60 or more, 4 in 10 from the
centre-ville), joined by a third of the site's Unis'Vers participants; about 956 × share
sessions on weekdays (fewer in August) of 8–15 seats, one in five over-subscribed with a waiting
list, 5 % of cancellations and 82 % presence — about 10,000 × share registrations; 5,000 × share
individual helps (a quarter urgent when a procedure is involved); 3,000 × share free-access visits
(half anonymous); a digital-skills assessment for 4 persons in 10, a third of them assessed again
two to four months later, usually better.
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
    uuid_from,
)
from ceis.models import Person

from .assessment import QUESTIONNAIRE_VERSION, classify
from .choices import (
    Attendance,
    Autonomy,
    DigitalTheme,
    Orientation,
    RegistrationStatus,
    SkillDomain,
    WorkshopFormat,
    WorkshopLevel,
)
from .demo import PROCEDURE_WEIGHTS, answers_for
from .models import Assessment, IndividualHelp, Registration, Session, Visit, Workshop

# What `seed_demo --scale` needs empty, and the tables whose indexes it builds after loading
# (ceis.demo_scale).
EMPTY_MODELS = (Session, Registration, IndividualHelp)
BIG_TABLES = (
    "villages_registration",
    "villages_individualhelp",
    "villages_visit",
    "villages_assessment",
)

PERSONS_PER_CENTRE = 1800
SESSIONS_PER_CENTRE = 956  # about 10,000 registrations
HELPS_PER_CENTRE = 5000
VISITS_PER_CENTRE = 3000
UNISVERS_JOINING = 0.33  # share of a site's Unis'Vers participants who also come to Vill@ges

T = DigitalTheme
F = WorkshopFormat
L = WorkshopLevel
# (title, theme, format, level, partner)
CATALOGUE = [
    ("Premiers pas sur le smartphone", T.PRENDRE_EN_MAIN_DU_MATERIEL, F.FORMATION, L.DEBUTANT, ""),
    ("Premiers pas sur l'ordinateur", T.PRENDRE_EN_MAIN_DU_MATERIEL, F.FORMATION, L.DEBUTANT, ""),
    ("Créer et utiliser son adresse e-mail", T.EMAIL, F.FORMATION, L.DEBUTANT, ""),
    ("Démarches en ligne : CAF, Ameli, impôts", T.AIDE_AUX_DEMARCHES_ADMINISTRATIVES,
     F.FORMATION, L.INTERMEDIAIRE, ""),
    ("Déclarer ses revenus en ligne", T.AIDE_AUX_DEMARCHES_ADMINISTRATIVES, F.FORMATION,
     L.INTERMEDIAIRE, ""),
    ("Arnaques en ligne : les reconnaître", T.SECURITE_NUMERIQUE, F.SENSIBILISATION,
     L.DEBUTANT, ""),
    ("Fabrique numérique en famille", T.CREER_AVEC_LE_NUMERIQUE, F.ATELIER_LUDIQUE, L.DEBUTANT,
     "Les Petits Débrouillards"),
    ("Cuisine connectée : filmer sa recette", T.CREER_AVEC_LE_NUMERIQUE, F.ATELIER_LUDIQUE,
     L.DEBUTANT, ""),
    ("Chercher un emploi en ligne", T.INSERTION_PROFESSIONNELLE, F.FORMATION, L.INTERMEDIAIRE, ""),
    ("Son dossier médical en ligne", T.SANTE, F.SENSIBILISATION, L.DEBUTANT, ""),
    ("Banque et achats en ligne en sécurité", T.BANQUE_ET_ACHATS_EN_LIGNE, F.FORMATION,
     L.INTERMEDIAIRE, ""),
    ("Repair café numérique", T.MAINTENANCE_DE_MATERIEL, F.ATELIER_LUDIQUE, L.DEBUTANT,
     "Repair Café Montpellier"),
    ("Suivre la scolarité de son enfant (ENT)", T.SCOLARITE_ET_NUMERIQUE, F.FORMATION,
     L.DEBUTANT, ""),
    ("L'intelligence artificielle au quotidien", T.INTELLIGENCE_ARTIFICIELLE,
     F.SENSIBILISATION, L.AVANCE, ""),
]  # fmt: skip
HELP_THEMES = [
    T.EMAIL,
    T.NAVIGATION_SUR_INTERNET,
    T.PRENDRE_EN_MAIN_DU_MATERIEL,
    T.SECURITE_NUMERIQUE,
    T.BANQUE_ET_ACHATS_EN_LIGNE,
    T.SANTE,
    T.DIAGNOSTIC_NUMERIQUE,
]
# "Près de la moitié a au moins le baccalauréat."
EDUCATION = [
    EducationLevel.AUCUN, EducationLevel.CEP, EducationLevel.BREVET, EducationLevel.CAP_BEP,
    EducationLevel.CAP_BEP, EducationLevel.BAC_PRO_TECHNO, EducationLevel.BAC_GENERAL,
    EducationLevel.BAC_PLUS_2, EducationLevel.BAC_PLUS_3_4, EducationLevel.BAC_PLUS_5, "", "",
]  # fmt: skip
AUTONOMY = list(Autonomy.values)
ORIENTATIONS = ["", "", "", *Orientation.values]
SLOTS = [datetime.time(9, 30), datetime.time(10), datetime.time(14), datetime.time(16)]


def seed(ctx) -> None:
    workshops = list(
        zip(
            ctx.ids(Workshop, len(CATALOGUE)),
            [theme for _, theme, *_ in CATALOGUE],
            strict=True,
        )
    )
    rng = ctx.rng("villages", "catalogue")
    bulk_insert(
        ctx,
        Workshop,
        (
            Workshop(
                pk=pk,
                public_id=uuid_from(rng),
                title=title,
                theme=theme,
                format=fmt,
                level=level,
                partner=partner,
            )
            for (pk, _), (title, theme, fmt, level, partner) in zip(
                workshops, CATALOGUE, strict=True
            )
        ),
    )
    days, weights = _open_days(ctx)
    for done, (site, share) in enumerate(ctx.sites, start=1):
        with transaction.atomic():
            _seed_site(ctx, site, share, workshops, days, weights)
        ctx.progress("Vill@ges", done)
    ctx.log(
        f"  Vill@ges connectés : {ctx.counts.get('villages_registration', 0)} inscriptions, "
        f"{ctx.counts.get('villages_individualhelp', 0)} accompagnements, "
        f"{ctx.counts.get('villages_visit', 0)} visites."
    )


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


def _seed_site(ctx, site, share, workshops, days, weights) -> None:
    rng = ctx.rng("villages", site.code)
    mediator = ctx.staff[site.pk][Role.MEDIATEUR_NUMERIQUE]
    volunteer = ctx.staff[site.pk][Role.VOLONTAIRE]
    tz = timezone.get_current_timezone()

    count = scaled(rng, PERSONS_PER_CENTRE * share)
    ids = ctx.ids(Person, count)
    insert_rows(ctx, Person, (_person(ctx, rng, site, pk, mediator) for pk in ids))
    own = list(ids)
    joining = [
        pk
        for pk in ctx.shared["unisvers_persons"].get(site.pk, [])
        if rng.random() < UNISVERS_JOINING
    ]
    # Who comes for what: workshops, individual help (often both), the free-access space.
    workshop_pool, help_pool, visit_pool = [], [], []
    for pk in own + joining:
        draw = rng.random()
        helped = draw < 0.55
        if draw >= 0.4 or not helped:
            workshop_pool.append(pk)
        if helped:
            help_pool.append(pk)
        if rng.random() < 0.3:
            visit_pool.append(pk)
    if not workshop_pool and not help_pool:
        return

    session_count = scaled(rng, SESSIONS_PER_CENTRE * share) if workshop_pool else 0
    session_days = sorted(rng.choices(days, weights=weights, k=session_count))
    sessions = []
    facilitator = mediator.get_full_name()
    for day, pk in zip(session_days, ctx.ids(Session, session_count), strict=True):
        workshop_id, _theme = rng.choice(workshops)
        sessions.append(
            {
                "id": pk,
                "public_id": uuid_from(rng),
                "workshop_id": workshop_id,
                "site_id": site.pk,
                "start": datetime.datetime.combine(day, rng.choice(SLOTS), tzinfo=tz),
                "duration_min": rng.choice([90, 120, 120, 150]),
                "capacity": rng.choice([8, 10, 10, 12, 12, 15]),
                "facilitator": facilitator,
            }
        )
    insert_rows(ctx, Session, sessions)
    insert_rows(ctx, Registration, _registrations(rng, sessions, workshop_pool, mediator))
    insert_rows(ctx, IndividualHelp, _helps(ctx, rng, site, share, help_pool, days, weights))
    insert_rows(ctx, Visit, _visits(ctx, rng, site, share, visit_pool, days, weights, volunteer))
    insert_rows(ctx, Assessment, _assessments(ctx, rng, site, own, days, mediator))


def _person(ctx, rng, site, pk, creator) -> dict:
    band = rng.random()
    if band < 0.56:  # "56 % des personnes ont plus de 60 ans, 43 % entre 26 et 59 ans"
        age = rng.randint(60, 88)
    elif band < 0.99:
        age = rng.randint(26, 59)
    else:
        age = rng.randint(17, 25)
    birth = datetime.date(ctx.year - age, 1, 1) - datetime.timedelta(days=rng.randrange(1, 365))
    if age >= 62:
        status = ProfessionalStatus.RETRAITE
    else:
        status = rng.choice(
            [ProfessionalStatus.SANS_EMPLOI, ProfessionalStatus.EN_EMPLOI,
             ProfessionalStatus.NON_COMMUNIQUE, ProfessionalStatus.SANS_EMPLOI]
        )  # fmt: skip
    return make_person(
        ctx,
        rng,
        pk=pk,
        ref=f"scale-vc-{pk:07d}",
        site_id=site.pk,
        birth=birth,
        year_only=rng.random() < 0.1,
        hood_id=pick_neighbourhood(ctx, rng, centre=0.4, qpv=0.18) if rng.random() < 0.85 else None,
        education=rng.choice(EDUCATION),
        status=status,
        creator_id=creator.pk,
    )


def _registrations(rng, sessions, pool, mediator):
    inscrit, waiting, cancelled = (
        RegistrationStatus.INSCRIT.value,
        RegistrationStatus.LISTE_ATTENTE.value,
        RegistrationStatus.ANNULE.value,
    )
    present, absent = Attendance.PRESENT.value, Attendance.ABSENT.value
    for session in sessions:
        capacity, start, session_id = session["capacity"], session["start"], session["id"]
        over = rng.random() < 0.2
        demand = capacity + (rng.randint(1, 4) if over else -rng.randint(0, 3))
        chosen = rng.sample(pool, min(demand, len(pool)))
        for rank, person_id in enumerate(chosen):
            status, attendance = inscrit, ""
            if rank >= capacity:
                status = waiting
            elif not over and rng.random() < 0.05:
                status = cancelled
            else:
                attendance = present if rng.random() < 0.82 else absent
            yield {
                "public_id": uuid_from(rng),
                "session_id": session_id,
                "person_id": person_id,
                "status": status,
                "attendance": attendance,
                "registered_at": start - datetime.timedelta(days=rng.randint(1, 20), minutes=rank),
                "created_by_id": mediator.pk,
            }


def _weighted(rng, weights: dict, k: int) -> list:
    return sorted(set(rng.choices(list(weights), weights=list(weights.values()), k=k)))


def _helps(ctx, rng, site, share, pool, days, weights):
    if not pool:
        return
    count = scaled(rng, HELPS_PER_CENTRE * share)
    dates = rng.choices(days, weights=weights, k=count)
    mediator_id = ctx.staff[site.pk][Role.MEDIATEUR_NUMERIQUE].pk
    for day in dates:
        procedures = _weighted(rng, PROCEDURE_WEIGHTS, rng.choice([0, 1, 1, 1, 2]))
        themes = [T.AIDE_AUX_DEMARCHES_ADMINISTRATIVES] if procedures else []
        themes += rng.sample(HELP_THEMES, rng.choice([0, 1, 1, 2]) if procedures else 1)
        yield {
            "public_id": uuid_from(rng),
            "person_id": rng.choice(pool),
            "site_id": site.pk,
            "date": day,
            "duration_min": rng.choice([15, 20, 30, 30, 45, 60]),
            "mediator_id": mediator_id,
            "themes": themes,
            "procedures": procedures,
            "urgent": bool(procedures) and rng.random() < 0.25,
            "autonomy": rng.choices(AUTONOMY, weights=[50, 35, 15])[0],
            "orientation": rng.choice(ORIENTATIONS),
        }


def _visits(ctx, rng, site, share, pool, days, weights, volunteer):
    count = scaled(rng, VISITS_PER_CENTRE * share)
    for day in rng.choices(days, weights=weights, k=count):
        yield {
            "public_id": uuid_from(rng),
            "site_id": site.pk,
            "date": day,
            "person_id": rng.choice(pool) if pool and rng.random() < 0.5 else None,
            "volunteer_help": rng.random() < 0.4,
            "recorded_by_id": volunteer.pk,
        }


def _scores(rng, bias: float) -> dict:
    return {domain: min(2, max(0, round(rng.gauss(bias, 0.8)))) for domain in SkillDomain.values}


def _assessments(ctx, rng, site, persons, days, mediator):
    tz = timezone.get_current_timezone()
    for person_id in persons:
        if rng.random() >= 0.4:
            continue
        first = rng.choice(days)
        if rng.random() < 0.04:  # a few confident users come for a specific need
            internet, scores = True, _scores(rng, 1.7)
        else:  # "les trois quarts du public accueilli sont en situation d'illectronisme"
            internet, scores = rng.random() < 0.4, _scores(rng, -0.5)
        visits = [(first, internet, scores)]
        later = first + datetime.timedelta(days=rng.randint(60, 120))
        if later <= ctx.last_day and rng.random() < 0.35:
            better = {d: min(2, s + rng.choice([0, 1, 1])) for d, s in scores.items()}
            visits.append((later, internet or rng.random() < 0.7, better))
        for day, used, values in visits:
            yield {
                "public_id": uuid_from(rng),
                "person_id": person_id,
                "site_id": site.pk,
                "date": day,
                "internet_use_3m": used,
                "classification": classify(internet_use_3m=used, scores=values),
                "answers": answers_for(rng, values),
                "questionnaire_version": QUESTIONNAIRE_VERSION,
                "owns_smartphone": rng.random() < 0.85,
                "owns_tablet": rng.random() < 0.25,
                "owns_computer": rng.random() < 0.35,
                "internet_home": rng.random() < 0.6,
                "tiers_aidant": rng.random() < 0.5,
                "aidants_connect_mandate": rng.random() < 0.1,
                "assessor_id": mediator.pk,
                # Recorded on the day: "the one recorded last" follows the dates.
                "created_at": datetime.datetime.combine(day, datetime.time(11), tzinfo=tz),
                **values,
            }
