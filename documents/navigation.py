"""The documents panel of the person's file (ceis.navigation hook); nothing for the roles that
may not see documents (perms.py)."""

from ceis.navigation import HomePanel

from . import perms, selectors
from .forms import DocumentForm


def person_panels(user, person) -> list[HomePanel]:
    if not perms.can_view_documents(user):
        return []
    return [
        HomePanel(
            "documents/panels/person.html",
            {
                "person": person,
                "documents": list(selectors.person_documents(person=person, user=user)),
                "form": DocumentForm(programmes=perms.programmes(user))
                if perms.can_add_document(user)
                else None,
                "can_delete": perms.can_delete_document(user),
            },
            order=60,
        )
    ]
