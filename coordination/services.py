"""Writes of the partner directory and of orientations: validated, atomic, journalled (codes and
field names only, never what was written)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from ceis.choices import JournalAction
from ceis.services import journal_record, record_delete, record_update
from unisvers.models import FollowUp

from .choices import OTHER_PARTNER_NAME, OrientationSource, OrientationStatus, PartnerCategory
from .models import Orientation, Partner
from .seed import SEED_PARTNERS

RECORD_FIELDS = {
    OrientationSource.FOLLOWUP: "followup",
    OrientationSource.HELP: "help",
    OrientationSource.EXIT: "enrollment",
}
SHARE_FIELDS = ("share_contact", "share_education", "share_situation", "share_reason")


def other_partner(site) -> Partner:
    """The site's « Autre » partner (created when first needed: a site added after the
    directory)."""
    partner, _ = Partner.objects.get_or_create(
        site=site, name=OTHER_PARTNER_NAME, defaults={"category": PartnerCategory.AUTRE}
    )
    return partner


def followup_orientations_convert() -> int:
    """The free-text orientations still held by follow-up entries (an older data package, the
    demo's text) become orientations to their site's « Autre » with the text in their note, as
    the directory's data migration did (coordination/0003: same rule, same statuses). Returns
    how many."""
    converted = 0
    entries = (
        FollowUp.objects.exclude(orientation="")
        .select_related("enrollment__cohort__site", "person__site")
        .order_by("pk")
    )
    for entry in entries.iterator(chunk_size=500):
        site = entry.enrollment.cohort.site if entry.enrollment_id else entry.person.site
        Orientation.objects.create(
            person_id=entry.person_id,
            site=site,
            partner=other_partner(site),
            date=entry.date,
            note=entry.orientation,
            status=OrientationStatus.PROPOSEE,
            source=OrientationSource.FOLLOWUP,
            followup_id=entry.pk,
        )
        converted += 1
    FollowUp.objects.exclude(orientation="").update(orientation="")
    return converted


def partners_seed(site) -> list[Partner]:
    """The seed's partners of a site (those it lacks), as the data migration gave every site."""
    return [
        Partner.objects.get_or_create(site=site, name=name, defaults={"category": category})[0]
        for name, category in SEED_PARTNERS
    ]


@transaction.atomic
def partner_create(
    *, user, site, name: str, category: str, address: str = "", contact: str = "", request=None
) -> Partner:
    partner = Partner(site=site, name=name, category=category, address=address, contact=contact)
    partner.full_clean()
    partner.save()
    journal_record(action=JournalAction.CREATE, user=user, obj=partner, request=request)
    return partner


@transaction.atomic
def partner_update(*, user, partner: Partner, request=None, **fields) -> Partner:
    fields.pop("site", None)  # a partner stays on its site: its orientations count there
    return record_update(partner, user=user, request=request, **fields)


@transaction.atomic
def partner_delete(*, user, partner: Partner, request=None) -> None:
    """Refused, in French, when an orientation names the partner (its history stays)."""
    used = Orientation.objects.filter(partner=partner).count()
    if used:
        noun = "orientation la nomme" if used == 1 else "orientations le nomment"
        raise ValidationError(
            f"Ce partenaire ne peut pas être supprimé : {used} {noun}. "
            "Modifiez-le plutôt (nom, adresse, contact)."
        )
    record_delete(partner, user=user, request=request)


@transaction.atomic
def orientation_create(
    *,
    user,
    person,
    partner: Partner,
    date: datetime.date,
    source: str = "",
    record=None,
    reason: str = "",
    note: str = "",
    request=None,
    **shares: bool,
) -> Orientation:
    """An orientation made from `record` (the follow-up entry, help or enrollment that `source`
    names); the site it counts for follows from them (`Orientation.clean`)."""
    unknown = set(shares) - set(SHARE_FIELDS)
    if unknown:
        raise TypeError(f"unknown share fields: {sorted(unknown)}")
    orientation = Orientation(
        person=person,
        partner=partner,
        date=date,
        reason=reason,
        note=note,
        source=source,
        status=OrientationStatus.PROPOSEE,
        status_date=date,
        created_by=user if user is not None and user.is_authenticated else None,
        **({RECORD_FIELDS[source]: record} if source else {}),
        **shares,
    )
    orientation.full_clean(exclude=["site"])
    orientation.save()
    journal_record(
        action=JournalAction.CREATE,
        user=user,
        obj=orientation,
        request=request,
        payload={"source": source, "category": partner.category},
    )
    return orientation


@transaction.atomic
def orientation_update(*, user, orientation: Orientation, request=None, **fields) -> Orientation:
    """The partner, date, reason, note and what may be shared (never the person or the
    source)."""
    for fixed in ("person", "source", "followup", "help", "enrollment", "site", "created_by"):
        fields.pop(fixed, None)
    return record_update(orientation, user=user, request=request, **fields)


@transaction.atomic
def orientation_set_status(
    *, user, orientation: Orientation, status: str, status_date: datetime.date, request=None
) -> Orientation:
    """Accepted, done, refused or without follow-up (or back), on the day it is known."""
    if status not in OrientationStatus.values:
        raise ValidationError({"status": "Statut inconnu."})
    return record_update(
        orientation, user=user, request=request, status=status, status_date=status_date
    )
