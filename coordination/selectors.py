"""Reads of the partner directory and of orientations, each from `visible_to(user)`: another
site's partner, or an orientation whose source record the user may not read, is a 404."""

from django.db.models import Count, QuerySet

from ceis.scoping import get_visible_or_404
from unisvers.selectors import enrollments_visible_to, followups_visible_to
from villages import perms as villages_perms
from villages.models import IndividualHelp

from . import perms
from .choices import PENDING_STATUSES
from .models import Orientation, Partner

# How many of a person's records of each kind the person file offers to orient from.
SOURCES_OFFERED = 3


def partners_visible_to(user) -> QuerySet[Partner]:
    if not perms.can_view_partners(user):
        return Partner.objects.none()
    return Partner.objects.visible_to(user)


def partner_list(*, user) -> QuerySet[Partner]:
    """The directory: each partner with its number of orientations (all of them, a count names
    nobody)."""
    return (
        partners_visible_to(user)
        .select_related("site")
        .annotate(orientation_count=Count("orientations"))
        .order_by("name", "pk")
    )


def partner_get(*, public_id, user) -> Partner:
    return get_visible_or_404(
        partners_visible_to(user).select_related("site"),
        "Partenaire introuvable.",
        public_id=public_id,
    )


def partner_choices(*, user, site) -> QuerySet[Partner]:
    """The partners a new orientation of `site` may name."""
    return partners_visible_to(user).filter(site=site).order_by("name", "pk")


def orientations_visible_to(user) -> QuerySet[Orientation]:
    return Orientation.objects.visible_to(user).select_related("partner", "person", "site")


def orientation_get(*, public_id, user) -> Orientation:
    return get_visible_or_404(
        orientations_visible_to(user).select_related(
            "created_by", "followup", "help", "enrollment__cohort"
        ),
        "Orientation introuvable.",
        public_id=public_id,
    )


def person_orientations(*, person, user) -> list[Orientation]:
    return list(orientations_visible_to(user).filter(person=person).select_related("created_by"))


def pending_for_agent(*, user) -> list[Orientation]:
    """« Orientations en attente »: those the user made, still proposed or accepted."""
    if not perms.can_view_orientations(user):
        return []
    return list(
        orientations_visible_to(user)
        .filter(created_by=user, status__in=PENDING_STATUSES)
        .order_by("date", "pk")
    )


def source_records(*, person, user) -> dict:
    """What the person file offers to orient from: the user's latest follow-up entries of the
    person (those in their charge), the person's exits they may read, the person's latest helps
    (who reads helps)."""
    if not perms.can_orient(user):
        return {}
    followups = list(followups_visible_to(user).filter(person=person)[:SOURCES_OFFERED])
    exits = list(
        enrollments_visible_to(user)
        .filter(person=person, exit_date__isnull=False)
        .select_related("cohort")
        .order_by("-exit_date")[:SOURCES_OFFERED]
    )
    helps = []
    if villages_perms.can_view_helps(user):
        helps = list(
            IndividualHelp.objects.visible_to(user)
            .filter(person=person)
            .order_by("-date", "-created_at")[:SOURCES_OFFERED]
        )
    return {"followups": followups, "exits": exits, "helps": helps}


def followup_for_orientation(*, public_id, user):
    return get_visible_or_404(followups_visible_to(user), "Suivi introuvable.", public_id=public_id)


def help_for_orientation(*, public_id, user):
    helps = IndividualHelp.objects.visible_to(user).select_related("person", "site")
    if not villages_perms.can_view_helps(user):
        helps = helps.none()
    return get_visible_or_404(
        helps,
        "Accompagnement introuvable.",
        public_id=public_id,
    )


def exit_for_orientation(*, public_id, user):
    """An enrollment with an exit, among those the user may read."""
    return get_visible_or_404(
        enrollments_visible_to(user)
        .filter(exit_date__isnull=False)
        .select_related("person", "cohort__site"),
        "Sortie introuvable.",
        public_id=public_id,
    )
