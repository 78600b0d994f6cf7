"""Message indicators (indicators.md, "Added keys", section `messages`): one aggregate query
whatever the amount of data. This module is the reference definition
(`reference.compute_reference_bilan`); the bilan the application publishes runs the equal
hand-written statement of `statements.py`.

Readings of the spec (also in docs/indicators.md):
- `sent`: messages whose status is `envoye` or `remis`; `failed`: status `echec` after a
  delivery attempt — a message stopped before it left (consent withdrawn, replaced by a newer
  one: `withheld`) did not fail and is left out; messages still waiting (`en_attente`) are in
  neither. Both by channel, every channel listed.
- A message is dated by the local date (Europe/Paris) of its sending (`sent_at`); a message that
  never left (a failure) by the moment its failure was recorded (`scheduled_for`, which the
  sender sets then).
- With `--site`, a message counts for its own site.
"""

from django.db.models import Count, F, Q
from django.db.models.functions import Coalesce

from messaging.choices import SENT_STATUSES, Channel, MessageStatus
from messaging.models import Message

from .codes import MessagesCode
from .common import Period, breakdown


def messages_in(period: Period, site):
    start, end = period.instants
    messages = Message.objects.alias(dated=Coalesce(F("sent_at"), F("scheduled_for"))).filter(
        dated__gte=start, dated__lt=end
    )
    return messages.filter(site=site) if site is not None else messages


def compute(period: Period, site) -> dict:
    counts = {}
    for code in Channel.values:
        counts[f"sent:{code}"] = Count("id", filter=Q(channel=code, status__in=SENT_STATUSES))
        counts[f"failed:{code}"] = Count(
            "id", filter=Q(channel=code, status=MessageStatus.ECHEC, withheld=False)
        )
    row = messages_in(period, site).order_by().aggregate(**counts)
    return {
        MessagesCode.SENT: breakdown(Channel, _picked(row, "sent:")),
        MessagesCode.FAILED: breakdown(Channel, _picked(row, "failed:")),
    }


def _picked(row: dict, prefix: str) -> dict:
    return {key.removeprefix(prefix): value for key, value in row.items() if key.startswith(prefix)}
