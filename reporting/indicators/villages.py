"""Vill@ges connectés indicators (indicators.md, section `villages`): six aggregate queries
whatever the amount of data.

The persons reached are read in one pass: every contact of the period (`contacts_cte`, a
`UNION ALL` of registrations, helps and named visits) grouped once by person (`reached_cte`:
first contact, contacts per month), which gives the people, their profile, their age band at
first contact and the persons reached each month. Common table expressions come from
django-cte. This module is the reference definition (`reference.compute_reference_bilan`);
the bilan the application publishes runs the hand-written statements of `statements.py`, kept
equal to this module by `reporting/tests/test_bilan_sql_baseline.py`.

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

from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    Min,
    Q,
    Sum,
    TextField,
    Value,
    When,
    Window,
)
from django.db.models.functions import Cast, FirstValue, RowNumber
from django.db.models.lookups import GreaterThan, Lookup
from django_cte import CTE, with_cte

from ceis.choices import EducationLevel
from ceis.models import Person
from villages.choices import (
    AnonymousAgeBand,
    Attendance,
    Autonomy,
    DigitalTheme,
    Procedure,
    RegistrationStatus,
    SkillLevel,
)
from villages.models import (
    AnonymousAttendance,
    Assessment,
    IndividualHelp,
    Registration,
    Session,
    Visit,
)

from .codes import VillagesCode
from .common import (
    Period,
    age_from_keys,
    birth_key,
    breakdown,
    date_key,
    local_date,
    month_label,
    month_of,
    rate,
)

# Bands of whole years, both ends included.
AGE_BANDS = {
    VillagesCode.AGE_UNDER_26_RATE: (None, 25),
    VillagesCode.AGE_26_59_RATE: (26, 59),
    VillagesCode.AGE_60_PLUS_RATE: (60, None),
}


class AnyOf(Lookup):
    """`value = ANY(array)` (PostgreSQL): with an `ArraySubquery`, the array is computed once
    (an InitPlan) and an index on `value` is searched for each of its elements."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs})", (*lhs_params, *rhs_params)


def _site_filter(queryset, site, path):
    return queryset.filter(**{path: site}) if site is not None else queryset


def sessions_in(period: Period, site):
    """Sessions whose local date is in the period, compared through the UTC instants of the
    period's local midnights (`Period.instants`): the index on `start` serves, no row is
    converted."""
    start, end = period.instants
    return _site_filter(Session.objects.filter(start__gte=start, start__lt=end), site, "site")


def registrations_in(period: Period, site):
    """Registrations not cancelled, to sessions dated in the period.

    A registration has no site of its own: one site's are those of the site's sessions. On
    PostgreSQL they are also looked up by `session_id = ANY(ARRAY(the site's sessions))`: the
    site's sessions are read once by their site index, then the index on `session_id` finds
    their registrations. Joined to the sessions alone, the planner read every registration and
    hash-joined them to the site's sessions at 10× (100,157 read for 9,644 kept), and at 100×
    read every session in a parallel sequential scan. Every site keeps the plain join: there
    the whole table is read anyway."""
    start, end = period.instants
    registrations = Registration.objects.exclude(status=RegistrationStatus.ANNULE).filter(
        session__start__gte=start, session__start__lt=end
    )
    if site is None:
        return registrations
    registrations = registrations.filter(session__site=site)
    if connection.vendor == "postgresql":
        site_sessions = sessions_in(period, site).order_by().values("id")
        registrations = registrations.filter(AnyOf(F("session_id"), ArraySubquery(site_sessions)))
    return registrations


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


def contacts_cte(period: Period, site) -> CTE:
    """Every contact of the period as `(person_id, day)`: a registration (dated by its
    session's local date), an individual help or a named visit, in one `UNION ALL`."""
    kinds = [
        registrations_in(period, site).values(
            "person_id", day=local_date("session__start", period)
        ),
        helps_in(period, site).values("person_id", day=F("date")),
        # Anonymous visits reach nobody.
        visits_in(period, site).filter(person__isnull=False).values("person_id", day=F("date")),
    ]
    first, *others = (kind.order_by() for kind in kinds)
    return CTE(first.union(*others, all=True), name="contacts")


def reached_cte(contacts: CTE, months) -> CTE:
    """One row per person reached: the day of their first contact in the period and, for
    each month, their number of contacts in it (`month_0`, `month_1`…): the contacts are
    read once, grouped by person, whatever the number of months."""
    per_person = {"first_day": Min("day")}
    for index, month in enumerate(months):
        per_person[f"month_{index}"] = Count("day", filter=Q(day__range=month.period.bounds))
    return CTE(contacts.queryset().values("person_id").annotate(**per_person), name="reached")


