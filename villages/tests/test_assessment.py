"""Scoring and INSEE 2021 classification: pure functions, truth tables."""

import pytest

from villages.assessment import QUESTIONS, classify, domain_score, score_answers
from villages.choices import SkillDomain, SkillLevel

DOMAINS = SkillDomain.values


def _scores(*values):
    return dict(zip(DOMAINS, values, strict=True))


@pytest.mark.parametrize(
    ("internet", "scores", "expected"),
    [
        # No internet use in the last 3 months → illectronisme, whatever the scores.
        (False, (2, 2, 2, 2, 2), SkillLevel.ILLECTRONISME),
        (False, (0, 0, 0, 0, 0), SkillLevel.ILLECTRONISME),
        (False, (1, 1, 1, 1, 1), SkillLevel.ILLECTRONISME),
        # Four or five domains at 0 → illectronisme.
        (True, (0, 0, 0, 0, 0), SkillLevel.ILLECTRONISME),
        (True, (0, 0, 0, 0, 2), SkillLevel.ILLECTRONISME),
        (True, (1, 0, 0, 0, 0), SkillLevel.ILLECTRONISME),
        # One to three domains at 0 → capacités faibles.
        (True, (0, 0, 0, 1, 1), SkillLevel.CAPACITES_FAIBLES),
        (True, (2, 2, 0, 0, 0), SkillLevel.CAPACITES_FAIBLES),
        (True, (0, 2, 2, 2, 2), SkillLevel.CAPACITES_FAIBLES),
        (True, (2, 2, 2, 2, 0), SkillLevel.CAPACITES_FAIBLES),
        # No domain at 0 → compétences de base, unless all five are at 2.
        (True, (1, 1, 1, 1, 1), SkillLevel.COMPETENCES_DE_BASE),
        (True, (2, 2, 2, 2, 1), SkillLevel.COMPETENCES_DE_BASE),
        (True, (1, 2, 2, 2, 2), SkillLevel.COMPETENCES_DE_BASE),
        # All five at 2 → au-delà de la base.
        (True, (2, 2, 2, 2, 2), SkillLevel.AU_DELA_DE_LA_BASE),
    ],
)
def test_insee_2021_classification_truth_table(internet, scores, expected):
    assert classify(internet_use_3m=internet, scores=_scores(*scores)) == expected


def test_every_score_combination_gets_exactly_the_level_of_its_zero_count():
    """Exhaustive over the 3^5 score vectors with internet use."""
    import itertools

    for values in itertools.product((0, 1, 2), repeat=5):
        level = classify(internet_use_3m=True, scores=_scores(*values))
        zeros = values.count(0)
        if zeros >= 4:
            assert level == SkillLevel.ILLECTRONISME
        elif zeros >= 1:
            assert level == SkillLevel.CAPACITES_FAIBLES
        elif set(values) == {2}:
            assert level == SkillLevel.AU_DELA_DE_LA_BASE
        else:
            assert level == SkillLevel.COMPETENCES_DE_BASE


@pytest.mark.parametrize(("yes", "score"), [(0, 0), (1, 1), (2, 2), (3, 2), (4, 2)])
def test_domain_score_counts_activities(yes, score):
    assert domain_score(yes) == score


def test_answers_are_scored_per_domain():
    info_keys = [key for key, _ in QUESTIONS[SkillDomain.INFORMATION]]
    com_keys = [key for key, _ in QUESTIONS[SkillDomain.COMMUNICATION]]
    answers = {info_keys[0]: True, info_keys[1]: True, com_keys[2]: True, com_keys[3]: False}
    assert score_answers(answers) == {
        "information": 2,
        "communication": 1,
        "contenus": 0,
        "securite": 0,
        "resolution_problemes": 0,
    }


def test_every_domain_has_questions_with_unique_keys():
    keys = [key for questions in QUESTIONS.values() for key, _ in questions]
    assert set(QUESTIONS) == set(DOMAINS)
    assert len(keys) == len(set(keys))
