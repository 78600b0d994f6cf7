"""Who may see and attach the documents of a person (docs/documents.md).

The rule: a document belongs to one programme file (Unis'Vers or Vill@ges connectés) and is read,
attached or deleted by who may open that programme's file of the person on the person's site:
social workers for Unis'Vers, the digital mediator for Vill@ges connectés (a mediator never
reads Unis'Vers data, security.md row 3), admins both. A volunteer never (security.md row 18:
names only), a manager never (aggregates only). Another site's person, and so their documents,
answer 404 (`selectors`, scoped by `visible_to`); a document of a programme the user may not
read answers 404 too.
"""

from ceis import perms as core_perms
from ceis.choices import Role

from .models import DocumentProgramme

# The permission that opens a programme's file (each programme's perms.py grants it by role);
# named as a string: the core imports no programme.
PROGRAMME_PERMISSION = {
    DocumentProgramme.UNISVERS: "unisvers.view_enrollment",
    DocumentProgramme.VILLAGES: "villages.view_individualhelp",
}

_AGENT = ["view_persondocument", "add_persondocument", "delete_persondocument"]

ROLE_PERMISSIONS = {
    Role.TRAVAILLEUR_SOCIAL: _AGENT,
    Role.MEDIATEUR_NUMERIQUE: _AGENT,
    Role.VOLONTAIRE: [],
    Role.MANAGER: [],
    Role.ADMIN: _AGENT,
}


def programmes(user) -> list[str]:
    """The programme files whose documents `user` may read (in the choices' order)."""
    return [
        programme
        for programme, permission in PROGRAMME_PERMISSION.items()
        if user.has_perm(permission)
    ]


def can_view_documents(user) -> bool:
    return (
        core_perms.can_view_person_file(user)
        and user.has_perm("documents.view_persondocument")
        and bool(programmes(user))
    )


def can_add_document(user) -> bool:
    return can_view_documents(user) and user.has_perm("documents.add_persondocument")


def can_delete_document(user) -> bool:
    return can_view_documents(user) and user.has_perm("documents.delete_persondocument")
