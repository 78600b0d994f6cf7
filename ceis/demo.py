"""Demo data of the shared core: two sites, Montpellier's neighbourhoods, a user per role, persons.

Everything is keyed (site and neighbourhood codes, usernames, person refs) so that running it
again changes nothing. QPV codes here are illustrative, in the official `QN…` format.
"""

import random

from django.contrib.auth.models import Group
from django.db import transaction
from faker import Faker

from .choices import EducationLevel, ProfessionalStatus, Role, Sex
from .models import Neighbourhood, Person, Site, User
from .text import normalize_name

DEMO_PASSWORD = "demo-ceis-2026"  # noqa: S105 (public on purpose: demo accounts only)

SITES = [
    (
        "CEIS",
        "CEIS des Arceaux",
        "Ancienne crèche Sophie Lagrèze, boulevard des Arceaux, 34000 Montpellier",
    ),
    ("MPT-RICOME", "Maison pour tous Joseph Ricôme", "7 rue Pagès, 34070 Montpellier"),
]

# (code, name, centre_ville, qpv_code)
NEIGHBOURHOODS = [
    ("arceaux", "Arceaux", True, ""),
    ("ecusson", "Écusson", True, ""),
    ("boutonnet", "Boutonnet", True, ""),
    ("beaux-arts", "Beaux-Arts", True, ""),
    ("comedie", "Comédie", True, ""),
    ("antigone", "Antigone", True, ""),
    ("gares", "Gares", True, ""),
    ("figuerolles", "Figuerolles", False, "QN03402M"),
    ("gambetta", "Gambetta", False, "QN03403M"),
    ("mosson", "Mosson", False, "QN03406M"),
    ("pres-d-arenes", "Près d'Arènes", False, "QN03405M"),
    ("celleneuve", "Celleneuve", False, ""),
    ("cevennes", "Cévennes", False, ""),
    ("croix-d-argent", "Croix d'Argent", False, ""),
    ("hopitaux-facultes", "Hôpitaux-Facultés", False, ""),
    ("port-marianne", "Port Marianne", False, ""),
]

# (username, first name, last name, role, site codes, is_staff)
USERS = [
    ("travailleur", "Sophie", "Martin", Role.TRAVAILLEUR_SOCIAL, ["CEIS"], False),
    ("mediateur", "Karim", "Benali", Role.MEDIATEUR_NUMERIQUE, ["CEIS", "MPT-RICOME"], False),
    ("volontaire", "Léa", "Garcia", Role.VOLONTAIRE, ["CEIS"], False),
    ("manager", "Claire", "Dubois", Role.MANAGER, ["CEIS", "MPT-RICOME"], False),
    ("admin", "Paul", "Roux", Role.ADMIN, ["CEIS", "MPT-RICOME"], True),
]

PERSON_COUNT = 300


@transaction.atomic
def seed_core(*, persons: int = PERSON_COUNT, rng_seed: int = 2019) -> dict:
    sites = {}
    for code, name, address in SITES:
        sites[code], _ = Site.objects.update_or_create(
            code=code, defaults={"name": name, "address": address}
        )
    neighbourhoods = []
    for code, name, centre_ville, qpv in NEIGHBOURHOODS:
        hood, _ = Neighbourhood.objects.update_or_create(
            code=code, defaults={"name": name, "centre_ville": centre_ville, "qpv_code": qpv}
        )
        neighbourhoods.append(hood)
    users = {}
    for username, first, last, role, site_codes, is_staff in USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "is_staff": is_staff},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.email = f"{username}@ceis.invalid"
            user.save()
        user.groups.add(Group.objects.get(name=role))
        user.sites.add(*(sites[code] for code in site_codes))
        users[role] = user
    _seed_persons(persons, sites, neighbourhoods, users, rng_seed)
    return {"sites": sites, "neighbourhoods": neighbourhoods, "users": users}


def _seed_persons(count, sites, neighbourhoods, users, rng_seed):
    existing = set(Person.objects.filter(ref__startswith="demo-").values_list("ref", flat=True))
    fake = Faker("fr_FR")
    fake.seed_instance(rng_seed)
    rng = random.Random(rng_seed)
    site_list = [sites["CEIS"]] * 3 + [sites["MPT-RICOME"]]
    creators = [users[Role.TRAVAILLEUR_SOCIAL], users[Role.MEDIATEUR_NUMERIQUE]]
    new_persons = []
    for index in range(1, count + 1):
        # Draw every value even for existing refs, so that each ref always gets the same person.
        sex = rng.choice([Sex.F, Sex.M, Sex.F, Sex.M, Sex.X, ""])
        first = fake.first_name_female() if sex == Sex.F else fake.first_name_male()
        last = fake.last_name()
        birth = fake.date_of_birth(minimum_age=18, maximum_age=88)
        year_only = rng.random() < 0.08
        hood = rng.choice(neighbourhoods) if rng.random() < 0.85 else None
        phone = fake.phone_number() if rng.random() < 0.8 else ""
        education = rng.choice([*EducationLevel.values, "", ""])
        status = rng.choice(ProfessionalStatus.values)
        site = rng.choice(site_list)
        ref = f"demo-{index:04d}"
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
            postal_code="34000"
            if hood and hood.centre_ville
            else rng.choice(["34070", "34080", "34090"]),
            commune="Montpellier",
            neighbourhood=hood,
            education_level=education,
            status=status,
            phone=phone,
            email=f"{normalize_name(first)}.{normalize_name(last)}@example.org"
            if rng.random() < 0.4
            else "",
            created_by=rng.choice(creators),
        )
        person.refresh_keys()
        new_persons.append(person)
    Person.objects.bulk_create(new_persons, batch_size=500)
