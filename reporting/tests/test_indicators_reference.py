"""compute_bilan against a plain-Python reading of indicators.md, on random data.

The reference below walks every record in Python (fine for a test, forbidden in the app) and
uses the models' own helpers (`Person.age_on`, `ExitOutcome.positive`, `SkillLevel.rank`), so
that the SQL of `reporting.indicators` is checked against an independent computation.
"""

import datetime
import random

import pytest
from django.utils import timezone

from appointments.choices import AppointmentKind, AppointmentStatus
from appointments.models import Appointment
from ceis.choices import EducationLevel
from ceis.models import Neighbourhood, Person
from ceis.tests.factories import UserFactory
from coordination.choices import OrientationSource, OrientationStatus, PartnerCategory
from coordination.models import Orientation, Partner
from coordination.services import orientation_create
from messaging.choices import Channel, MessageStatus, TemplateCode
from messaging.models import Message
from reporting.indicators import compute_bilan
from unisvers.choices import (
    AttendanceStatus,
    DropoutReason,
    EventKind,
    ExitOutcome,
    FollowupSituation,
    Household,
)
from unisvers.models import Attendance, Cohort, Enrollment, Event, FollowUp, Target
from villages.assessment import classify
from villages.choices import (
    AnonymousAgeBand,
    AnonymousSex,
    Autonomy,
    DigitalTheme,
    Procedure,
    RegistrationStatus,
    SkillDomain,
    SkillLevel,
)
from villages.choices import (
    Attendance as Presence,
)
from villages.models import (
    AnonymousAttendance,
    Assessment,
    IndividualHelp,
    Registration,
    Session,
    Visit,
    Workshop,
)

from .helpers import PARIS, D

pytestmark = pytest.mark.django_db

START = D(2018, 1, 1)
DAYS = 3 * 365


def some_day(rnd, start=START, days=DAYS):
    return start + datetime.timedelta(days=rnd.randrange(days))


def maybe(rnd, value, chance=0.7):
    return value if rnd.random() < chance else None


