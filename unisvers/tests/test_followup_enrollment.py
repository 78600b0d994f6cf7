"""Which enrollment a follow-up entry belongs to (security.md row 17): the rule of the data
migration that tied the existing entries, of the package import and of the factories."""

import datetime
import importlib

import pytest

from unisvers.selectors import pick_enrollment

D = datetime.date
MIGRATION = importlib.import_module("unisvers.migrations.0006_followup_enrollment_handover")

# (pk, cohort_id, entry_date, period_end) of one person: spring, then autumn.
SPRING = (1, 10, D(2026, 3, 2), D(2026, 4, 10))
AUTUMN = (2, 20, D(2026, 9, 7), D(2026, 10, 16))


@pytest.mark.parametrize("pick", [pick_enrollment, MIGRATION.pick_enrollment])
@pytest.mark.parametrize(
    ("date", "cohort_id", "expected"),
    [
        (D(2026, 3, 10), 20, 2),  # the entry's cohort wins over its date
        (D(2026, 3, 10), None, 1),  # during the spring cohort
        (D(2026, 9, 7), None, 2),  # first day of autumn
        (D(2026, 6, 15), None, 1),  # after the spring exit: the last enrollment begun
        (D(2027, 1, 5), None, 2),
        (D(2026, 1, 5), None, 1),  # before any entry date: the first enrollment
        (D(2026, 3, 10), 99, 1),  # a cohort the person was not in: by date
    ],
)
def test_an_entry_is_tied_by_its_cohort_else_its_date(pick, date, cohort_id, expected):
    assert pick([AUTUMN, SPRING], date=date, cohort_id=cohort_id) == expected


def test_an_entry_of_a_person_never_enrolled_has_no_enrollment():
    assert pick_enrollment([], date=D(2026, 3, 10)) is None
    assert MIGRATION.pick_enrollment([], date=D(2026, 3, 10)) is None
