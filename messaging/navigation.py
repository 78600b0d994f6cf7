"""The person's consent and messages in their file; the templates under « Plus » for admins
(ceis.navigation hooks). Managers and volunteers get nothing (perms.py)."""

from ceis.navigation import HomePanel, NavItem

from . import perms, selectors
from .choices import Channel
from .forms import ConsentForm


def nav_items(user) -> list[NavItem]:
    if not perms.can_edit_templates(user):
        return []
    return [NavItem("Modèles de messages", "messaging:templates", order=93, secondary=True)]


def person_panels(user, person) -> list[HomePanel]:
    if not perms.can_view_messages(user):
        return []
    consents = selectors.person_consents(person=person)
    rows = [
        {
            "channel": channel,
            "consent": consents[channel.value],
            "address": person.phone if channel == Channel.SMS else person.email,
            "form": ConsentForm(
                initial={"channel": channel.value}, auto_id=f"id_{channel.value}_%s"
            )
            if perms.can_record_consent(user)
            else None,
        }
        for channel in Channel
    ]
    return [
        HomePanel(
            "messaging/panels/person.html",
            {
                "person": person,
                "rows": rows,
                "messages": selectors.person_messages(person=person, user=user),
                "limit": selectors.PANEL_MESSAGES,
            },
            order=36,
        )
    ]
