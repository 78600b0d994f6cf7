"""The `orientations` and `messages` sections of the bilan (indicators.md, "Added keys")."""

import datetime

import pytest

from coordination.choices import OrientationSource, OrientationStatus, PartnerCategory
from coordination.services import orientation_create
from coordination.tests.factories import OrientationFactory, PartnerFactory
from messaging.choices import MessageStatus
from messaging.tests.factories import MessageFactory
from reporting.indicators import compute_bilan
from unisvers.tests.factories import FollowUpFactory
from villages.tests.factories import IndividualHelpFactory

from .helpers import PARIS, D, cohort, enrollment, person

pytestmark = pytest.mark.django_db

YEAR = {"date_from": D(2019, 1, 1), "date_to": D(2019, 12, 31)}


def oriented(who, partner, status, day=None):
    return OrientationFactory(person=who, partner=partner, date=day or D(2019, 5, 6), status=status)


def test_orientations_by_partner_category_and_the_share_completed(site):
    who = person(site)
    france_travail = PartnerFactory(site=site, france_travail=True)
    housing = PartnerFactory(site=site, category=PartnerCategory.LOGEMENT)
    oriented(who, france_travail, OrientationStatus.REALISEE)
    oriented(who, france_travail, OrientationStatus.REALISEE)
    oriented(who, france_travail, OrientationStatus.PROPOSEE)  # no outcome yet
    oriented(who, housing, OrientationStatus.REFUSEE)
    oriented(who, housing, OrientationStatus.SANS_SUITE)
    oriented(who, housing, OrientationStatus.ACCEPTEE)
    oriented(who, housing, OrientationStatus.REALISEE, D(2018, 12, 31))  # the year before

    orientations = compute_bilan(**YEAR)["orientations"]

    assert orientations["count"] == 6
    assert orientations["by_category"]["france_travail"] == 3
    assert orientations["by_category"]["logement"] == 3
    assert sum(orientations["by_category"].values()) == 6
    # 2 done among the 5 that are no longer « proposée ».
    assert orientations["completed_rate"] == {"n": 2, "of": 5, "rate": 0.4}


def test_an_orientation_from_another_sites_help_counts_for_the_helps_site(site, other_site):
    alice = person(site)  # her file is on the main site
    help_elsewhere = IndividualHelpFactory(site=other_site, person=alice, date=D(2019, 3, 4))
    partner_elsewhere = PartnerFactory(site=other_site, category=PartnerCategory.NUMERIQUE)
    orientation_create(
        user=None,
        person=alice,
        partner=partner_elsewhere,
        date=D(2019, 3, 4),
        source=OrientationSource.HELP,
        record=help_elsewhere,
    )
    # A follow-up entry written in her enrollment counts for the cohort's site.
    group = cohort(site, D(2019, 1, 7), D(2019, 6, 28))
    entry = FollowUpFactory(person=alice, enrollment=enrollment(group, alice), date=D(2019, 4, 1))
    orientation_create(
        user=None,
        person=alice,
        partner=PartnerFactory(site=site, france_travail=True),
        date=D(2019, 4, 1),
        source=OrientationSource.FOLLOWUP,
        record=entry,
    )

    here = compute_bilan(**YEAR, site=site)["orientations"]
    there = compute_bilan(**YEAR, site=other_site)["orientations"]

    assert (here["count"], here["by_category"]["france_travail"]) == (1, 1)
    assert (there["count"], there["by_category"]["numerique"]) == (1, 1)
    assert compute_bilan(**YEAR)["orientations"]["count"] == 2


def test_no_orientation_lists_every_category_with_zeros_and_no_rate(site):
    orientations = compute_bilan(**YEAR)["orientations"]

    assert orientations["count"] == 0
    assert set(orientations["by_category"].values()) == {0}
    assert len(orientations["by_category"]) == len(PartnerCategory.values)
    assert orientations["completed_rate"] == {"n": 0, "of": 0, "rate": None}


def local(day, hour, minute=0):
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=PARIS)


def test_messages_sent_and_failed_by_channel_dated_by_their_sending(site, other_site):
    who = person(site)
    MessageFactory(
        person=who, channel="sms", status=MessageStatus.ENVOYE, sent_at=local(D(2019, 3, 4), 9)
    )
    MessageFactory(
        person=who, channel="sms", status=MessageStatus.REMIS, sent_at=local(D(2019, 3, 5), 9)
    )
    MessageFactory(
        person=who, channel="email", status=MessageStatus.ENVOYE, sent_at=local(D(2019, 3, 5), 9)
    )
    # A failure that never left is dated by its failure (scheduled_for, set by the sender).
    MessageFactory(
        person=who,
        channel="sms",
        status=MessageStatus.ECHEC,
        scheduled_for=local(D(2019, 6, 1), 10),
    )
    # Stopped before it left (consent withdrawn, replaced): « échec » in the log, not a failure.
    MessageFactory(
        person=who,
        channel="sms",
        status=MessageStatus.ECHEC,
        withheld=True,
        failure_reason="consentement retiré",
        scheduled_for=local(D(2019, 6, 2), 10),
    )
    # Waiting messages are neither sent nor failed.
    MessageFactory(
        person=who,
        channel="email",
        status=MessageStatus.EN_ATTENTE,
        scheduled_for=local(D(2019, 6, 1), 10),
    )
    # Sent at 00:30 in Paris on 1 January 2020 (23:30 UTC on 31 December): not in 2019.
    MessageFactory(
        person=who,
        channel="email",
        status=MessageStatus.ENVOYE,
        sent_at=datetime.datetime(2019, 12, 31, 23, 30, tzinfo=datetime.UTC),
    )
    # Another site's message counts for that site.
    MessageFactory(
        person=who,
        site=other_site,
        channel="email",
        status=MessageStatus.ECHEC,
        scheduled_for=local(D(2019, 2, 1), 10),
    )

    messages = compute_bilan(**YEAR)["messages"]
    assert messages == {"sent": {"sms": 2, "email": 1}, "failed": {"sms": 1, "email": 1}}
    here = compute_bilan(**YEAR, site=site)["messages"]
    assert here == {"sent": {"sms": 2, "email": 1}, "failed": {"sms": 1, "email": 0}}
    new_year = compute_bilan(date_from=D(2020, 1, 1), date_to=D(2020, 1, 31))["messages"]
    assert new_year["sent"] == {"sms": 0, "email": 1}