def populate(rnd, sites):
    hoods = [
        Neighbourhood.objects.create(code="c1", name="Écusson", centre_ville=True),
        Neighbourhood.objects.create(code="q1", name="Figuerolles", qpv_code="QN03401M"),
        Neighbourhood.objects.create(
            code="cq", name="Gambetta", centre_ville=True, qpv_code="QN03402M"
        ),
        Neighbourhood.objects.create(code="p1", name="Arceaux"),
    ]
    people = []
    for index in range(70):
        birth_date = birth_year = None
        kind = rnd.random()
        if kind < 0.5:
            birth_date = D(rnd.randrange(1940, 2004), rnd.randrange(1, 13), rnd.randrange(1, 29))
            if rnd.random() < 0.1:
                birth_date = D(1980, 2, 29)
        elif kind < 0.8:
            birth_year = rnd.randrange(1940, 2004)
        people.append(
            Person.objects.create(
                site=rnd.choice(sites),
                last_name=f"Nom{index}",
                first_name="Prénom",
                birth_date=birth_date,
                birth_year=birth_year,
                neighbourhood=rnd.choice([*hoods, None]),
                education_level=rnd.choice(["", *EducationLevel.values]),
            )
        )

    cohorts = []
    for index in range(10):
        start = some_day(rnd)
        cohorts.append(
            Cohort.objects.create(
                site=rnd.choice(sites),
                name=f"Promotion {index}",
                start_date=start,
                end_date=start + datetime.timedelta(days=rnd.randrange(20, 120)),
                weekdays=["mon"],
            )
        )
    pairs = {(rnd.choice(cohorts), rnd.choice(people[:45])) for _ in range(90)}
    for cohort, person in pairs:
        entry = cohort.start_date + datetime.timedelta(days=rnd.randrange(0, 10))
        fields = {
            "household": rnd.choice(["", *Household.values]),
            "monthly_income_eur": maybe(rnd, rnd.choice([0, 300, 549, 550, 551, 900])),
            "domestic_violence": rnd.choice([None, True, False]),
            "confidence_entry": maybe(rnd, rnd.randrange(1, 11)),
        }
        if rnd.random() < 0.65:
            outcome = rnd.choice(ExitOutcome.values)
            exit_date = entry + datetime.timedelta(days=rnd.randrange(0, 90))
            fields |= {
                "exit_date": exit_date,
                "exit_outcome": outcome,
                "dropout_reason": (
                    rnd.choice(DropoutReason.values) if outcome == ExitOutcome.ABANDON else ""
                ),
                "confidence_exit": maybe(rnd, rnd.randrange(1, 11)),
            }
            if rnd.random() < 0.5:
                fields |= {
                    "followup_3m_date": exit_date + datetime.timedelta(days=rnd.randrange(80, 100)),
                    "followup_3m_situation": rnd.choice(FollowupSituation.values),
                }
        Enrollment.objects.create(cohort=cohort, person=person, entry_date=entry, **fields)
        for _ in range(rnd.randrange(0, 6)):
            Attendance.objects.get_or_create(
                cohort=cohort,
                person=person,
                date=some_day(rnd, cohort.start_date, 60),
                defaults={"status": rnd.choice(AttendanceStatus.values)},
            )
    for _ in range(40):
        FollowUp.objects.create(person=rnd.choice(people), date=some_day(rnd), kind="entretien")
    for _ in range(8):
        event = Event.objects.create(
            site=rnd.choice(sites), date=some_day(rnd), kind=rnd.choice(EventKind.values)
        )
        event.attendees.set(rnd.sample(people, rnd.randrange(0, 8)))
    for site in sites:
        for year in (2018, 2019):
            if rnd.random() < 0.8:
                Target.objects.create(site=site, year=year, persons=rnd.randrange(10, 300))

    workshops = [
        Workshop.objects.create(title=f"Atelier {code}", theme=code)
        for code in rnd.sample(DigitalTheme.values, 5)
    ]
    sessions = []
    for _ in range(30):
        day = some_day(rnd)
        hour, minute = rnd.choice([(0, 15), (9, 0), (14, 30), (23, 45)])
        sessions.append(
            Session.objects.create(
                workshop=rnd.choice(workshops),
                site=rnd.choice(sites),
                start=datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=PARIS),
            )
        )
    for session, person in {(rnd.choice(sessions), rnd.choice(people)) for _ in range(120)}:
        status = rnd.choice(RegistrationStatus.values)
        Registration.objects.create(
            session=session,
            person=person,
            status=status,
            attendance=rnd.choice(["", *Presence.values]) if status != "liste_attente" else "",
        )
    groups = [(band, sex) for band in AnonymousAgeBand.values for sex in AnonymousSex.values]
    for session in sessions:
        for band, sex in rnd.sample(groups, rnd.randrange(0, 3)):
            AnonymousAttendance.objects.create(
                session=session, age_band=band, sex=sex, count=rnd.randint(1, 9)
            )
    for _ in range(120):
        IndividualHelp.objects.create(
            person=rnd.choice(people),
            site=rnd.choice(sites),
            date=some_day(rnd),
            themes=rnd.sample(DigitalTheme.values, rnd.randrange(0, 3)),
            procedures=rnd.sample(Procedure.values, rnd.randrange(0, 3)),
            urgent=rnd.random() < 0.3,
            autonomy=rnd.choice(["", *Autonomy.values]),
        )
    for _ in range(80):
        Visit.objects.create(
            site=rnd.choice(sites), date=some_day(rnd), person=maybe(rnd, rnd.choice(people))
        )
    for _ in range(90):
        scores = {domain: rnd.randrange(0, 3) for domain in SkillDomain.values}
        internet = rnd.random() < 0.8
        day = some_day(rnd)
        Assessment.objects.create(
            person=rnd.choice(people[20:]),
            site=rnd.choice(sites),
            date=day,
            internet_use_3m=internet,
            **scores,
            classification=classify(internet_use_3m=internet, scores=scores),
            owns_smartphone=rnd.choice([None, True, False]),
            owns_tablet=rnd.choice([None, True, False]),
            owns_computer=rnd.choice([None, True, False]),
            tiers_aidant=rnd.choice([None, True, False]),
            # Random creation times: on the same date, the later one must win.
            created_at=datetime.datetime.combine(day, datetime.time(8), PARIS)
            + datetime.timedelta(minutes=rnd.randrange(600)),
        )
    populate_added_sections(rnd, sites, people)


