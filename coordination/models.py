"""Partners of each site and orientations (referrals out) of the people served (domain.md, "What
happens next").

An orientation is made from a record: a follow-up entry, an individual help or an exit (the
enrollment). Its `site` is stored, by the spec's rule for the bilan: the site of the record it was
made from (a follow-up or an exit: its cohort's site; a help: the help's site), else its
partner's site. Who reads it is the site rule layered with the rule of that record
(`OrientationQuerySet.visible_to`): an orientation made from a follow-up entry is part of that
entry (security.md row 17), one made from a help is read by who reads helps.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse

from ceis.fields import EncryptedTextField, ref_field
from ceis.models import Person, Site
from ceis.scoping import SiteScopedQuerySet
from unisvers import perms as unisvers_perms
from unisvers.models import Enrollment, FollowUp
from unisvers.selectors import followups_visible_to
from villages import perms as villages_perms
from villages.models import IndividualHelp

from .choices import OrientationSource, OrientationStatus, PartnerCategory


class Partner(models.Model):
    """A partner of one site (France Travail, a mission locale, an association…)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    ref = ref_field()
    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, related_name="partners", verbose_name="site"
    )
    name = models.CharField("nom", max_length=200)
    category = models.CharField("catégorie", max_length=30, choices=PartnerCategory.choices)
    address = models.CharField("adresse", max_length=300, blank=True)
    contact = models.CharField(
        "contact",
        max_length=300,
        blank=True,
        help_text="Personne à joindre, téléphone, e-mail.",
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    site_path = "site"
    objects = SiteScopedQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = "partenaire"
        verbose_name_plural = "partenaires"
        constraints = [
            models.UniqueConstraint(fields=["site", "name"], name="coord_partner_unique_name"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("coordination:partner_update", args=[self.public_id])

    def unique_error_message(self, model_class, unique_check):
        if set(unique_check) == {"site", "name"}:
            return ValidationError(
                "Un partenaire de ce site porte déjà ce nom.", code="unique_together"
            )
        return super().unique_error_message(model_class, unique_check)


class OrientationQuerySet(SiteScopedQuerySet):
    def visible_to(self, user):
        """The orientations of the user's sites whose source record the user may read: a
        follow-up entry's only for the referents in charge of its enrollment (row 17), an exit's
        for who reads participant files, a help's for who reads helps. Managers: none (the
        bilan's aggregates only)."""
        if not user.is_authenticated or not user.has_perm("coordination.view_orientation"):
            return self.none()
        rows = super().visible_to(user)
        if user.is_ceis_admin:
            return rows
        allowed = Q(source="")
        if unisvers_perms.can_view_participants(user):
            allowed |= Q(source=OrientationSource.EXIT)
            allowed |= Q(
                source=OrientationSource.FOLLOWUP,
                followup__in=followups_visible_to(user).values("pk"),
            )
        if villages_perms.can_view_helps(user):
            allowed |= Q(source=OrientationSource.HELP)
        return rows.filter(allowed)


class Orientation(models.Model):
    """A person sent to a partner, with what the person agreed to share on the hand-off sheet
    (fiche de liaison)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    ref = ref_field()
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="orientations", verbose_name="personne"
    )
    # The site it counts for (module docstring); set by `services`, checked by `clean`.
    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, related_name="orientations", verbose_name="site"
    )
    partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, related_name="orientations", verbose_name="partenaire"
    )
    date = models.DateField("date de l'orientation")
    reason = models.CharField("motif", max_length=200, blank=True)
    note = EncryptedTextField(
        "note",
        blank=True,
        help_text="Courte et factuelle : la personne peut la lire (recommandation CNIL).",
    )
    status = models.CharField(
        "statut",
        max_length=20,
        choices=OrientationStatus.choices,
        default=OrientationStatus.PROPOSEE,
    )
    status_date = models.DateField("date du statut", null=True, blank=True)
    source = models.CharField(
        "faite lors de", max_length=20, choices=OrientationSource.choices, blank=True
    )
    # The record it was made from (one of them, as `source` says). It belongs to that record:
    # deleting the record deletes it, so that it never outlives the rule that protects it.
    followup = models.ForeignKey(
        FollowUp,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="orientations",
        verbose_name="entretien de suivi",
    )
    help = models.ForeignKey(
        IndividualHelp,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="orientations",
        verbose_name="accompagnement individuel",
    )
    enrollment = models.ForeignKey(
        Enrollment,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="orientations",
        verbose_name="sortie (inscription)",
    )
    # What the person agreed to share with the partner on the fiche de liaison (their name and
    # the orientation itself always appear).
    share_contact = models.BooleanField("coordonnées (téléphone, e-mail, commune)", default=False)
    share_education = models.BooleanField("niveau de formation", default=False)
    share_situation = models.BooleanField("situation (emploi, minimum social)", default=False)
    share_reason = models.BooleanField("motif de l'orientation", default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="orienté·e par",
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    site_path = "site"
    objects = OrientationQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = "orientation"
        verbose_name_plural = "orientations"
        indexes = [
            models.Index(fields=["person", "date"], name="coord_orient_person_date_idx"),
            # The bilan of one site and period.
            models.Index(fields=["site", "date"], name="coord_orient_site_date_idx"),
            # The to-do of the agent who made them.
            models.Index(fields=["created_by", "status"], name="coord_orient_todo_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                name="coord_orient_one_source",
                condition=(
                    Q(source="", followup__isnull=True, help__isnull=True, enrollment__isnull=True)
                    | Q(source="followup", help__isnull=True, enrollment__isnull=True)
                    | Q(source="help", followup__isnull=True, enrollment__isnull=True)
                    | Q(source="exit", followup__isnull=True, help__isnull=True)
                ),
            ),
        ]

    def __str__(self):
        return f"Orientation vers {self.partner} du {self.date:%d/%m/%Y}"

    def get_absolute_url(self):
        return reverse("coordination:orientation_detail", args=[self.public_id])

    @property
    def source_record(self):
        return {
            OrientationSource.FOLLOWUP: self.followup,
            OrientationSource.HELP: self.help,
            OrientationSource.EXIT: self.enrollment,
        }.get(self.source)

    @property
    def is_pending(self) -> bool:
        return self.status in (OrientationStatus.PROPOSEE, OrientationStatus.ACCEPTEE)

    def expected_site_id(self):
        """The spec's rule: the source record's site, else the partner's."""
        if self.source == OrientationSource.FOLLOWUP and self.followup_id:
            enrollment = self.followup.enrollment
            if enrollment is not None:
                return enrollment.cohort.site_id
        if self.source == OrientationSource.EXIT and self.enrollment_id:
            return self.enrollment.cohort.site_id
        if self.source == OrientationSource.HELP and self.help_id:
            return self.help.site_id
        return self.partner.site_id if self.partner_id else None

    def clean(self):
        super().clean()
        errors = {}
        record = {
            OrientationSource.FOLLOWUP: ("followup", self.followup_id),
            OrientationSource.HELP: ("help", self.help_id),
            OrientationSource.EXIT: ("enrollment", self.enrollment_id),
        }
        for source, (field, value) in record.items():
            if self.source == source and not value:
                errors[field] = "Indiquez l'enregistrement à l'origine de l'orientation."
            elif self.source != source and value:
                errors[field] = "Cet enregistrement ne correspond pas à l'origine indiquée."
        source = self.source_record if not errors else None
        if source is not None and self.person_id and source.person_id != self.person_id:
            errors["person"] = "L'enregistrement d'origine concerne une autre personne."
        if (
            self.status != OrientationStatus.PROPOSEE
            and self.status_date
            and self.date
            and self.status_date < self.date
        ):
            errors["status_date"] = "La date du statut ne peut pas précéder l'orientation."
        if not errors and self.partner_id:
            site_id = self.expected_site_id()
            if self.partner.site_id != site_id:
                errors["partner"] = "Ce partenaire est celui d'un autre site."
            self.site_id = site_id
        if errors:
            raise ValidationError(errors)
