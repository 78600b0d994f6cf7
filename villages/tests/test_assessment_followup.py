"""An assessment's result compares with the previous one and suggests workshops (issue #21)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from ceis.choices import Role
from ceis.tests.factories import PersonFactory
from villages.assessment import score_changes, suggested_workshops, weak_domains
from villages.choices import DigitalTheme, SkillDomain, WorkshopLevel
from villages.tests.factories import AssessmentFactory, SessionFactory, WorkshopFactory

SCORES = {
    SkillDomain.INFORMATION: 2,
    SkillDomain.COMMUNICATION: 1,
    SkillDomain.CONTENUS: 2,
    SkillDomain.SECURITE: 0,
    SkillDomain.RESOLUTION_PROBLEMES: 2,
}


def test_weak_domains_weakest_first():
    assert weak_domains(SCORES) == [SkillDomain.SECURITE, SkillDomain.COMMUNICATION]


def test_score_changes_domain_by_domain():
    before = {**SCORES, SkillDomain.SECURITE: 1, SkillDomain.INFORMATION: 0}
    changes = score_changes(SCORES, before)
    assert changes[SkillDomain.INFORMATION] == {"before": 0, "change": 2}
    assert changes[SkillDomain.SECURITE] == {"before": 1, "change": -1}
    assert changes[SkillDomain.CONTENUS] == {"before": 2, "change": 0}
    assert score_changes(SCORES, None)[SkillDomain.SECURITE] == {"before": None, "change": None}


class W:
    def __init__(self, title, theme, level=""):
        self.title, self.theme, self.level = title, theme, level


def test_suggestions_fit_the_level_of_each_weak_domain():
    workshops = [
        W("Mots de passe avancés", DigitalTheme.SECURITE_NUMERIQUE, WorkshopLevel.AVANCE),
        W("Se protéger en ligne", DigitalTheme.SECURITE_NUMERIQUE, WorkshopLevel.DEBUTANT),
        W("Courriels pièces jointes", DigitalTheme.EMAIL, WorkshopLevel.INTERMEDIAIRE),
        W("Premier courriel", DigitalTheme.EMAIL, WorkshopLevel.DEBUTANT),
        W("Tableur", DigitalTheme.BUREAUTIQUE, WorkshopLevel.DEBUTANT),  # a strong domain
    ]
    suggested = {
        domain: [w.title for w in chosen]
        for domain, chosen in suggested_workshops(SCORES, workshops)
    }
    assert suggested == {
        SkillDomain.SECURITE: ["Se protéger en ligne", "Mots de passe avancés"],
        SkillDomain.COMMUNICATION: ["Courriels pièces jointes", "Premier courriel"],
    }


def test_nothing_to_suggest_when_every_domain_is_above_basic():
    assert (
        suggested_workshops(dict.fromkeys(SkillDomain.values, 2), [W("x", DigitalTheme.EMAIL)])
        == []
    )


@pytest.mark.django_db
def test_result_page_compares_with_the_previous_assessment_and_suggests(client_for, site):
    client = client_for(Role.MEDIATEUR_NUMERIQUE)
    person = PersonFactory(site=site)
    scores = {
        "information": 1,
        "communication": 0,
        "contenus": 1,
        "securite": 0,
        "resolution_problemes": 0,
    }
    AssessmentFactory(
        person=person,
        site=site,
        date=datetime.date(2026, 3, 2),
        classification="illectronisme",
        **scores,
    )
    latest = AssessmentFactory(
        person=person,
        site=site,
        date=datetime.date(2026, 6, 1),
        classification="capacites_faibles",
        **{
            **scores,
            "communication": 2,
            "information": 2,
            "contenus": 2,
            "resolution_problemes": 1,
        },
    )
    safety = WorkshopFactory(
        title="Se protéger en ligne",
        theme=DigitalTheme.SECURITE_NUMERIQUE,
        level=WorkshopLevel.DEBUTANT,
    )
    WorkshopFactory(title="Premier courriel", theme=DigitalTheme.EMAIL)  # communication is fine now
    session = SessionFactory(
        site=site, workshop=safety, start=timezone.now() + datetime.timedelta(days=3)
    )
    html = client.get(
        reverse("villages:assessment_detail", args=[latest.public_id])
    ).content.decode()
    assert "Au diagnostic précédent, le 02/03/2026" in html
    assert "comparé au diagnostic du 02/03/2026" in html
    assert "+2" in html and "en progrès" in html  # communication: 0 → 2
    assert "inchangé" in html  # sécurité: 0 → 0
    assert "Ateliers conseillés" in html
    assert "Se protéger en ligne" in html
    assert "Premier courriel" not in html
    assert reverse("villages:session_detail", args=[session.public_id]) in html


@pytest.mark.django_db
def test_first_assessment_has_no_comparison(client_for, site):
    client = client_for(Role.MEDIATEUR_NUMERIQUE)
    only = AssessmentFactory(person=PersonFactory(site=site), site=site)
    html = client.get(reverse("villages:assessment_detail", args=[only.public_id])).content.decode()
    assert "diagnostic précédent" not in html
    assert '<th scope="col">Évolution</th>' not in html


@pytest.mark.django_db
def test_result_page_queries_do_not_grow_with_the_catalogue(
    client_for, site, django_assert_max_num_queries
):
    client = client_for(Role.MEDIATEUR_NUMERIQUE)
    only = AssessmentFactory(
        person=PersonFactory(site=site), site=site, securite=0, communication=0
    )
    url = reverse("villages:assessment_detail", args=[only.public_id])
    client.get(url)
    for _ in range(6):
        SessionFactory(site=site, workshop=WorkshopFactory(theme=DigitalTheme.SECURITE_NUMERIQUE))
    with django_assert_max_num_queries(12):
        client.get(url)
