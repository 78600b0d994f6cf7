"""Who may do what with contact consent and messages.

- `travailleur_social`, `mediateur_numerique`: read the consent and the message log on the files
  they may see, and record a consent given or withdrawn.
- `admin`: the same, and edits the templates of the messages and the sites' phones.
- `manager`, `volontaire`: nothing nominative here (the bilan counts messages, reporting's part).
"""

from ceis.choices import Role
from ceis.perms import can_view_person_file

_AGENT = [
    "view_contactconsent",
    "add_contactconsent",
    "change_contactconsent",
    "view_message",
]

ROLE_PERMISSIONS = {
    Role.TRAVAILLEUR_SOCIAL: _AGENT,
    Role.MEDIATEUR_NUMERIQUE: _AGENT,
    Role.VOLONTAIRE: [],
    Role.MANAGER: [],
    Role.ADMIN: [
        *_AGENT,
        "view_messagetemplate",
        "change_messagetemplate",
        "view_sitecontact",
        "add_sitecontact",
        "change_sitecontact",
    ],
}


def can_view_messages(user) -> bool:
    return can_view_person_file(user) and user.has_perm("messaging.view_message")


def can_record_consent(user) -> bool:
    return can_view_person_file(user) and user.has_perm("messaging.change_contactconsent")


def can_edit_templates(user) -> bool:
    return user.has_perm("messaging.change_messagetemplate")
