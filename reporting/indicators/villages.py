"""Vill@ges connectés indicators (indicators.md, section `villages`): eight aggregate queries
whatever the amount of data.

Readings of the spec where it leaves a choice (also in docs/indicators.md):
- A session (and so a registration) is dated by the local date (Europe/Paris, the project's
  TIME_ZONE) of its start.
- A registration is "not `annule`" whatever its attendance; `waitlisted` and `attended` are
  counted among those.
- `themes`: an individual help counts once in each of its themes; a session dated in the period
  counts once in its workshop's theme (a workshop run three times counts three times).
- `autonomy`: helps without an autonomy recorded are in no column.
- Age bands use the age at the person's first contact in the period; `of` counts persons with a
  birth date or a birth year. 26–59 means 26 to 59 years old, both included.
- `qpv_rate`: a QPV neighbourhood is one with a QPV code; `of` = persons with a neighbourhood.
- Assessment-based rates use each reached person's latest assessment dated on or before `to`
  (whatever its site and even before `from`); on the same date, the one created last
  (`created_at`, then id). `illectronisme_rate` and `skills` count every assessed person;
  `equipped_rate` counts persons with at least one of the three equipment answers;
  `tiers_aidant_rate` counts persons whose tiers-aidant answer is known (profile rule).
- The classification is the one stored with each assessment (`villages.assessment.classify`).
"""

