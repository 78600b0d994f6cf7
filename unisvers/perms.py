"""Who may do what in Unis'Vers (domain.md, security.md rows 2–3).

Model permissions decide which pages a role opens; `can_view_sensitive` decides, per cohort, who
receives the sensitive fields (domestic violence, health); `is_in_charge`, per enrollment, who
reads and writes its follow-up entries: the cohort's referents, the colleagues the enrollment was
handed over to, and admins — not the manager, not another social worker.
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
    """Sensitive fields of this cohort's participants."""
    if user.is_ceis_admin:
        return True
    return user.has_role(Role.TRAVAILLEUR_SOCIAL) and is_referent(user, cohort)


def is_handed_over(user, enrollment) -> bool:
    """Uses the prefetched hand-overs when present (`selectors.participant_enrollments`)."""
    return any(handover.to_user_id == user.pk for handover in enrollment.handovers.all())


def is_in_charge(user, enrollment) -> bool:
    """The follow-up entries and sensitive fields of one enrollment (security.md row 17): its
    cohort's referents, the colleagues it was handed over to, admins. The same rule as
    `selectors.followups_visible_to`, for an enrollment already read."""
    if user.is_ceis_admin:
        return True
    return user.has_role(Role.TRAVAILLEUR_SOCIAL) and (
        is_referent(user, enrollment.cohort) or is_handed_over(user, enrollment)
    )


def can_assign_referents(user) -> bool:
    """Referents open the notes of a cohort: managers and admins name them, never a social
    worker (security.md row 17)."""
    return user.is_ceis_admin or user.has_role(Role.MANAGER)
