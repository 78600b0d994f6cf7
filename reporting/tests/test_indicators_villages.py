"""Vill@ges connectés indicators on hand-built data; every expectation is computed by hand."""

import datetime

import pytest

from ceis.choices import EducationLevel
from ceis.tests.factories import NeighbourhoodFactory
from reporting.indicators import compute_bilan
from villages.choices import (
    Attendance,
    Autonomy,
    DigitalTheme,
    Procedure,
    RegistrationStatus,
    SkillLevel,
)
from villages.tests.factories import (
    AssessmentFactory,
    IndividualHelpFactory,
    RegistrationFactory,
    VisitFactory,
    WorkshopFactory,
)

from .helpers import PARIS, D, person, session_at

pytestmark = pytest.mark.django_db

YEAR_2019 = {"date_from": D(2019, 1, 1), "date_to": D(2019, 12, 31)}
NO_THEMES = dict.fromkeys(DigitalTheme.values, 0)


def vc(**kwargs):
    return compute_bilan(**kwargs)["villages"]


def help_on(site, who, day, **kwargs):
    kwargs.setdefault("themes", [])
    kwargs.setdefault("procedures", [])
    return IndividualHelpFactory(site=site, person=who, date=day, **kwargs)


def test_people_reached_by_registration_help_or_visit(site, other_site):
    """Sessions are dated by their local (Paris) date; cancelled registrations reach nobody;
    helps and visits follow their own site."""
    p1, p2, p3, p4, p5, p6, p7 = (person(site) for _ in range(7))
    # 31/12 at 23:30 in Paris is 22:30 UTC; 01/01 at 00:30 in Paris is still 2018 in UTC.
    RegistrationFactory(session=session_at(site, D(2019, 12, 31), 23, 30), person=p1)
    RegistrationFactory(session=session_at(site, D(2019, 1, 1), 0, 30), person=p2)
    RegistrationFactory(session=session_at(site, D(2019, 5, 2)), person=p3, cancelled=True)
    RegistrationFactory(session=session_at(site, D(2020, 1, 1), 0, 15), person=p4)
    help_on(other_site, p5, D(2019, 6, 1))
    VisitFactory(site=site, date=D(2019, 7, 1), person=p6)
    VisitFactory(site=site, date=D(2019, 7, 1))  # anonymous: a visit, nobody reached
    help_on(site, p7, D(2018, 12, 31))
    help_on(site, p1, D(2019, 2, 1))  # p1 again: still one person

    everywhere = vc(**YEAR_2019)
    assert everywhere["people"] == 4  # p1, p2, p5, p6
    assert everywhere["sessions"] == 3
    assert everywhere["registrations"] == 2
    assert everywhere["individual_helps"] == 2
    assert everywhere["free_access_visits"] == 2

    main = vc(**YEAR_2019, site=site)
    assert main["people"] == 3  # p5's help was at the other site
    assert main["individual_helps"] == 1


def test_registrations_waiting_list_and_attendance(site):
    first = session_at(site, D(2019, 3, 5))
    second = session_at(site, D(2019, 4, 5))
    RegistrationFactory(session=first, present=True)
    RegistrationFactory(session=first, absent=True)
    RegistrationFactory(session=first)  # attendance not taken
    RegistrationFactory(session=first, waiting=True)
    RegistrationFactory(session=first, cancelled=True)
    RegistrationFactory(session=second, present=True)
    RegistrationFactory(session=second, waiting=True)

    figures = vc(**YEAR_2019)

    assert figures["sessions"] == 2
    assert figures["registrations"] == 6
    assert figures["waitlisted"] == 2
    assert figures["attended"] == 2
    assert figures["session_attendance_rate"] == {"n": 2, "of": 3, "rate": 0.6667}
    assert figures["people"] == 6


