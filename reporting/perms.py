"""Who may see dashboards and prepare bilans: managers and admins (aggregates only)."""

from ceis.choices import Role

ROLE_PERMISSIONS = {
    Role.MANAGER: [
        "view_bilandocument",
        "add_bilandocument",
        "change_bilandocument",
        "view_bilanversion",
        "add_bilanversion",
    ],
    Role.ADMIN: [
        "view_bilandocument",
        "add_bilandocument",
        "change_bilandocument",
        "delete_bilandocument",
        "view_bilanversion",
        "add_bilanversion",
    ],
}


def can_view_reporting(user) -> bool:
    return user.has_perm("reporting.view_bilandocument")


def can_prepare_bilan(user) -> bool:
    return user.has_perm("reporting.add_bilandocument")
