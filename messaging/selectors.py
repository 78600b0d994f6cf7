"""Reads of the messages, scoped to the user."""

from django.db.models import Q

from .choices import Channel
from .models import ContactConsent, Message, MessageTemplate, SiteContact

PANEL_MESSAGES = 20


def person_consents(*, person) -> dict[str, ContactConsent | None]:
    """The current consent of `person` on each channel (None: never asked)."""
    found = {
        consent.channel: consent
        for consent in ContactConsent.objects.filter(person=person).select_related("recorded_by")
    }
    return {channel: found.get(channel) for channel in Channel.values}


def person_messages(*, person, user, limit: int = PANEL_MESSAGES) -> list[Message]:
    """The last messages to `person` the user may see: a message about a record of a programme
    the user may not read (a social interview for a mediator) is left out."""
    allowed = Q(visible_with_perm="") | Q(visible_with_perm__in=user.get_all_permissions())
    return list(
        Message.objects.visible_to(user)
        .filter(person=person)
        .filter(allowed)
        .order_by("-created_at", "-id")[:limit]
    )


def template_list() -> list[MessageTemplate]:
    return list(MessageTemplate.objects.order_by("code", "channel"))


def site_phones(*, user) -> list[tuple]:
    """Each site the user sees with its phone for the messages ("" if none)."""
    from ceis.models import Site

    phones = dict(SiteContact.objects.values_list("site_id", "phone"))
    return [
        (site, phones.get(site.pk, "")) for site in Site.objects.visible_to(user).order_by("name")
    ]


def channels_told(*, about_kind: str, about_id, template: str) -> list[str]:
    """The channels on which a message about this record was made (sent or waiting)."""
    return list(
        Message.objects.filter(about_kind=about_kind, about_id=str(about_id), template=template)
        .exclude(failure_reason="consentement retiré")
        .values_list("channel", flat=True)
        .distinct()
    )