def test_helps_procedures_themes_and_autonomy(site):
    who = person(site)
    help_on(
        site,
        who,
        D(2019, 2, 1),
        themes=[DigitalTheme.EMAIL, DigitalTheme.SANTE],
        procedures=[Procedure.FAMILLE_SCOLARITE, Procedure.ARGENT_IMPOTS],
        urgent=True,
        autonomy=Autonomy.AUTONOME,
    )
    help_on(
        site,
        who,
        D(2019, 2, 2),
        themes=[DigitalTheme.SANTE],
        procedures=[Procedure.SOCIAL_SANTE],
    )
    help_on(site, who, D(2019, 3, 1), autonomy=Autonomy.PARTIELLEMENT_AUTONOME)
    help_on(site, who, D(2020, 1, 1), themes=[DigitalTheme.EMAIL], urgent=True)
    mail = WorkshopFactory(theme=DigitalTheme.EMAIL)
    session_at(site, D(2019, 5, 6), workshop=mail)
    session_at(site, D(2019, 5, 13), workshop=mail)
    session_at(site, D(2018, 5, 13), workshop=WorkshopFactory(theme=DigitalTheme.BUREAUTIQUE))

    figures = vc(**YEAR_2019)

    assert figures["individual_helps"] == 3
    assert figures["urgent_helps"] == 1
    assert figures["procedures"] == dict.fromkeys(Procedure.values, 0) | {
        "famille_scolarite": 1,
        "argent_impots": 1,
        "social_sante": 1,
    }
    assert list(figures["procedures"]) == Procedure.values
    assert figures["themes"] == NO_THEMES | {"email": 3, "sante": 2}
    assert list(figures["themes"]) == DigitalTheme.values
    assert figures["autonomy"] == {
        "entierement_accompagne": 0,
        "partiellement_autonome": 1,
        "autonome": 1,
    }


def test_monthly_counts_only_dates_inside_the_period(site):
    """From 15 January to 10 March: three months, each clipped to the period."""
    a, b, c, d = (person(site) for _ in range(4))
    help_on(site, a, D(2019, 1, 10))  # before the period, though in January
    help_on(site, a, D(2019, 1, 20))
    VisitFactory(site=site, person=a, date=D(2019, 2, 3))
    RegistrationFactory(session=session_at(site, D(2019, 2, 10)), person=b, present=True)
    RegistrationFactory(session=session_at(site, D(2019, 3, 11)), person=c, present=True)
    VisitFactory(site=site, person=d, date=D(2019, 3, 10))
    help_on(site, d, D(2019, 3, 5))

    figures = vc(date_from=D(2019, 1, 15), date_to=D(2019, 3, 10))

    assert figures["people"] == 3
    assert figures["monthly"] == [
        {"month": "2019-01", "people": 1, "attended": 0, "individual_helps": 1},
        {"month": "2019-02", "people": 2, "attended": 1, "individual_helps": 0},
        {"month": "2019-03", "people": 1, "attended": 0, "individual_helps": 1},
    ]


def test_monthly_lists_every_month_touched_even_empty(site):
    figures = vc(date_from=D(2019, 11, 30), date_to=D(2020, 2, 1))
    assert [month["month"] for month in figures["monthly"]] == [
        "2019-11",
        "2019-12",
        "2020-01",
        "2020-02",
    ]
    assert all(
        month["people"] == month["attended"] == month["individual_helps"] == 0
        for month in figures["monthly"]
    )


def test_profile_rates_of_people_reached(site):
    """Known-only denominators; age at the first contact of the period."""
    centre = NeighbourhoodFactory(centre=True)
    qpv = NeighbourhoodFactory(qpv=True)
    plain = NeighbourhoodFactory()
    p1 = person(
        site, neighbourhood=centre, birth_year=1994, education_level=EducationLevel.BAC_GENERAL
    )
    p2 = person(
        site,
        neighbourhood=qpv,
        birth_date=D(1993, 3, 2),
        education_level=EducationLevel.CAP_BEP,
    )
    p3 = person(site, neighbourhood=plain, birth_date=D(1959, 3, 1))
    p4 = person(site, birth_date=D(1960, 1, 1), education_level=EducationLevel.BAC_PRO_TECHNO)
    p5 = person(site)
    for who in (p1, p3, p4, p5):
        help_on(site, who, D(2019, 3, 1))
    # p2's first contact is the session of 1 March (25 years old); 26 at the April help.
    help_on(site, p2, D(2019, 4, 1))
    RegistrationFactory(session=session_at(site, D(2019, 3, 1)), person=p2)

    figures = vc(**YEAR_2019)

    assert figures["people"] == 5
    assert figures["centre_ville_rate"] == {"n": 1, "of": 3, "rate": 0.3333}
    assert figures["qpv_rate"] == {"n": 1, "of": 3, "rate": 0.3333}
    # p1: 2019 - 1994 = 25; p2: 25; p3: 60 on the day; p4: 59; p5 unknown.
    assert figures["age_under_26_rate"] == {"n": 2, "of": 4, "rate": 0.5}
    assert figures["age_26_59_rate"] == {"n": 1, "of": 4, "rate": 0.25}
    assert figures["age_60_plus_rate"] == {"n": 1, "of": 4, "rate": 0.25}
    assert figures["bac_or_higher_rate"] == {"n": 2, "of": 3, "rate": 0.6667}


