"""Demo partners and orientations (`manage.py seed_demo`): every site gets the seed's partners;
the demo social worker orients participants at their exit (France Travail) and during their
follow-up, the demo mediator after a few helps, with statuses from proposed to done. Keyed by
`ref`: running it again changes nothing."""

import random

from django.db import transaction

from ceis.choices import Role
from unisvers.models import Enrollment, FollowUp
from villages.models import IndividualHelp

from . import services
from .choices import OrientationSource, OrientationStatus, PartnerCategory
from .models import Orientation, Partner

STATUSES = [
    OrientationStatus.REALISEE,
    OrientationStatus.REALISEE,
    OrientationStatus.ACCEPTEE,
    OrientationStatus.PROPOSEE,
    OrientationStatus.REFUSEE,
    OrientationStatus.SANS_SUITE,
]
REASONS = {
    OrientationSource.EXIT: ["Inscription et recherche d'emploi", "Projet de formation"],
    OrientationSource.FOLLOWUP: ["Atelier sciences et numérique", "Remise à niveau"],
    OrientationSource.HELP: ["Dossier d'allocation", "Déclaration de ressources"],
}
PER_SOURCE = 6


def _partner(site, category):
    return Partner.objects.filter(site=site, category=category).order_by("pk").first()


def _orient(*, ref, person, partner, date, source, record, user, status, rng, created):
    if Orientation.objects.filter(ref=ref).exists() or partner is None:
        return
    field = services.RECORD_FIELDS[source]
    orientation = Orientation(
        ref=ref,
        person=person,
        partner=partner,
        date=date,
        reason=rng.choice(REASONS[source]),
        status=status,
        status_date=date,
        source=source,
        created_by=user,
        share_reason=True,
        share_contact=rng.random() < 0.6,
        share_situation=rng.random() < 0.4,
        **{field: record},
    )
    orientation.full_clean(exclude=["site"])
    orientation.save()
    created.append(orientation)


@transaction.atomic
def seed(*, core, stdout=None, rng_seed: int = 2019) -> dict:
    rng = random.Random(rng_seed)
    for site in core["sites"].values():
        services.partners_seed(site)
    users = core["users"]
    social_worker, mediator = users[Role.TRAVAILLEUR_SOCIAL], users[Role.MEDIATEUR_NUMERIQUE]
    created = []
    exits = (
        Enrollment.objects.filter(exit_date__isnull=False)
        .select_related("cohort", "person")
        .order_by("-exit_date", "pk")[:PER_SOURCE]
    )
    for n, enrollment in enumerate(exits):
        _orient(
            ref=f"demo-orientation-sortie-{n}",
            person=enrollment.person,
            partner=_partner(enrollment.cohort.site, PartnerCategory.FRANCE_TRAVAIL),
            date=enrollment.exit_date,
            source=OrientationSource.EXIT,
            record=enrollment,
            user=social_worker,
            status=STATUSES[n % len(STATUSES)],
            rng=rng,
            created=created,
        )
    followups = (
        FollowUp.objects.filter(enrollment__isnull=False)
        .select_related("enrollment__cohort", "person")
        .order_by("-date", "pk")[:PER_SOURCE]
    )
    for n, followup in enumerate(followups):
        site = followup.enrollment.cohort.site
        category = PartnerCategory.ASSOCIATION if n % 2 else PartnerCategory.FORMATION
        _orient(
            ref=f"demo-orientation-suivi-{n}",
            person=followup.person,
            partner=_partner(site, category),
            date=followup.date,
            source=OrientationSource.FOLLOWUP,
            record=followup,
            user=followup.author or social_worker,
            status=STATUSES[(n + 3) % len(STATUSES)],
            rng=rng,
            created=created,
        )
    helps = IndividualHelp.objects.select_related("site", "person").order_by("-date", "pk")
    for n, help_ in enumerate(helps[:PER_SOURCE]):
        _orient(
            ref=f"demo-orientation-aide-{n}",
            person=help_.person,
            partner=_partner(help_.site, PartnerCategory.ADMINISTRATION),
            date=help_.date,
            source=OrientationSource.HELP,
            record=help_,
            user=help_.mediator or mediator,
            status=STATUSES[(n + 1) % len(STATUSES)],
            rng=rng,
            created=created,
        )
    if stdout is not None:
        stdout.write(
            f"Partenaires : {Partner.objects.count()} ; orientations : {len(created)} créées\n"
        )
    return {"orientations": created}