def _persons_reached(period: Period, site, months) -> dict:
    """Persons reached, their neighbourhood, education, age band at first contact and the
    persons reached each month, in one query: `contacts` → `reached` (grouped by person)
    joined to the persons."""
    contacts = contacts_cte(period, site)
    reached = reached_cte(contacts, months)
    persons = with_cte(
        contacts, reached, select=reached.join(Person, id=reached.col.person_id)
    ).alias(
        age=age_from_keys(
            date_key(reached.col.first_day),
            birth_key(birth_date="birth_date", birth_year="birth_year"),
        )
    )
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
        "age_known": Count("pk", filter=Q(birth_date__isnull=False) | Q(birth_year__isnull=False)),
    }
    for key, (low, high) in AGE_BANDS.items():
        band = Q(age__isnull=False)
        if low is not None:
            band &= Q(age__gte=low)
        if high is not None:
            band &= Q(age__lte=high)
        counts[key] = Count("pk", filter=band)
    for index, month in enumerate(months):
        counts[f"month:{month.label}"] = Count(
            "pk", filter=GreaterThan(getattr(reached.col, f"month_{index}"), 0)
        )
    return persons.aggregate(**counts)


def latest_assessment_cte(period: Period, site) -> CTE:
    """For each person reached who has an assessment dated on or before the end of the period
    (whatever its site, even before the start): their latest one (on the same date, the one
    created last, then the highest id), how many they have, and the ranks of the
    classifications of their first and latest ones. One pass over those persons' assessments
    (window functions), where a correlated subquery per person would read them again."""
    per_person = {"partition_by": F("person_id")}
    assessments = Assessment.objects.filter(
        date__lte=period.end, person_id__in=reached_ids(period, site)
    ).order_by()
    return CTE(
        assessments.annotate(
            from_last=Window(
                RowNumber(),
                order_by=[F("date").desc(), F("created_at").desc(), F("id").desc()],
                **per_person,
            ),
            dated=Window(Count("id"), **per_person),
            first_rank=Window(
                FirstValue(_skill_rank()),
                order_by=[F("date"), F("created_at"), F("id")],
                **per_person,
            ),
        )
        .filter(from_last=1)
        .values(
            "person_id",
            "classification",
            "owns_smartphone",
            "owns_tablet",
            "owns_computer",
            "tiers_aidant",
            "dated",
            "first_rank",
            rank=_skill_rank(),
        ),
        name="latest_assessment",
    )


def _assessments(period: Period, site) -> dict:
    """The latest assessment of each person reached, and their progress (first against
    latest classification, for persons assessed twice or more)."""
    latest = latest_assessment_cte(period, site)
    equipment_known = (
        Q(owns_smartphone__isnull=False)
        | Q(owns_tablet__isnull=False)
        | Q(owns_computer__isnull=False)
    )
    equipped = Q(owns_smartphone=True) | Q(owns_tablet=True) | Q(owns_computer=True)
    twice = Q(dated__gte=2)
    counts = {
        "assessed": Count("person_id"),
        "equipment_known": Count("person_id", filter=equipment_known),
        "equipped": Count("person_id", filter=equipped),
        "tiers_aidant_known": Count("person_id", filter=Q(tiers_aidant__isnull=False)),
        "tiers_aidant": Count("person_id", filter=Q(tiers_aidant=True)),
        "progress_of": Count("person_id", filter=twice),
        "progress_n": Count("person_id", filter=twice & Q(rank__gt=F("first_rank"))),
    }
    for code in SkillLevel.values:
        counts[f"skill:{code}"] = Count("person_id", filter=Q(classification=code))
    return with_cte(latest, select=latest).aggregate(**counts)


def _contains_code(field: str, code: str) -> Q:
    """A JSON list of codes holds `code`. On PostgreSQL, `has_key` (`?`): on a JSON array it
    tests whether a string element equals the code, and costs 40 % less than containment
    (`@>`, which builds a JSON value to compare for every row) over 500,000 helps. SQLite has
    neither, so there the list's text is searched for the quoted code ("sante" never matches
    "social_sante")."""
    if connection.vendor == "postgresql":
        return Q(**{f"{field}__has_key": code})
    return Q(**{f"{field}_text__contains": f'"{code}"'})


def _registrations(period: Period, site, months) -> dict:
    """Registrations counted by status, attendance and month of their session: one grouped
    query of a few rows (at most 3 × 3 × the months), added up here, instead of a filtered
    count per figure and per month."""
    rows = (
        registrations_in(period, site)
        .order_by()
        .values("status", "attendance", month=month_of(local_date("session__start", period)))
        .annotate(n=Count("id"))
    )
    counts = dict.fromkeys(["registrations", "waitlisted", "attended", "attendance_taken"], 0)
    counts.update({f"month:{month.label}": 0 for month in months})
    for row in rows:
        n = row["n"]
        counts["registrations"] += n
        if row["status"] == RegistrationStatus.LISTE_ATTENTE:
            counts["waitlisted"] += n
        if row["attendance"] in (Attendance.PRESENT, Attendance.ABSENT):
            counts["attendance_taken"] += n
        if row["attendance"] == Attendance.PRESENT:
            counts["attended"] += n
            counts[f"month:{month_label(row['month'])}"] += n
    return counts


