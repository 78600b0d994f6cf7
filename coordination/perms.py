"""Who may do what with partners and orientations. Views, templates, navigation and selectors ask
these functions.

- `travailleur_social`: the partner directory of their sites (read and edit), orientations from
  the follow-up entries in their charge and from exits.
- `mediateur_numerique`: reads the directory, orients from individual helps.
- `admin`: everything, on every site.
- `manager`: nothing nominative (the bilan's aggregates only); `volontaire`: nothing.
Which orientations a user reads is `Orientation.objects.visible_to` (the record it was made from).
"""

from ceis.choices import Role

_ORIENT = ["view_partner", "view_orientation", "add_orientation", "change_orientation"]
_EDIT_PARTNERS = ["add_partner", "change_partner", "delete_partner"]

ROLE_PERMISSIONS = {
    Role.TRAVAILLEUR_SOCIAL: [*_ORIENT, *_EDIT_PARTNERS],
    Role.MEDIATEUR_NUMERIQUE: _ORIENT,
    Role.VOLONTAIRE: [],
    Role.MANAGER: [],
    Role.ADMIN: [*_ORIENT, *_EDIT_PARTNERS, "delete_orientation"],
}


def can_view_partners(user) -> bool:
    return user.has_perm("coordination.view_partner")


def can_edit_partners(user) -> bool:
    """Editable by admins and social workers (domain.md)."""
    return user.has_perm("coordination.change_partner")


def can_view_orientations(user) -> bool:
    return user.has_perm("coordination.view_orientation")


def can_orient(user) -> bool:
    return user.has_perm("coordination.add_orientation")


def can_change_orientation(user) -> bool:
    return user.has_perm("coordination.change_orientation")