def populate_added_sections(rnd, sites, people):
    """The records of the sections added to the bilan (appointments, orientations, messages),
    drawn after everything else so that the programmes' random data stays as it was, and the
    6-month situation of some exits."""
    for exited in Enrollment.objects.exclude(exit_date=None).order_by("pk"):
        if rnd.random() < 0.6:
            after = exited.followup_3m_date or exited.exit_date
            exited.followup_6m_date = after + datetime.timedelta(days=rnd.randrange(80, 100))
            exited.followup_6m_situation = rnd.choice(FollowupSituation.values)
            exited.save(update_fields=["followup_6m_date", "followup_6m_situation"])
    agents = [UserFactory() for _ in range(3)]
    for index in range(75):
        # Each agent's appointments take distinct half-hours of the day: never two at once
        # (the exclusion constraint on PostgreSQL), whatever days are drawn.
        slot = datetime.time(7 + index // 3 // 2, 30 * (index // 3 % 2))
        Appointment.objects.create(
            person=rnd.choice(people),
            agent=agents[index % 3],
            site=rnd.choice(sites),
            kind=rnd.choice(AppointmentKind.values),
            start=datetime.datetime.combine(some_day(rnd), slot, PARIS),
            duration_min=30,
            status=rnd.choice(AppointmentStatus.values),
        )
    # Around the periods' local midnights: 23:30 UTC is already the next day in Paris.
    edge = UserFactory()
    for day in (D(2018, 12, 31), D(2019, 12, 31), D(2019, 3, 14), D(2019, 11, 20)):
        Appointment.objects.create(
            person=rnd.choice(people),
            agent=edge,
            site=rnd.choice(sites),
            kind=rnd.choice(AppointmentKind.values),
            start=datetime.datetime.combine(day, datetime.time(23, 30), datetime.UTC),
            duration_min=30,
            status=rnd.choice(AppointmentStatus.values),
        )
    populate_orientations(rnd, sites)
    populate_messages(rnd, sites, people)


def populate_orientations(rnd, sites):
    partners = {
        site.pk: [
            Partner.objects.create(site=site, name=f"Partenaire {n}", category=category)
            for n, category in enumerate(rnd.sample(PartnerCategory.values, 4))
        ]
        for site in sites
    }
    records = [
        *(
            (OrientationSource.FOLLOWUP, f)
            for f in FollowUp.objects.select_related("enrollment__cohort").order_by("pk")
        ),
        *(
            (OrientationSource.EXIT, e)
            for e in Enrollment.objects.exclude(exit_date=None)
            .select_related("cohort")
            .order_by("pk")
        ),
        *((OrientationSource.HELP, h) for h in IndividualHelp.objects.order_by("pk")),
    ]
    for source, record in rnd.sample(records, 70):
        if source == OrientationSource.FOLLOWUP:
            # An entry outside any enrollment counts for its partner's site, whichever it is.
            site_id = (
                record.enrollment.cohort.site_id if record.enrollment else rnd.choice(sites).pk
            )
        elif source == OrientationSource.EXIT:
            site_id = record.cohort.site_id
        else:
            site_id = record.site_id
        day = some_day(rnd)
        orientation = orientation_create(
            user=None,
            person=record.person,
            partner=rnd.choice(partners[site_id]),
            date=day,
            source=source,
            record=record,
        )
        status = rnd.choice(OrientationStatus.values)
        Orientation.objects.filter(pk=orientation.pk).update(status=status, status_date=day)


def populate_messages(rnd, sites, people):
    def moment():
        return datetime.datetime.combine(some_day(rnd), datetime.time(8), PARIS) + (
            datetime.timedelta(minutes=rnd.randrange(720))
        )

    edges = [
        datetime.datetime.combine(day, datetime.time(23, 30), datetime.UTC)
        for day in (D(2018, 12, 31), D(2019, 12, 31), D(2019, 3, 14), D(2019, 11, 20))
    ]
    for index in range(90):
        status = rnd.choice(MessageStatus.values)
        at = edges[index % 4] if index < 12 else moment()
        left = status in (MessageStatus.ENVOYE, MessageStatus.REMIS) or (
            status == MessageStatus.ECHEC and rnd.random() < 0.3  # failed on delivery
        )
        Message.objects.create(
            person=rnd.choice(people),
            site=rnd.choice(sites),
            channel=rnd.choice(Channel.values),
            template=rnd.choice(TemplateCode.values),
            about_kind="appointment",
            about_id=str(index),  # a reminder is sent once per record
            body="CEIS : rendez-vous.",
            to="+33612345678",
            sent_at=at if left else None,
            scheduled_for=(at - datetime.timedelta(hours=1)) if left else at,
            status=status,
        )


# ---- the reference: indicators.md read line by line -------------------------------------


def ref_rate(n, of):
    return {"n": n, "of": of, "rate": round(n / of, 4) if of else None}


def ref_mean(values):
    return round(sum(values) / len(values), 2) if values else None


def inside(day, start, end):
    return start <= day <= end


def reference_unisvers(start, end, site, year_target):
    def on_site(cohort):
        return site is None or cohort.site_id == site.pk

    enrollments = [
        e for e in Enrollment.objects.select_related("cohort", "person") if on_site(e.cohort)
    ]
    active = [
        e
        for e in enrollments
        if e.entry_date <= end and (e.exit_date is None or e.exit_date >= start)
    ]
    latest = {}
    for e in sorted(active, key=lambda e: (e.entry_date, e.pk)):
        latest[e.person_id] = e
    profiles = list(latest.values())
    participants = len(profiles)
    followed = {f.person_id for f in FollowUp.objects.all() if inside(f.date, start, end)}
    ages = [p.person.age_on(p.entry_date) for p in profiles]
    known_ages = [age for age in ages if age is not None]
    incomes = [p.monthly_income_eur for p in profiles if p.monthly_income_eur is not None]
    households = [p.household for p in profiles if p.household]
    violence = [p.domestic_violence for p in profiles if p.domestic_violence is not None]
    exits = [e for e in enrollments if e.exit_date and inside(e.exit_date, start, end)]
    dropouts = [e for e in exits if e.exit_outcome == ExitOutcome.ABANDON]
    positive = [e for e in exits if e.exit_outcome in ExitOutcome.positive()]
    completions = len(exits) - len(dropouts)
    records = [
        a
        for a in Attendance.objects.select_related("cohort")
        if on_site(a.cohort) and inside(a.date, start, end)
    ]
    statuses = [a.status for a in records]
    absences = [s for s in statuses if s != AttendanceStatus.PRESENT]
    rated = [e for e in exits if e.confidence_entry is not None and e.confidence_exit is not None]
    attendees = set()
    for event in Event.objects.prefetch_related("attendees"):
        if (
            inside(event.date, start, end)
            and (site is None or event.site_id == site.pk)
            and event.kind != EventKind.AUTRE
        ):
            attendees |= {p.pk for p in event.attendees.all()}
    if year_target is None:
        target = None
    else:
        rows = [t.persons for t in Target.objects.filter(year=year_target)]
        if site is not None:
            rows = [t.persons for t in Target.objects.filter(year=year_target, site=site)]
        target = sum(rows) if rows else None
    return {
        "participants": participants,
        "target": target,
        "target_rate": ref_rate(participants, target or 0),
        "cohorts": sum(
            1
            for c in Cohort.objects.all()
            if on_site(c) and c.start_date <= end and c.end_date >= start
        ),
        "exits": len(exits),
        "dropouts": len(dropouts),
        "completions": completions,
        "positive_exits": len(positive),
        "positive_exit_rate": ref_rate(len(positive), len(exits)),
        "positive_exit_rate_completers": ref_rate(len(positive), completions),
        "dropout_rate": ref_rate(len(dropouts), len(exits)),
        "outcomes": {
            code: sum(e.exit_outcome == code for e in exits) for code in ExitOutcome.values
        },
        "dropout_reasons": {
            code: sum(e.dropout_reason == code for e in dropouts) for code in DropoutReason.values
        },
        "individual_followup_rate": ref_rate(
            sum(p.person_id in followed for p in profiles), participants
        ),
        "age_35_50_rate": ref_rate(sum(35 <= a <= 50 for a in known_ages), len(known_ages)),
        "income_below_550_rate": ref_rate(sum(i < 550 for i in incomes), len(incomes)),
        "living_alone_rate": ref_rate(households.count(Household.SEUL), len(households)),
        "single_parent_rate": ref_rate(households.count(Household.MONOPARENTAL), len(households)),
        "domestic_violence_rate": ref_rate(sum(violence), len(violence)),
        "attendance": {code: statuses.count(code) for code in AttendanceStatus.values},
        "attendance_rate": ref_rate(statuses.count(AttendanceStatus.PRESENT), len(statuses)),
        "unexcused_absence_rate": ref_rate(
            absences.count(AttendanceStatus.ABSENT_NON_EXCUSE), len(absences)
        ),
        "followup_3m": {
            code: sum(e.followup_3m_situation == code for e in exits)
            for code in FollowupSituation.values
        },
        "followup_3m_recorded": sum(bool(e.followup_3m_situation) for e in exits),
        "confidence": {
            "assessed": len(rated),
            "mean_entry": ref_mean([e.confidence_entry for e in rated]),
            "mean_exit": ref_mean([e.confidence_exit for e in rated]),
            "improved_rate": ref_rate(
                sum(e.confidence_exit > e.confidence_entry for e in rated), len(rated)
            ),
        },
        "event_attendees": len(attendees),
        "followup_6m": {
            code: sum(e.followup_6m_situation == code for e in exits)
            for code in FollowupSituation.values
        },
        "followup_6m_recorded": sum(bool(e.followup_6m_situation) for e in exits),
        "in_employment_6m_rate": ref_rate(
            sum(
                e.followup_6m_situation in ("emploi_durable", "emploi_transition", "iae")
                for e in exits
            ),
            sum(e.followup_6m_situation not in ("", "inconnu") for e in exits),
        ),
    }


def months_of(start, end):
    months, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def reference_villages(start, end, site):
    def here(obj):
        return site is None or obj.site_id == site.pk

    def session_day(session):
        return timezone.localtime(session.start, PARIS).date()

    sessions = [s for s in Session.objects.select_related("workshop") if here(s)]
    sessions_in = [s for s in sessions if inside(session_day(s), start, end)]
    registrations = [
        r
        for r in Registration.objects.select_related("session")
        if here(r.session)
        and r.status != RegistrationStatus.ANNULE
        and inside(session_day(r.session), start, end)
    ]
    helps = [h for h in IndividualHelp.objects.all() if here(h) and inside(h.date, start, end)]
    anonymous = [
        group
        for group in AnonymousAttendance.objects.select_related("session")
        if here(group.session) and inside(session_day(group.session), start, end)
    ]
    visits = [v for v in Visit.objects.all() if here(v) and inside(v.date, start, end)]
    contacts = (
        [(r.person_id, session_day(r.session)) for r in registrations]
        + [(h.person_id, h.date) for h in helps]
        + [(v.person_id, v.date) for v in visits if v.person_id]
    )
    first = {}
    for person_id, day in contacts:
        first[person_id] = min(day, first.get(person_id, day))
    persons = {p.pk: p for p in Person.objects.select_related("neighbourhood")}
    reached = [persons[pk] for pk in first]
    with_hood = [p for p in reached if p.neighbourhood]
    ages = [p.age_on(first[p.pk]) for p in reached]
    ages = [a for a in ages if a is not None]
    educated = [p for p in reached if p.education_level]
    attended = [r for r in registrations if r.attendance == Presence.PRESENT]
    taken = [r for r in registrations if r.attendance in Presence.values]

    by_person = {}
    for assessment in Assessment.objects.order_by("date", "created_at", "id"):
        if assessment.date <= end:
            by_person.setdefault(assessment.person_id, []).append(assessment)
    latest = [by_person[p.pk][-1] for p in reached if p.pk in by_person]
    equipment_known = [
        a
        for a in latest
        if any(v is not None for v in (a.owns_smartphone, a.owns_tablet, a.owns_computer))
    ]
    tiers = [a.tiers_aidant for a in latest if a.tiers_aidant is not None]
    twice = [by_person[p.pk] for p in reached if len(by_person.get(p.pk, [])) >= 2]
    monthly = []
    for label in months_of(start, end):
        monthly.append(
            {
                "month": label,
                "people": len({pk for pk, day in contacts if day.strftime("%Y-%m") == label}),
                "attended": sum(
                    session_day(r.session).strftime("%Y-%m") == label for r in attended
                ),
                "individual_helps": sum(h.date.strftime("%Y-%m") == label for h in helps),
            }
        )
    return {
        "people": len(reached),
        "sessions": len(sessions_in),
        "registrations": len(registrations),
        "waitlisted": sum(r.status == RegistrationStatus.LISTE_ATTENTE for r in registrations),
        "attended": len(attended),
        "session_attendance_rate": ref_rate(len(attended), len(taken)),
        "individual_helps": len(helps),
        "urgent_helps": sum(h.urgent for h in helps),
        "procedures": {code: sum(code in h.procedures for h in helps) for code in Procedure.values},
        "themes": {
            code: sum(code in h.themes for h in helps)
            + sum(s.workshop.theme == code for s in sessions_in)
            for code in DigitalTheme.values
        },
        "autonomy": {code: sum(h.autonomy == code for h in helps) for code in Autonomy.values},
        "free_access_visits": len(visits),
        "monthly": monthly,
        "centre_ville_rate": ref_rate(
            sum(p.neighbourhood.centre_ville for p in with_hood), len(with_hood)
        ),
        "qpv_rate": ref_rate(
            sum(bool(p.neighbourhood.qpv_code) for p in with_hood), len(with_hood)
        ),
        "age_under_26_rate": ref_rate(sum(a < 26 for a in ages), len(ages)),
        "age_26_59_rate": ref_rate(sum(26 <= a <= 59 for a in ages), len(ages)),
        "age_60_plus_rate": ref_rate(sum(a >= 60 for a in ages), len(ages)),
        "bac_or_higher_rate": ref_rate(
            sum(p.education_level in EducationLevel.bac_or_higher() for p in educated),
            len(educated),
        ),
        "illectronisme_rate": ref_rate(
            sum(a.classification == SkillLevel.ILLECTRONISME for a in latest), len(latest)
        ),
        "skills": {
            code: sum(a.classification == code for a in latest) for code in SkillLevel.values
        },
        "equipped_rate": ref_rate(
            sum(any((a.owns_smartphone, a.owns_tablet, a.owns_computer)) for a in equipment_known),
            len(equipment_known),
        ),
        "tiers_aidant_rate": ref_rate(sum(tiers), len(tiers)),
        "skills_progress_rate": ref_rate(
            sum(
                SkillLevel.rank(history[-1].classification)
                > SkillLevel.rank(history[0].classification)
                for history in twice
            ),
            len(twice),
        ),
        "anonymous_attendees": sum(group.count for group in anonymous),
        "anonymous_by_age": {
            band: sum(group.count for group in anonymous if group.age_band == band)
            for band in AnonymousAgeBand.values
        },
    }


def reference_appointments(start, end, site):
    appointments = [
        a
        for a in Appointment.objects.all()
        if (site is None or a.site_id == site.pk)
        and inside(timezone.localtime(a.start, PARIS).date(), start, end)
    ]
    by_status = {
        code: sum(a.status == code for a in appointments) for code in AppointmentStatus.values
    }
    return {
        "booked": len(appointments),
        "by_status": by_status,
        "by_kind": {
            code: sum(a.kind == code for a in appointments) for code in AppointmentKind.values
        },
        "no_show_rate": ref_rate(
            by_status["non_honore"], by_status["honore"] + by_status["non_honore"]
        ),
        "people": len({a.person_id for a in appointments if a.status == "honore"}),
    }


def reference_orientations(start, end, site):
    def site_of(o):
        if o.source == "followup" and o.followup.enrollment is not None:
            return o.followup.enrollment.cohort.site_id
        if o.source == "exit":
            return o.enrollment.cohort.site_id
        if o.source == "help":
            return o.help.site_id
        return o.partner.site_id

    orientations = [
        o
        for o in Orientation.objects.select_related(
            "partner", "followup__enrollment__cohort", "enrollment__cohort", "help"
        )
        if inside(o.date, start, end) and (site is None or site_of(o) == site.pk)
    ]
    decided = [o for o in orientations if o.status != "proposee"]
    return {
        "count": len(orientations),
        "by_category": {
            code: sum(o.partner.category == code for o in orientations)
            for code in PartnerCategory.values
        },
        "completed_rate": ref_rate(sum(o.status == "realisee" for o in decided), len(decided)),
    }


def reference_messages(start, end, site):
    messages = [
        m
        for m in Message.objects.all()
        if (site is None or m.site_id == site.pk)
        and inside(timezone.localtime(m.sent_at or m.scheduled_for, PARIS).date(), start, end)
    ]
    return {
        "sent": {
            code: sum(m.channel == code and m.status in ("envoye", "remis") for m in messages)
            for code in Channel.values
        },
        "failed": {
            code: sum(m.channel == code and m.status == "echec" for m in messages)
            for code in Channel.values
        },
    }


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_compute_bilan_equals_the_reference_on_random_data(seed, site, other_site):
    rnd = random.Random(seed)
    populate(rnd, [site, other_site])
    periods = [
        (D(2019, 1, 1), D(2019, 12, 31), 2019),
        (D(2018, 1, 1), D(2018, 12, 31), 2018),
        (D(2019, 3, 15), D(2019, 11, 20), None),
        (D(2018, 6, 1), D(2020, 5, 31), None),
        (D(2019, 2, 1), D(2019, 2, 1), None),
    ]
    checked = 0
    for start, end, year in periods:
        for scope in (None, site, other_site):
            bilan = compute_bilan(date_from=start, date_to=end, site=scope)
            assert bilan["unisvers"] == reference_unisvers(start, end, scope, year), (start, scope)
            assert bilan["villages"] == reference_villages(start, end, scope), (start, scope)
            assert bilan["appointments"] == reference_appointments(start, end, scope)
            assert bilan["orientations"] == reference_orientations(start, end, scope)
            assert bilan["messages"] == reference_messages(start, end, scope)
            checked += 1
    assert checked == 15
    # The random data does exercise the indicators (not only zeros).
    yearly = compute_bilan(date_from=D(2019, 1, 1), date_to=D(2019, 12, 31))
    assert yearly["unisvers"]["participants"] > 5
    assert yearly["unisvers"]["exits"] > 3
    assert yearly["villages"]["people"] > 10
    assert yearly["villages"]["skills_progress_rate"]["of"] > 0
    assert yearly["villages"]["anonymous_attendees"] > 0
    assert yearly["unisvers"]["in_employment_6m_rate"]["of"] > 2
    assert yearly["appointments"]["people"] > 5
    assert yearly["appointments"]["no_show_rate"]["of"] > 5
    assert yearly["orientations"]["completed_rate"]["of"] > 3
    assert sum(yearly["messages"]["failed"].values()) > 0
