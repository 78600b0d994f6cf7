"""Merging planted duplicates and the bilan (domain.md, "Merging duplicates"): every stored
bilan version keeps its figures and its PDF byte for byte, and the recomputed bilan changes
only by the people who were counted twice."""

import datetime
import json

import pytest

from ceis.choices import Role
from ceis.merge import persons_merge
from ceis.tests.factories import PersonFactory
from reporting.choices import JobStatus
from reporting.indicators import compute_bilan
from reporting.models import BilanVersion
from reporting.services import bilan_document_create, bilan_version_generate, bilan_version_request
from unisvers.tests.factories import CohortFactory, EnrollmentFactory, EventFactory
from villages.tests.factories import IndividualHelpFactory, RegistrationFactory, SessionFactory

D = datetime.date
YEAR = {"date_from": D(2026, 1, 1), "date_to": D(2026, 12, 31)}

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _person(site, last_name):
    # One identity for everyone (born 1990, no neighbourhood, education unknown): the shares of
    # people (age bands, QPV…) stay 0 % or 100 % whatever the people counts, so that a figure
    # that moves can only be a count.
    return PersonFactory(
        site=site,
        last_name=last_name,
        first_name="Alex",
        birth_date=D(1990, 6, 1),
        sex="F",
        commune="Montpellier",
    )


def _flat(value, path=()):
    """{path: leaf} of a bilan (lists by position)."""
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return {path: value}
    flat = {}
    for key, item in items:
        flat |= _flat(item, (*path, str(key)))
    return flat


def _bilan(site=None):
    bilan = compute_bilan(**YEAR, site=site)
    bilan.pop("generated_at")
    return _flat(json.loads(json.dumps(bilan, default=str)))


@pytest.fixture
def planted(site, make_user):
    """Two real participants and two planted pairs of duplicates, each pair counted twice."""
    cohort = CohortFactory(site=site, start_date=D(2026, 3, 2), end_date=D(2026, 4, 10))
    session = SessionFactory(
        site=site, start=datetime.datetime(2026, 5, 5, 14, 0, tzinfo=datetime.UTC)
    )
    real = [_person(site, name) for name in ("Roux", "Blanc")]
    EnrollmentFactory(cohort=cohort, person=real[0], exited=True)
    RegistrationFactory(session=session, person=real[1], present=True)
    # Pair 1: in Unis'Vers under one record, at a workshop and a help under the other.
    uv, uv_twin = _person(site, "Martin"), _person(site, "MARTIN")
    EnrollmentFactory(cohort=cohort, person=uv, exited=True)
    RegistrationFactory(session=session, person=uv_twin, present=True)
    # Pair 2: both records in Vill@ges connectés (a workshop, then a help), and at an event.
    vg, vg_twin = _person(site, "Petit"), _person(site, "PETIT")
    RegistrationFactory(session=session, person=vg, present=True)
    IndividualHelpFactory(site=site, person=vg_twin, date=D(2026, 6, 3))
    event = EventFactory(site=site, date=D(2026, 6, 20))
    event.attendees.add(vg, vg_twin)
    return {"pairs": [(uv, uv_twin), (vg, vg_twin)], "admin": make_user(Role.ADMIN)}


def _stored() -> list:
    """Every stored version as its database row and the bytes of its PDF."""
    stored = []
    for version in BilanVersion.objects.order_by("pk"):
        row = BilanVersion.objects.filter(pk=version.pk).values().get()
        with version.pdf.open("rb") as pdf:
            stored.append((row, pdf.read()))
    return stored


def test_merging_planted_duplicates_keeps_every_stored_version_and_drops_double_counts(
    planted, site, media
):
    manager = planted["admin"]
    document = bilan_document_create(user=manager, **YEAR, site=site)
    for _ in range(2):  # two versions of the site's bilan, each with its PDF and its figures
        version = bilan_version_request(document=document, user=manager)
        bilan_version_generate(version_id=version.pk)
    assert BilanVersion.objects.filter(status=JobStatus.READY).count() == 2
    assert BilanVersion.objects.first().indicators["villages"]["people"] == 4
    stored = _stored()
    before = {"site": _bilan(site), "all": _bilan()}

    for kept, removed in planted["pairs"]:
        persons_merge(kept=kept, removed=removed, choices={}, user=planted["admin"])

    assert _stored() == stored  # figures, texts, PDF: byte for byte
    after = {"site": _bilan(site), "all": _bilan()}
    # Pair 2 was counted twice among Vill@ges' people (and in the shares of people by age) and
    # among the event's attendees: each of those counts drops by one. Pair 1 was counted once
    # per programme: nothing moves. Every other figure stays, rates included.
    expected = {
        ("unisvers", "event_attendees"): (2, 1),
        ("villages", "people"): (4, 3),
        ("villages", "age_under_26_rate", "of"): (4, 3),
        ("villages", "age_26_59_rate", "n"): (4, 3),
        ("villages", "age_26_59_rate", "of"): (4, 3),
        ("villages", "age_60_plus_rate", "of"): (4, 3),
    }
    for scope in ("site", "all"):
        changed = {
            key: (before[scope][key], after[scope].get(key))
            for key in before[scope].keys() | after[scope].keys()
            if before[scope].get(key) != after[scope].get(key)
        }
        assert changed == expected, scope
    assert after["site"][("unisvers", "participants")] == 2
    assert before["site"][("villages", "age_26_59_rate", "rate")] == 1.0
    assert after["site"][("villages", "age_26_59_rate", "rate")] == 1.0
