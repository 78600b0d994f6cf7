"""The social worker's small frictions (issue #21): the exit's default date, the dropout reason
shown for an abandon only, the follow-up form above the entries and the page back at the entry
just saved."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from ceis.choices import Role
from unisvers.models import FollowUp
from unisvers.tests.factories import CohortFactory, EnrollmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def referent(make_user):
    return make_user(Role.TRAVAILLEUR_SOCIAL)


def enrollment_of(referent, site, *, start, end):
    cohort = CohortFactory(site=site, start_date=start, end_date=end, referents=[referent])
    return EnrollmentFactory(cohort=cohort)


def exit_page(client, enrollment):
    url = reverse("unisvers:enrollment_exit", args=[enrollment.public_id])
    return client.get(url).content.decode()


def test_exit_date_defaults_to_the_end_of_a_finished_cohort(client, referent, site):
    enrollment = enrollment_of(
        referent, site, start=datetime.date(2026, 3, 2), end=datetime.date(2026, 4, 10)
    )
    client.force_login(referent)
    assert 'name="exit_date" value="2026-04-10"' in exit_page(client, enrollment)


def test_exit_date_of_a_running_cohort_defaults_to_today(client, referent, site):
    today = timezone.localdate()
    enrollment = enrollment_of(
        referent,
        site,
        start=today - datetime.timedelta(days=10),
        end=today + datetime.timedelta(days=30),
    )
    client.force_login(referent)
    assert f'name="exit_date" value="{today:%Y-%m-%d}"' in exit_page(client, enrollment)


def test_dropout_reason_sits_in_a_block_shown_for_an_abandon(client, referent, site):
    enrollment = enrollment_of(
        referent, site, start=datetime.date(2026, 3, 2), end=datetime.date(2026, 4, 10)
    )
    client.force_login(referent)
    html = exit_page(client, enrollment)
    block = html[html.index('class="ceis-shown-if"') - 200 : html.index('name="dropout_reason"')]
    assert 'data-field="exit_outcome"' in block and 'data-value="abandon"' in block
    # Without JavaScript the field is there, with what it is for.
    assert "Obligatoire pour un abandon." in html


def test_a_reason_left_from_an_abandon_is_dropped_for_another_outcome(client, referent, site):
    enrollment = enrollment_of(
        referent, site, start=datetime.date(2026, 3, 2), end=datetime.date(2026, 4, 10)
    )
    client.force_login(referent)
    url = reverse("unisvers:enrollment_exit", args=[enrollment.public_id])
    client.post(
        url, {"exit_date": "2026-04-10", "exit_outcome": "formation", "dropout_reason": "sante"}
    )
    enrollment.refresh_from_db()
    assert (enrollment.exit_outcome, enrollment.dropout_reason) == ("formation", "")


def test_followup_form_comes_before_the_entries(client, referent, site):
    enrollment = enrollment_of(
        referent, site, start=datetime.date(2026, 3, 2), end=datetime.date(2026, 4, 10)
    )
    client.force_login(referent)
    url = reverse("unisvers:participant", args=[enrollment.person.public_id])
    html = client.get(url).content.decode()
    assert html.index("Ajouter au suivi") < html.index('id="titre-inscriptions"')
    assert html.index('id="titre-suivi"') < html.index("Ajouter au suivi")


def test_after_saving_a_followup_the_page_opens_at_the_new_entry(client, referent, site):
    enrollment = enrollment_of(
        referent, site, start=datetime.date(2026, 3, 2), end=datetime.date(2026, 4, 10)
    )
    client.force_login(referent)
    response = client.post(
        reverse("unisvers:followup_create", args=[enrollment.person.public_id]),
        {"date": "2026-03-12", "kind": "logement", "enrollment": enrollment.pk, "note": "RDV"},
    )
    followup = FollowUp.objects.get()
    participant = reverse("unisvers:participant", args=[enrollment.person.public_id])
    assert response["Location"] == f"{participant}#suivi-{followup.public_id}"
    html = client.get(participant).content.decode()
    assert f'id="suivi-{followup.public_id}" tabindex="-1"' in html
    # An edit comes back to the entry too.
    response = client.post(
        reverse("unisvers:followup_update", args=[followup.public_id]),
        {"date": "2026-03-12", "kind": "logement", "note": "RDV pris"},
    )
    assert response["Location"] == f"{participant}#suivi-{followup.public_id}"