def _assessment(who, day, *, site, created=None, **kwargs):
    if created is not None:
        kwargs["created_at"] = datetime.datetime.combine(created, datetime.time(9), PARIS)
    return AssessmentFactory(person=who, site=site, date=day, **kwargs)


WEAK = {"information": 0}  # one domain at 0: capacités faibles
BASIC = {}  # every domain at 1: compétences de base
BEYOND = dict.fromkeys(
    ["information", "communication", "contenus", "securite", "resolution_problemes"], 2
)


def test_assessment_rates_use_the_latest_assessment_on_or_before_to(site, other_site):
    """Latest assessment dated on or before `to`, whatever its site; on the same date, the one
    recorded last; persons not reached and persons without an assessment are left out."""
    a, b, c, d, e = (person(site) for _ in range(5))
    for who in (a, b, c, e):
        help_on(site, who, D(2019, 5, 1))
    help_on(site, d, D(2018, 5, 1))  # not reached in 2019

    _assessment(a, D(2019, 2, 1), site=other_site, beginner=True)
    # Same date: the one recorded last wins, whatever the insertion order.
    _assessment(a, D(2019, 6, 1), site=site, created=D(2019, 6, 2), owns_smartphone=True, **BASIC)
    _assessment(a, D(2019, 6, 1), site=site, created=D(2019, 6, 1), owns_smartphone=False, **WEAK)
    _assessment(a, D(2020, 1, 5), site=site, owns_smartphone=False, **BEYOND)  # after `to`

    _assessment(b, D(2018, 5, 1), site=other_site, beginner=True, tiers_aidant=True)

    _assessment(c, D(2019, 3, 1), site=site, **BASIC)
    _assessment(
        c,
        D(2019, 4, 1),
        site=site,
        owns_smartphone=False,
        owns_tablet=False,
        tiers_aidant=False,
        **WEAK,
    )

    _assessment(d, D(2019, 5, 1), site=site, beginner=True, owns_computer=True)

    for scope in ({}, {"site": site}):
        figures = vc(**YEAR_2019, **scope)
        assert figures["people"] == 4
        assert figures["skills"] == {
            SkillLevel.ILLECTRONISME: 1,  # b
            SkillLevel.CAPACITES_FAIBLES: 1,  # c
            SkillLevel.COMPETENCES_DE_BASE: 1,  # a
            SkillLevel.AU_DELA_DE_LA_BASE: 0,
        }
        assert figures["illectronisme_rate"] == {"n": 1, "of": 3, "rate": 0.3333}
        # Known equipment: a (smartphone) and c (two "no"); b answered nothing.
        assert figures["equipped_rate"] == {"n": 1, "of": 2, "rate": 0.5}
        # Known: b (yes) and c (no).
        assert figures["tiers_aidant_rate"] == {"n": 1, "of": 2, "rate": 0.5}
        # a went from illectronisme to compétences de base, c from base to faibles.
        assert figures["skills_progress_rate"] == {"n": 1, "of": 2, "rate": 0.5}


def test_registration_statuses_are_those_of_the_choices():
    """The counts above rely on these three codes only."""
    assert set(RegistrationStatus.values) == {"inscrit", "liste_attente", "annule"}
    assert set(Attendance.values) == {"present", "absent"}
