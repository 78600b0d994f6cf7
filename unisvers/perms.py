"""Who may do what in Unis'Vers (domain.md, security.md rows 2–3).

Model permissions decide which pages a role opens; `can_view_sensitive` decides, per cohort, who
receives the sensitive fields (domestic violence, health) and the follow-up notes: the cohort's
referents and admins, nobody else — not the manager, not another social worker.
"""

from ceis.choices import Role

_TS = [
    "view_cohort",
    "add_cohort",
    "change_cohort",
    "view_meetingday",
    "add_meetingday",
    "delete_meetingday",
    "view_enrollment",
    "add_enrollment",
    "change_enrollment",
    # To undo an enrollment made by mistake (confirmation first, journalled).
    "delete_enrollment",
    "view_attendance",
    "add_attendance",
    "change_attendance",
    "view_collectiveactivity",
    "add_collectiveactivity",
    "change_collectiveactivity",
    "delete_collectiveactivity",
    "view_followup",
    "add_followup",
    "change_followup",
    "view_event",
    "add_event",
    "change_event",
    "view_testimonial",
    "add_testimonial",
    "change_testimonial",
    "view_target",
]

ROLE_PERMISSIONS = {
    Role.TRAVAILLEUR_SOCIAL: _TS,
    Role.MEDIATEUR_NUMERIQUE: [],
    Role.VOLONTAIRE: [],
    Role.MANAGER: [
        "view_cohort",
        "view_event",
        "view_testimonial",
        "view_target",
        "add_target",
        "change_target",
    ],
    Role.ADMIN: [
        *_TS,
        "delete_cohort",
        "delete_followup",
        "delete_event",
        "delete_testimonial",
        "add_target",
        "change_target",
        "delete_target",
    ],
}


def can_access(user) -> bool:
    """Any Unis'Vers page at all (lists of cohorts): social workers, managers, admins."""
    return user.has_perm("unisvers.view_cohort")


def can_manage_cohorts(user) -> bool:
    return user.has_perm("unisvers.change_cohort")


def can_view_participants(user) -> bool:
    """Nominative participant files: social workers and admins, never managers."""
    return user.has_perm("unisvers.view_enrollment")


def can_manage_targets(user) -> bool:
    return user.has_perm("unisvers.change_target")


def can_manage_events(user) -> bool:
    return user.has_perm("unisvers.change_event")


def is_referent(user, cohort) -> bool:
    """Uses the prefetched referents when present, so that lists stay at a constant query count."""
    return any(referent.pk == user.pk for referent in cohort.referents.all())


def can_view_sensitive(user, cohort) -> bool:
    """Sensitive fields and follow-up notes of this cohort's participants."""
    if user.is_ceis_admin:
        return True
    return user.has_role(Role.TRAVAILLEUR_SOCIAL) and is_referent(user, cohort)


def can_view_person_sensitive(user, cohorts) -> bool:
    """A person's follow-up notes: for the referents of any of the person's cohorts."""
    return any(can_view_sensitive(user, cohort) for cohort in cohorts)
