"""Reads of the messages, scoped to the user."""

from django.db.models import Q

from .choices import Channel, TemplateCode
from .defaults import DEFAULTS
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


def _default(code: str, channel: str) -> MessageTemplate:
    """The French default of a template not in the database (unsaved: saved when edited)."""
    text = DEFAULTS[code][channel]
    subject, body = text if isinstance(text, tuple) else ("", text)
    return MessageTemplate(code=code, channel=channel, subject=subject, body=body)


def template_list() -> list[MessageTemplate]:
    """Every template, the database's or, if missing there, its default."""
    saved = {(t.code, t.channel): t for t in MessageTemplate.objects.all()}
    return [
        saved.get((code, channel)) or _default(code, channel)
        for code in TemplateCode.values
        for channel in Channel.values
    ]


def templates_for(code: str) -> dict[str, MessageTemplate]:
    """The templates of one kind of message by channel (defaults for those not saved)."""
    saved = {t.channel: t for t in MessageTemplate.objects.filter(code=code)}
    return {channel: saved.get(channel) or _default(code, channel) for channel in Channel.values}


def template_get(*, code: str, channel: str) -> MessageTemplate:
    return templates_for(code)[channel]


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
        .exclude(withheld=True)
        .values_list("channel", flat=True)
        .distinct()
    )