def _helps(period: Period, site, months) -> dict:
    """Helps counted by autonomy, urgency and month (grouped, added up here), each group with
    its filtered count of every procedure and theme (a help lists several)."""
    helps = helps_in(period, site).annotate(
        themes_text=Cast("themes", TextField()),
        procedures_text=Cast("procedures", TextField()),
    )
    lists = {"n": Count("id")}
    for code in Procedure.values:
        lists[f"procedure:{code}"] = Count("id", filter=_contains_code("procedures", code))
    for code in DigitalTheme.values:
        lists[f"theme:{code}"] = Count("id", filter=_contains_code("themes", code))
    rows = (
        helps.order_by().values("autonomy", "urgent", month=month_of(F("date"))).annotate(**lists)
    )
    counts = {"helps": 0, "urgent": 0}
    counts.update({key: 0 for key in lists if key != "n"})
    counts.update({f"autonomy:{code}": 0 for code in Autonomy.values})
    counts.update({f"month:{month.label}": 0 for month in months})
    for row in rows:
        n = row["n"]
        counts["helps"] += n
        if row["urgent"]:
            counts["urgent"] += n
        if row["autonomy"]:
            counts[f"autonomy:{row['autonomy']}"] += n
        counts[f"month:{month_label(row['month'])}"] += n
        for key in lists:
            if key != "n":
                counts[key] += row[key]
    return counts


def _sessions(period: Period, site) -> dict:
    """Sessions counted by their workshop's theme (grouped: one row per theme)."""
    rows = (
        sessions_in(period, site)
        .order_by()
        .values(theme=F("workshop__theme"))
        .annotate(n=Count("id"))
    )
    themes = {row["theme"]: row["n"] for row in rows}
    counts = {f"theme:{code}": themes.get(code, 0) for code in DigitalTheme.values}
    return {"sessions": sum(themes.values()), **counts}


def _anonymous_attendees(period: Period, site) -> dict:
    """The people counted without a name at the sessions of the period, by age band, in one
    query. They are attendance, never persons: `people` and the rates do not see them."""
    start, end = period.instants
    groups = _site_filter(
        AnonymousAttendance.objects.filter(session__start__gte=start, session__start__lt=end),
        site,
        "session__site",
    )
    sums = {f"age:{band}": Sum("count", filter=Q(age_band=band)) for band in AnonymousAgeBand}
    by_age = breakdown(AnonymousAgeBand, _picked(groups.aggregate(**sums), "age:"))
    return {
        VillagesCode.ANONYMOUS_ATTENDEES: sum(by_age.values()),
        VillagesCode.ANONYMOUS_BY_AGE: by_age,
    }


def _skill_rank():
    """Classification → its rank in SkillLevel's order (illectronisme = 0)."""
    return Case(
        *(
            When(classification=code, then=Value(SkillLevel.rank(code)))
            for code in SkillLevel.values
        ),
        output_field=IntegerField(),
    )


def _picked(counts: dict, prefix: str) -> dict:
    return {
        key.removeprefix(prefix): value for key, value in counts.items() if key.startswith(prefix)
    }


def compute(period: Period, site) -> dict:
    months = period.months()
    people = _persons_reached(period, site, months)
    assessments = _assessments(period, site)
    registrations = _registrations(period, site, months)
    helps = _helps(period, site, months)
    sessions = _sessions(period, site)
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
        **{key: rate(people[key], people["age_known"]) for key in AGE_BANDS},
        VillagesCode.BAC_OR_HIGHER_RATE: rate(people["bac_or_higher"], people["education_known"]),
        VillagesCode.ILLECTRONISME_RATE: rate(
            assessments[f"skill:{SkillLevel.ILLECTRONISME}"], assessments["assessed"]
        ),
        VillagesCode.SKILLS: breakdown(SkillLevel, _picked(assessments, "skill:")),
        VillagesCode.EQUIPPED_RATE: rate(assessments["equipped"], assessments["equipment_known"]),
        VillagesCode.TIERS_AIDANT_RATE: rate(
            assessments["tiers_aidant"], assessments["tiers_aidant_known"]
        ),
        VillagesCode.SKILLS_PROGRESS_RATE: rate(
            assessments["progress_n"], assessments["progress_of"]
        ),
        **_anonymous_attendees(period, site),
    }