from django.db import connection
from django.db.models import (
    Case,
    Count,
    DateField,
    ExpressionWrapper,
    F,
    IntegerField,
    Min,
    OuterRef,
    Q,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Least
from django.db.models.lookups import GreaterThan

from ceis.choices import EducationLevel
from ceis.models import Person
from villages.choices import (
    Attendance,
    Autonomy,
    DigitalTheme,
    Procedure,
    RegistrationStatus,
    SkillLevel,
)
from villages.models import Assessment, IndividualHelp, Registration, Session, Visit

from .codes import VillagesCode
from .common import Period, age_from_keys, birth_key, breakdown, date_key, local_date, rate

# Later than any real contact: stands in for "no contact of this kind" when taking the earliest.
NO_CONTACT_KEY = 99991231
# Bands of whole years, both ends included.
AGE_BANDS = {
    VillagesCode.AGE_UNDER_26_RATE: (None, 25),
    VillagesCode.AGE_26_59_RATE: (26, 59),
    VillagesCode.AGE_60_PLUS_RATE: (60, None),
}


def _site_filter(queryset, site, path):
    return queryset.filter(**{path: site}) if site is not None else queryset


def sessions_in(period: Period, site):
    """Sessions whose local date is in the period, compared through the UTC instants of the
    period's local midnights (`Period.instants`): the index on `start` serves, no row is
    converted."""
    start, end = period.instants
    return _site_filter(Session.objects.filter(start__gte=start, start__lt=end), site, "site")


def registrations_in(period: Period, site):
    """Registrations not cancelled, to sessions dated in the period."""
    start, end = period.instants
    registrations = Registration.objects.exclude(status=RegistrationStatus.ANNULE).filter(
        session__start__gte=start, session__start__lt=end
    )
    return _site_filter(registrations, site, "session__site")


def helps_in(period: Period, site):
    return _site_filter(IndividualHelp.objects.filter(date__range=period.bounds), site, "site")


def visits_in(period: Period, site):
    return _site_filter(Visit.objects.filter(date__range=period.bounds), site, "site")


def reached_ids(period: Period, site):
    """The ids of the persons reached in the period (with repeats): one `UNION ALL` of the
    three kinds of contact, so that `pk IN (…)` is a single semi-join (a hash join at any
    size), where three `IN` lists joined by `OR` are kept in memory and, past PostgreSQL's
    `work_mem`, scanned again for every person."""
    # Anonymous visits reach nobody.
    kinds = [
        registrations_in(period, site),
        helps_in(period, site),
        visits_in(period, site).filter(person__isnull=False),
    ]
    first, *others = (kind.order_by().values("person_id") for kind in kinds)
    return first.union(*others, all=True)


def reached_q(period: Period, site) -> Q:
    """On `Person`: reached in the period (registration, individual help or visit)."""
    return Q(pk__in=reached_ids(period, site))


class PerGroup(ExpressionWrapper):
    """An expression of the grouped row (here a subquery on the person's id, the GROUP BY
    key) left out of GROUP BY: the database evaluates it once per group, where Django would
    group by it and so evaluate it for every joined row."""

    def get_group_by_cols(self):
        return []

    def __init__(self, expression):
        super().__init__(expression, output_field=expression.output_field)


def _first_contact_key(period: Period, site):
    """The person's earliest contact in the period, as YYYYMMDD (see `common.date_key`), in a
    query on `Person` grouped by person.

    Registrations are joined (each person's rows, one hash join at any size) and their
    earliest session taken with `MIN … FILTER`, converted to a local date once per person;
    a correlated subquery per person would join the sessions again for every person. Helps
    and visits carry their date: their earliest one is read by the person's own index."""
    start, end = period.instants
    in_period = Q(
        village_registrations__session__start__gte=start,
        village_registrations__session__start__lt=end,
    ) & ~Q(village_registrations__status=RegistrationStatus.ANNULE)
    if site is not None:
        in_period &= Q(village_registrations__session__site=site)
    first_session = Min("village_registrations__session__start", filter=in_period)
    own = {"person_id": OuterRef("pk")}

    def earliest(model):
        rows = model.objects.filter(date__range=period.bounds, **own)
        if site is not None:
            # The site as an expression (site_id + 0): SQLite, which has no statistics unless
            # ANALYZE is run, would otherwise walk the (site, date) index, every row of the
            # site for each person, instead of the person's own few rows.
            rows = rows.alias(
                site_number=ExpressionWrapper(F("site_id") + 0, output_field=IntegerField())
            ).filter(site_number=site.pk)
        first = Subquery(
            rows.order_by().values("person_id").annotate(first=Min("date")).values("first"),
            output_field=DateField(),
        )
        return PerGroup(Coalesce(date_key(first), Value(NO_CONTACT_KEY)))

    # LEAST() and SQLite's MIN() disagree on NULLs: a far-future key replaces a missing kind.
    return Least(
        Coalesce(date_key(local_date(first_session, period)), Value(NO_CONTACT_KEY)),
        earliest(IndividualHelp),
        earliest(Visit),
        output_field=IntegerField(),
    )


def _contains_code(field: str, code: str) -> Q:
    """A JSON list of codes holds `code`: JSON containment on PostgreSQL (`@>`, no conversion
    of the list); SQLite has none, so there the list's text is searched for the quoted code
    ("sante" never matches "social_sante")."""
    if connection.vendor == "postgresql":
        return Q(**{f"{field}__contains": [code]})
    return Q(**{f"{field}_text__contains": f'"{code}"'})


def _people(period: Period, site, months) -> dict:
    with_neighbourhood = Q(neighbourhood__isnull=False)
    counts = {
        "people": Count("pk"),
        "neighbourhood_known": Count("pk", filter=with_neighbourhood),
        "centre_ville": Count(
            "pk", filter=with_neighbourhood & Q(neighbourhood__centre_ville=True)
        ),
        "qpv": Count("pk", filter=with_neighbourhood & ~Q(neighbourhood__qpv_code="")),
        "education_known": Count("pk", filter=~Q(education_level="")),
        "bac_or_higher": Count("pk", filter=Q(education_level__in=EducationLevel.bac_or_higher())),
    }
    for month in months:
        counts[f"month:{month.label}"] = Count("pk", filter=reached_q(month.period, site))
    return Person.objects.filter(reached_q(period, site)).aggregate(**counts)


def _age_bands(period: Period, site) -> dict:
    """Persons reached by age at first contact, counted into the bands.

    The inner query computes each reached person's age once (grouped by person, see
    `_first_contact_key`); Django wraps it in a subquery, and the bands are counted from its
    `age` column, so no FILTER repeats the first-contact expression."""
    per_person = Person.objects.filter(reached_q(period, site)).annotate(
        age=age_from_keys(
            _first_contact_key(period, site),
            birth_key(birth_date="birth_date", birth_year="birth_year"),
        )
    )
    counts = {"age_known": Count("pk", filter=Q(age__isnull=False))}
    for key, (low, high) in AGE_BANDS.items():
        band = Q(age__isnull=False)
        if low is not None:
            band &= Q(age__gte=low)
        if high is not None:
            band &= Q(age__lte=high)
        counts[key] = Count("pk", filter=band)
    return per_person.aggregate(**counts)


def _registrations(period: Period, site, months) -> dict:
    present = Q(attendance=Attendance.PRESENT)
    counts = {
        "registrations": Count("id"),
        "waitlisted": Count("id", filter=Q(status=RegistrationStatus.LISTE_ATTENTE)),
        "attended": Count("id", filter=present),
        "attendance_taken": Count(
            "id", filter=Q(attendance__in=[Attendance.PRESENT, Attendance.ABSENT])
        ),
    }
    for month in months:
        start, end = month.period.instants
        counts[f"month:{month.label}"] = Count(
            "id", filter=present & Q(session__start__gte=start, session__start__lt=end)
        )
    return registrations_in(period, site).aggregate(**counts)


def _helps(period: Period, site, months) -> dict:
    helps = helps_in(period, site).annotate(
        themes_text=Cast("themes", TextField()),
        procedures_text=Cast("procedures", TextField()),
    )
    counts = {
        "helps": Count("id"),
        "urgent": Count("id", filter=Q(urgent=True)),
    }
    for code in Procedure.values:
        counts[f"procedure:{code}"] = Count("id", filter=_contains_code("procedures", code))
    for code in DigitalTheme.values:
        counts[f"theme:{code}"] = Count("id", filter=_contains_code("themes", code))
    for code in Autonomy.values:
        counts[f"autonomy:{code}"] = Count("id", filter=Q(autonomy=code))
    for month in months:
        counts[f"month:{month.label}"] = Count("id", filter=Q(date__range=month.period.bounds))
    return helps.aggregate(**counts)


def _sessions(period: Period, site) -> dict:
    counts = {"sessions": Count("id")}
    for code in DigitalTheme.values:
        counts[f"theme:{code}"] = Count("id", filter=Q(workshop__theme=code))
    return sessions_in(period, site).aggregate(**counts)


def _latest_assessments(period: Period, site) -> dict:
    dated = Assessment.objects.filter(date__lte=period.end)
    latest = (
        dated.filter(person_id=OuterRef("person_id"))
        .order_by("-date", "-created_at", "-id")
        .values("id")[:1]
    )
    equipment_known = (
        Q(owns_smartphone__isnull=False)
        | Q(owns_tablet__isnull=False)
        | Q(owns_computer__isnull=False)
    )
    equipped = Q(owns_smartphone=True) | Q(owns_tablet=True) | Q(owns_computer=True)
    counts = {
        "assessed": Count("id"),
        "equipment_known": Count("id", filter=equipment_known),
        "equipped": Count("id", filter=equipped),
        "tiers_aidant_known": Count("id", filter=Q(tiers_aidant__isnull=False)),
        "tiers_aidant": Count("id", filter=Q(tiers_aidant=True)),
    }
    for code in SkillLevel.values:
        counts[f"skill:{code}"] = Count("id", filter=Q(classification=code))
    return dated.filter(person_id__in=reached_ids(period, site), id=Subquery(latest)).aggregate(
        **counts
    )


def _skill_rank():
    """Classification → its rank in SkillLevel's order (illectronisme = 0)."""
    return Case(
        *(
            When(classification=code, then=Value(SkillLevel.rank(code)))
            for code in SkillLevel.values
        ),
        output_field=IntegerField(),
    )


def _progress(period: Period, site) -> dict:
    own = Assessment.objects.filter(date__lte=period.end, person_id=OuterRef("pk")).annotate(
        rank=_skill_rank()
    )
    first = own.order_by("date", "created_at", "id").values("rank")[:1]
    latest = own.order_by("-date", "-created_at", "-id").values("rank")[:1]
    # Persons with two or more assessments dated on or before the end: one grouped list (a
    # semi-join), not a probe per person.
    twice = (
        Assessment.objects.filter(date__lte=period.end)
        .order_by()
        .values("person_id")
        .annotate(n=Count("id"))
        .filter(n__gte=2)
        .values("person_id")
    )
    persons = Person.objects.filter(reached_q(period, site)).filter(pk__in=twice)
    return persons.aggregate(
        of=Count("pk"),
        n=Count(
            "pk",
            filter=GreaterThan(
                Subquery(latest, output_field=IntegerField()),
                Subquery(first, output_field=IntegerField()),
            ),
        ),
    )


def _picked(counts: dict, prefix: str) -> dict:
    return {
        key.removeprefix(prefix): value for key, value in counts.items() if key.startswith(prefix)
    }


def compute(period: Period, site) -> dict:
    months = period.months()
    people = _people(period, site, months)
    ages = _age_bands(period, site)
    registrations = _registrations(period, site, months)
    helps = _helps(period, site, months)
    sessions = _sessions(period, site)
    assessments = _latest_assessments(period, site)
    progress = _progress(period, site)
    session_themes = _picked(sessions, "theme:")
    help_themes = _picked(helps, "theme:")
    reached = people["people"]
    return {
        VillagesCode.PEOPLE: reached,
        VillagesCode.SESSIONS: sessions["sessions"],
        VillagesCode.REGISTRATIONS: registrations["registrations"],
        VillagesCode.WAITLISTED: registrations["waitlisted"],
        VillagesCode.ATTENDED: registrations["attended"],
        VillagesCode.SESSION_ATTENDANCE_RATE: rate(
            registrations["attended"], registrations["attendance_taken"]
        ),
        VillagesCode.INDIVIDUAL_HELPS: helps["helps"],
        VillagesCode.URGENT_HELPS: helps["urgent"],
        VillagesCode.PROCEDURES: breakdown(Procedure, _picked(helps, "procedure:")),
        VillagesCode.THEMES: breakdown(
            DigitalTheme,
            {code: help_themes[code] + session_themes[code] for code in DigitalTheme.values},
        ),
        VillagesCode.AUTONOMY: breakdown(Autonomy, _picked(helps, "autonomy:")),
        VillagesCode.FREE_ACCESS_VISITS: visits_in(period, site).count(),
        VillagesCode.MONTHLY: [
            {
                "month": month.label,
                "people": people[f"month:{month.label}"],
                "attended": registrations[f"month:{month.label}"],
                "individual_helps": helps[f"month:{month.label}"],
            }
            for month in months
        ],
        VillagesCode.CENTRE_VILLE_RATE: rate(people["centre_ville"], people["neighbourhood_known"]),
        VillagesCode.QPV_RATE: rate(people["qpv"], people["neighbourhood_known"]),
        **{key: rate(ages[key], ages["age_known"]) for key in AGE_BANDS},
        VillagesCode.BAC_OR_HIGHER_RATE: rate(people["bac_or_higher"], people["education_known"]),
        VillagesCode.ILLECTRONISME_RATE: rate(
            assessments[f"skill:{SkillLevel.ILLECTRONISME}"], assessments["assessed"]
        ),
        VillagesCode.SKILLS: breakdown(SkillLevel, _picked(assessments, "skill:")),
        VillagesCode.EQUIPPED_RATE: rate(assessments["equipped"], assessments["equipment_known"]),
        VillagesCode.TIERS_AIDANT_RATE: rate(
            assessments["tiers_aidant"], assessments["tiers_aidant_known"]
        ),
        VillagesCode.SKILLS_PROGRESS_RATE: rate(progress["n"], progress["of"]),
    }
