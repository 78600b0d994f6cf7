import pytest

from ceis.text import normalize_name, normalize_phone


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("06 12 34 56 78", "0612345678"),
        ("+33 6 12 34 56 78", "0612345678"),
        ("+33 (0)6 12 34 56 78", "0612345678"),
        ("06.12.34.56.78", "0612345678"),
        ("", ""),
    ],
)
def test_phones_are_reduced_to_their_national_digits(raw, expected):
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize(
    "variant", ["Éloïse-Marie", "eloise marie", "ELOISE  MARIE", "Eloïse–Marie", "éloise'marie"]
)
def test_names_ignore_accents_case_hyphens_and_spaces(variant):
    assert normalize_name(variant) == "eloisemarie"
