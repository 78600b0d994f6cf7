"""The bilan as a whole: its structure, its query count, its helpers and its catalogue."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reporting.indicators import compute_bilan
from reporting.indicators.codes import (
    AppointmentsCode,
    MessagesCode,
    OrientationsCode,
    Programme,
    Section,
    UnisversCode,
    VillagesCode,
)
from reporting.indicators.common import Period, mean, rate
from reporting.indicators.definitions import DEFINITIONS, definitions_for_annex
from reporting.indicators.publication import (
    SMALL_COUNT_LABEL,
    publish_count,
    published_breakdown,
    published_count,
    published_rate,
)
from reporting.indicators.reference import compute_reference_bilan
from unisvers.choices import AttendanceStatus, ExitOutcome
from unisvers.models import Attendance
from unisvers.tests.factories import EventFactory, FollowUpFactory, TargetFactory
from villages.tests.factories import (
    AssessmentFactory,
    IndividualHelpFactory,
    RegistrationFactory,
    VisitFactory,
)

from .helpers import D, cohort, enrollment, person, session_at

RATE = {"n": None, "of": None, "rate": None}
UNISVERS_KEYS = {
    "participants": None,
    "target": None,
    "target_rate": RATE,
    "cohorts": None,
    "exits": None,
    "dropouts": None,
    "completions": None,
    "positive_exits": None,
    "positive_exit_rate": RATE,
    "positive_exit_rate_completers": RATE,
    "dropout_rate": RATE,
    "outcomes": {
        "emploi_durable": None,
        "emploi_transition": None,
        "iae": None,
        "formation": None,
        "projet_professionnel": None,
        "sans_solution": None,
        "abandon": None,
    },
    "dropout_reasons": {
        "sante": None,
        "contraintes_familiales": None,
        "demenagement": None,
        "mobilite": None,
        "injoignable": None,
        "autre": None,
    },
    "individual_followup_rate": RATE,
    "age_35_50_rate": RATE,
    "income_below_550_rate": RATE,
    "living_alone_rate": RATE,
    "single_parent_rate": RATE,
    "domestic_violence_rate": RATE,
    "attendance": {"present": None, "absent_excuse": None, "absent_non_excuse": None},
    "attendance_rate": RATE,
    "unexcused_absence_rate": RATE,
    "followup_3m": {
        "emploi_durable": None,
        "emploi_transition": None,
        "iae": None,
        "formation": None,
        "projet_professionnel": None,
        "sans_solution": None,
        "inconnu": None,
    },
    "followup_3m_recorded": None,
    "confidence": {"assessed": None, "mean_entry": None, "mean_exit": None, "improved_rate": RATE},
    "event_attendees": None,
    "followup_6m": {
        "emploi_durable": None,
        "emploi_transition": None,
        "iae": None,
        "formation": None,
        "projet_professionnel": None,
        "sans_solution": None,
        "inconnu": None,
    },
    "followup_6m_recorded": None,
    "in_employment_6m_rate": RATE,
}
MONTH = {"month": None, "people": None, "attended": None, "individual_helps": None}
VILLAGES_KEYS = {
    "people": None,
    "sessions": None,
    "registrations": None,
    "waitlisted": None,
    "attended": None,
    "session_attendance_rate": RATE,
    "individual_helps": None,
    "urgent_helps": None,
    "procedures": {
        "papiers_elections_citoyennete": None,
        "famille_scolarite": None,
        "social_sante": None,
        "travail_formation": None,
        "logement": None,
        "transports_mobilite": None,
        "argent_impots": None,
        "justice": None,
        "etrangers_europe": None,
        "loisirs_sports_culture": None,
        "associations": None,
    },
    "themes": {
        "diagnostic_numerique": None,
        "prendre_en_main_du_materiel": None,
        "maintenance_de_materiel": None,
        "gere_ses_contenus_numeriques": None,
        "navigation_sur_internet": None,
        "email": None,
        "bureautique": None,
        "reseaux_sociaux": None,
        "sante": None,
        "banque_et_achats_en_ligne": None,
        "entrepreneuriat": None,
        "insertion_professionnelle": None,
        "securite_numerique": None,
        "parentalite": None,
        "scolarite_et_numerique": None,
        "creer_avec_le_numerique": None,
        "culture_numerique": None,
        "intelligence_artificielle": None,
        "aide_aux_demarches_administratives": None,
    },
    "autonomy": {
        "entierement_accompagne": None,
        "partiellement_autonome": None,
        "autonome": None,
    },
    "free_access_visits": None,
    "monthly": [MONTH, MONTH],
    "centre_ville_rate": RATE,
    "qpv_rate": RATE,
    "age_under_26_rate": RATE,
    "age_26_59_rate": RATE,
    "age_60_plus_rate": RATE,
    "bac_or_higher_rate": RATE,
    "illectronisme_rate": RATE,
    "skills": {
        "illectronisme": None,
        "capacites_faibles": None,
        "competences_de_base": None,
        "au_dela_de_la_base": None,
    },
    "equipped_rate": RATE,
    "tiers_aidant_rate": RATE,
    "skills_progress_rate": RATE,
    "anonymous_attendees": None,
    "anonymous_by_age": {"moins_26": None, "26_59": None, "60_plus": None, "inconnu": None},
}
APPOINTMENTS_KEYS = {
    "booked": None,
    "by_status": {"prevu": None, "honore": None, "excuse": None, "non_honore": None},
    "by_kind": {
        "accompagnement_numerique": None,
        "diagnostic_numerique": None,
        "entretien_social": None,
        "entretien_sortie": None,
        "autre": None,
    },
    "no_show_rate": RATE,
    "people": None,
}
ORIENTATIONS_KEYS = {
    "count": None,
    "by_category": {
        "france_travail": None,
        "mission_locale": None,
        "departement_rsa": None,
        "sante": None,
        "logement": None,
        "formation": None,
        "iae": None,
        "association": None,
        "administration": None,
        "numerique": None,
        "autre": None,
    },
    "completed_rate": RATE,
}
MESSAGES_KEYS = {
    "sent": {"sms": None, "email": None},
    "failed": {"sms": None, "email": None},
}
BILAN_KEYS = {
    "schema": None,
    "period": {"from": None, "to": None},
    "site": None,
    "generated_at": None,
    "unisvers": UNISVERS_KEYS,
    "villages": VILLAGES_KEYS,
    "appointments": APPOINTMENTS_KEYS,
    "orientations": ORIENTATIONS_KEYS,
    "messages": MESSAGES_KEYS,
}


def key_tree(value):
    """The shape of a JSON value, leaves replaced by None; dict order is kept."""
    if isinstance(value, dict):
        return {key: key_tree(item) for key, item in value.items()}
    if isinstance(value, list):
        return [key_tree(item) for item in value]
    return None


def leaves(value):
    if isinstance(value, dict):
        for item in value.values():
            yield from leaves(item)
    elif isinstance(value, list):
        for item in value:
            yield from leaves(item)
    else:
        yield value


@pytest.mark.django_db
def test_every_key_is_there_with_an_empty_database():
    bilan = compute_bilan(date_from=D(2019, 1, 1), date_to=D(2019, 2, 28))

    assert key_tree(bilan) == BILAN_KEYS
    # Same order as the spec, so that every reader lists indicators alike.
    assert list(bilan["unisvers"]) == list(UNISVERS_KEYS)
    assert list(bilan["villages"]) == list(VILLAGES_KEYS)
    assert list(bilan["appointments"]) == list(APPOINTMENTS_KEYS)
    assert list(bilan["orientations"]) == list(ORIENTATIONS_KEYS)
    assert list(bilan["messages"]) == list(MESSAGES_KEYS)
    assert bilan["schema"] == "ceis.bilan/1"
    assert bilan["period"] == {"from": "2019-01-01", "to": "2019-02-28"}
    assert bilan["site"] is None
    assert datetime.datetime.fromisoformat(bilan["generated_at"]).utcoffset() == (
        datetime.timedelta(0)
    )
    figures = {section: bilan[section] for section in list(BILAN_KEYS)[4:]}
    months = [month.pop("month") for month in figures["villages"]["monthly"]]
    assert months == ["2019-01", "2019-02"]
    # Counts are 0, the target and every rate and mean are null.
    assert set(leaves(figures)) == {0, None}
    assert bilan["unisvers"]["target"] is None
    assert bilan["unisvers"]["confidence"]["mean_entry"] is None


@pytest.mark.django_db
def test_site_is_reported_by_its_code(site):
    assert compute_bilan(date_from=D(2019, 1, 1), date_to=D(2019, 1, 1), site=site)["site"] == (
        "CEIS"
    )
    assert compute_bilan(date_from=D(2019, 1, 1), date_to=D(2019, 1, 1), site="CEIS")["site"] == (
        "CEIS"
    )


def test_from_after_to_is_refused():
    with pytest.raises(ValueError):
        compute_bilan(date_from=D(2019, 2, 1), date_to=D(2019, 1, 31))


def populate(site, other_site, size: int):
    """`size` of everything the bilan reads, on both sites."""
    for index in range(size):
        group = cohort(site, D(2019, 1, 7), D(2019, 2, 15), name=f"Promotion {size}-{index}")
        for where in (site, other_site):
            who = person(where, birth_date=D(1980, 1, 1 + index % 28))
            exited = enrollment(
                group,
                who,
                exit_date=D(2019, 2, 15),
                exit_outcome=ExitOutcome.FORMATION,
                confidence_entry=4,
                confidence_exit=6,
            )
            Attendance.objects.create(
                cohort=group, person=who, date=D(2019, 1, 7), status=AttendanceStatus.PRESENT
            )
            FollowUpFactory(person=exited.person, date=D(2019, 1, 20))
            EventFactory(site=where, date=D(2019, 6, 1)).attendees.set([who])
            RegistrationFactory(session=session_at(where, D(2019, 3, 1)), person=who, present=True)
            IndividualHelpFactory(site=where, person=who, date=D(2019, 4, 1))
            VisitFactory(site=where, person=who, date=D(2019, 5, 1))
            AssessmentFactory(site=where, person=who, date=D(2019, 4, 1), beginner=True)
            AssessmentFactory(site=where, person=who, date=D(2019, 5, 1))
    TargetFactory(site=site, year=2019 + size, persons=200)


def count_queries(compute=compute_bilan, **kwargs) -> int:
    with CaptureQueriesContext(connection) as context:
        compute(**kwargs)
    return len(context.captured_queries)


@pytest.mark.django_db
def test_query_count_is_small_and_does_not_grow_with_data(
    site, other_site, django_assert_num_queries
):
    """`compute_bilan` sends its six statements whatever the data and the period; the ORM
    reference 16 (15 when the period is not a calendar year, which reads no target)."""
    year = {"date_from": D(2019, 1, 1), "date_to": D(2019, 12, 31)}
    empty = count_queries(**year)
    reference_empty = count_queries(compute_reference_bilan, **year)
    populate(site, other_site, 2)
    small = count_queries(**year)
    with django_assert_num_queries(6):
        bilan = compute_bilan(**year, site=site)
    with django_assert_num_queries(7):  # and one to find the site from its code
        compute_bilan(**year, site=site.code)
    assert bilan["unisvers"]["participants"] == 4  # cohorts are all on the main site
    assert bilan["villages"]["people"] == 2  # but half the contacts are elsewhere
    populate(site, other_site, 12)
    larger = count_queries(**year)
    assert empty == small == larger == 6
    assert count_queries(date_from=D(2019, 1, 1), date_to=D(2019, 6, 30)) == 6
    assert reference_empty == count_queries(compute_reference_bilan, **year) == 16
    half = {"date_from": D(2019, 1, 1), "date_to": D(2019, 6, 30)}
    assert count_queries(compute_reference_bilan, **half) == 15
    bilan = compute_bilan(**year)
    assert bilan["unisvers"]["participants"] == 28
    assert bilan["villages"]["people"] == 28
    assert bilan["villages"]["skills_progress_rate"] == {"n": 28, "of": 28, "rate": 1.0}


@pytest.mark.parametrize(
    ("n", "of", "expected"),
    [
        (96, 137, 0.7007),
        (1, 3, 0.3333),
        (2, 3, 0.6667),
        (1, 32, 0.0312),  # 0.03125: Python's round(), an exact tie goes to even
        (3, 32, 0.0938),  # 0.09375
        (0, 5, 0.0),
        (5, 5, 1.0),
        (7, 0, None),
    ],
)
def test_rate_is_rounded_to_four_decimals(n, of, expected):
    assert rate(n, of) == {"n": n, "of": of, "rate": expected}


def test_mean_is_rounded_to_two_decimals():
    assert mean(14, 3) == 4.67
    assert mean(10, 2) == 5.0
    assert mean(0, 0) is None


def test_period_months_are_clipped_and_ordered():
    months = Period(D(2019, 11, 15), D(2020, 1, 10)).months()
    assert [(m.label, m.period.start, m.period.end) for m in months] == [
        ("2019-11", D(2019, 11, 15), D(2019, 11, 30)),
        ("2019-12", D(2019, 12, 1), D(2019, 12, 31)),
        ("2020-01", D(2020, 1, 1), D(2020, 1, 10)),
    ]


def test_calendar_year_is_exactly_first_january_to_31_december():
    assert Period(D(2019, 1, 1), D(2019, 12, 31)).calendar_year == 2019
    assert Period(D(2019, 1, 1), D(2019, 12, 30)).calendar_year is None
    assert Period(D(2019, 1, 2), D(2019, 12, 31)).calendar_year is None
    assert Period(D(2019, 1, 1), D(2020, 12, 31)).calendar_year is None


def test_catalogue_defines_every_key_in_the_json_order():
    assert list(DEFINITIONS["unisvers"]) == list(UNISVERS_KEYS)
    assert list(DEFINITIONS["villages"]) == list(VILLAGES_KEYS)
    assert list(DEFINITIONS["appointments"]) == list(APPOINTMENTS_KEYS)
    assert list(DEFINITIONS["orientations"]) == list(ORIENTATIONS_KEYS)
    assert list(DEFINITIONS["messages"]) == list(MESSAGES_KEYS)
    for programme in DEFINITIONS.values():
        for definition in programme.values():
            assert definition.label and definition.definition
            if definition.kind == "rate":
                assert definition.denominator, definition.key
    annex = definitions_for_annex()
    assert [section["title"] for section in annex] == [
        "Unis'Vers",
        "Vill@ges connectés",
        "Rendez-vous",
        "Orientations",
        "Messages",
    ]
    assert annex[0]["indicators"][0]["key"] == "participants"


def test_the_codes_are_the_json_keys_in_their_order():
    """One constant per key: the indicators, definitions, XLSX, PDF, texts and charts name the
    figures through `codes.py`, whose values are the published keys."""
    assert [code.value for code in UnisversCode] == list(UNISVERS_KEYS)
    assert [code.value for code in VillagesCode] == list(VILLAGES_KEYS)
    assert [code.value for code in AppointmentsCode] == list(APPOINTMENTS_KEYS)
    assert [code.value for code in OrientationsCode] == list(ORIENTATIONS_KEYS)
    assert [code.value for code in MessagesCode] == list(MESSAGES_KEYS)
    assert [section.value for section in [*Programme, *Section]] == list(DEFINITIONS)


def test_publication_rule_hides_counts_from_one_to_four_of_confidential_figures():
    assert [publish_count(n) for n in (0, 1, 4, 5)] == [0, SMALL_COUNT_LABEL, SMALL_COUNT_LABEL, 5]
    assert published_count("unisvers", "dropout_reasons", 3) == SMALL_COUNT_LABEL
    assert published_count("unisvers", "outcomes", 3) == 3
    assert published_breakdown("unisvers", "dropout_reasons", {"sante": 2, "autre": 0}) == {
        "sante": SMALL_COUNT_LABEL,
        "autre": 0,
    }
    hidden = published_rate("unisvers", "domestic_violence_rate", rate(2, 40))
    assert hidden["n"] == SMALL_COUNT_LABEL and hidden["of"] == 40
    assert hidden["rate"] != 0.05
    assert published_rate("unisvers", "domestic_violence_rate", rate(5, 40)) == rate(5, 40)
    assert published_rate("unisvers", "living_alone_rate", rate(2, 40)) == rate(2, 40)
