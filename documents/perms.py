"""Who may see and attach the documents of a person (docs/documents.md).

The rule: a document is read, attached or deleted by who may open the person's full file on the
person's site, that is the roles that accompany persons — social workers and the digital
mediator of the person's site — and admins (every site). A volunteer never (security.md row 18:
names only), a manager never (aggregates only). Another site's person, and so their documents,
answer 404 (`selectors`, scoped by `visible_to`).
"""

from ceis import perms as core_perms
from ceis.choices import Role

_AGENT = ["view_persondocument", "add_persondocument", "delete_persondocument"]

ROLE_PERMISSIONS = {
    Role.TRAVAILLEUR_SOCIAL: _AGENT,
    Role.MEDIATEUR_NUMERIQUE: _AGENT,
    Role.VOLONTAIRE: [],
    Role.MANAGER: [],
    Role.ADMIN: _AGENT,
}


def can_view_documents(user) -> bool:
    return core_perms.can_view_person_file(user) and user.has_perm("documents.view_persondocument")


def can_add_document(user) -> bool:
    return can_view_documents(user) and user.has_perm("documents.add_persondocument")


def can_delete_document(user) -> bool:
    return can_view_documents(user) and user.has_perm("documents.delete_persondocument")
