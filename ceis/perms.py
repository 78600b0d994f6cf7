"""Who may do what on the shared core. Views and templates ask these functions, never the roles."""

from .choices import Role

# Model permissions per role, granted by the data migration 0002_role_groups.
ROLE_PERMISSIONS = {
    Role.TRAVAILLEUR_SOCIAL: ["view_person", "add_person", "change_person"],
    Role.MEDIATEUR_NUMERIQUE: ["view_person", "add_person", "change_person"],
    Role.VOLONTAIRE: ["view_person", "add_person"],
    Role.MANAGER: [],
    Role.ADMIN: [
        "view_person",
        "add_person",
        "change_person",
        "delete_person",
        "view_site",
        "add_site",
        "change_site",
        "view_neighbourhood",
        "add_neighbourhood",
        "change_neighbourhood",
        "view_user",
        "add_user",
        "change_user",
        "view_journalentry",
    ],
}


def can_view_persons(user) -> bool:
    return user.has_perm("ceis.view_person")


# A volunteer's search shows results from this many letters typed (security.md row 18).
VOLUNTEER_SEARCH_MIN_LETTERS = 3


def can_view_person_file(user) -> bool:
    """A person's file, the directory of persons and the full person form (contact, address,
    France Travail identifier, education, status, birth date): the roles that accompany persons.
    Volunteers see only the last name, first name and birth year of the people they check in or
    find by typing at least 3 letters (security.md row 18)."""
    return can_view_persons(user) and user.has_role(
        Role.TRAVAILLEUR_SOCIAL, Role.MEDIATEUR_NUMERIQUE, Role.ADMIN
    )


def person_search_typed_enough(user, query: str) -> bool:
    """Search-as-you-type answers from 2 characters; a volunteer's from 3 letters, so that a
    search never lists the persons of a site."""
    if can_view_person_file(user):
        return len(query) >= 2
    return sum(char.isalpha() for char in query) >= VOLUNTEER_SEARCH_MIN_LETTERS


def can_add_person(user) -> bool:
    return user.has_perm("ceis.add_person")


def can_change_person(user) -> bool:
    return user.has_perm("ceis.change_person")


def can_delete_person(user) -> bool:
    return user.has_perm("ceis.delete_person")


def can_export_person(user) -> bool:
    """The right of access (RGPD art. 15) is answered by an administrator."""
    return user.is_ceis_admin


def can_view_journal(user) -> bool:
    return user.has_perm("ceis.view_journalentry")


def can_manage_staff(user) -> bool:
    """Staff accounts (`/equipe/`) are managed by admins, not managers (security.md row 19)."""
    return user.has_perm("ceis.change_user")


def can_merge_persons(user) -> bool:
    """Merging two records of one human being moves every record of both programmes: admins,
    who see every site (domain.md, "Merging duplicates")."""
    return user.is_ceis_admin
