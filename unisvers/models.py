"""Unis'Vers: cohorts, meeting days, enrollments (intake, exit, 3-month follow-up), attendance,
collective activities, individual follow-up, events, testimonials and targets.

Field names follow the data package (docs/data-package.md) so that import and export are
a mapping, not a translation.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from ceis.bounds import check_cohort_span, check_date
from ceis.fields import EncryptedTextField, ref_field, validate_code_list
from ceis.models import Person, Site
from ceis.scoping import SiteScopedQuerySet

from .choices import (
    AttendanceStatus,
    Barrier,
    CohortStatus,
    DropoutReason,
    EventKind,
    ExitOutcome,
    FollowupKind,
    FollowupSituation,
    Household,
    MinimumIncome,
    ReferralSource,
    Space,
    Weekday,
)

CONFIDENCE_VALIDATORS = [MinValueValidator(1), MaxValueValidator(10)]


class CohortQuerySet(SiteScopedQuerySet):
    def with_status(self, status: str, today=None):
        today = today or timezone.localdate()
        if status == CohortStatus.A_VENIR:
            return self.filter(start_date__gt=today)
        if status == CohortStatus.EN_COURS:
            return self.filter(start_date__lte=today, end_date__gte=today)
        if status == CohortStatus.TERMINEE:
            return self.filter(end_date__lt=today)
        return self


class Cohort(models.Model):
    """A "promotion": 15–20 job seekers meeting a few days a week for about six weeks."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    ref = ref_field()
    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, related_name="unisvers_cohorts", verbose_name="site"
    )
    name = models.CharField("nom", max_length=200)
    start_date = models.DateField("date de début")
    end_date = models.DateField("date de fin")
    weekdays = models.JSONField("jours de rencontre", default=list)
    capacity = models.PositiveSmallIntegerField(
        "capacité", default=20, validators=[MinValueValidator(1)]
    )
    referents = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="unisvers_cohorts",
        blank=True,
        verbose_name="référents",
    )
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    site_path = "site"
    objects = CohortQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "name"]
        verbose_name = "promotion"
        verbose_name_plural = "promotions"
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="unisvers_cohort_end_after_start",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("unisvers:cohort_detail", kwargs={"public_id": self.public_id})

    def clean(self):
        super().clean()
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "La fin de la promotion précède son début."})
        errors = {}
        for name in ("start_date", "end_date"):
            try:
                check_date(getattr(self, name))
            except ValidationError as error:
                errors[name] = error.messages
        if errors:
            raise ValidationError(errors)
        try:
            # One row per meeting day: an 800-year cohort was 292,000 rows and a 154 MB page.
            check_cohort_span(self.start_date, self.end_date)
        except ValidationError as error:
            raise ValidationError({"end_date": error.messages}) from None
        validate_code_list(self.weekdays, Weekday, "weekdays")
        if not self.weekdays:
            raise ValidationError({"weekdays": "Choisissez au moins un jour de rencontre."})

    def status_on(self, today=None) -> str:
        today = today or timezone.localdate()
        if today < self.start_date:
            return CohortStatus.A_VENIR
        if today > self.end_date:
            return CohortStatus.TERMINEE
        return CohortStatus.EN_COURS

    @property
    def status(self) -> str:
        return self.status_on()

    @property
    def status_label(self) -> str:
        return CohortStatus(self.status).label

    @property
    def weekdays_label(self) -> str:
        """The meeting days as a sentence writes them: « lundi, mardi, jeudi »."""
        return ", ".join(Weekday(code).label.lower() for code in self.weekdays)


class MeetingDay(models.Model):
    """A day the cohort meets: generated from its dates and weekdays, then edited by hand."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="meeting_days")
    date = models.DateField("date")
    label = models.CharField(
        "précision", max_length=200, blank=True, help_text="Par exemple « Sortie au musée »."
    )
    register_taken_at = models.DateTimeField("registre pris le", null=True, blank=True)
    register_taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["date"]
        verbose_name = "jour de rencontre"
        verbose_name_plural = "jours de rencontre"
        constraints = [
            models.UniqueConstraint(fields=["cohort", "date"], name="unisvers_meeting_day_unique")
        ]

    def __str__(self):
        return f"{self.cohort} — {self.date:%d/%m/%Y}"

    def clean(self):
        super().clean()
        cohort = self.cohort
        if self.date and not (cohort.start_date <= self.date <= cohort.end_date):
            raise ValidationError({"date": "Cette date est en dehors de la promotion."})

    @property
    def register_taken(self) -> bool:
        return self.register_taken_at is not None


class Enrollment(models.Model):
    """A person in a cohort, with the intake snapshot taken at entry and the exit."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    cohort = models.ForeignKey(
        Cohort, on_delete=models.PROTECT, related_name="enrollments", verbose_name="promotion"
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="unisvers_enrollments",
        verbose_name="personne",
    )
    entry_date = models.DateField("date d'entrée")
    referral_source = models.CharField(
        "orienté·e par", max_length=20, choices=ReferralSource.choices, blank=True
    )
    referral_date = models.DateField("date d'orientation", null=True, blank=True)
    referral_adviser = models.CharField("conseiller·ère prescripteur", max_length=200, blank=True)
    minimum_income = models.CharField(
        "minimum social", max_length=20, choices=MinimumIncome.choices, blank=True
    )
    monthly_income_eur = models.PositiveIntegerField(
        "ressources mensuelles (€)", null=True, blank=True
    )
    household = models.CharField(
        "composition du foyer", max_length=20, choices=Household.choices, blank=True
    )
    barriers = models.JSONField("freins périphériques", default=list, blank=True)
    # Sensitive (RGPD art. 9): shown only to the cohort's referents and admins (perms.py).
    domestic_violence = models.BooleanField(
        "victime de violences conjugales", null=True, blank=True
    )
    health_problem = models.BooleanField("problème de santé", null=True, blank=True)
    confidence_entry = models.PositiveSmallIntegerField(
        "confiance en soi à l'entrée (1 à 10)",
        null=True,
        blank=True,
        validators=CONFIDENCE_VALIDATORS,
    )
    confidence_exit = models.PositiveSmallIntegerField(
        "confiance en soi à la sortie (1 à 10)",
        null=True,
        blank=True,
        validators=CONFIDENCE_VALIDATORS,
    )
    exit_date = models.DateField("date de sortie", null=True, blank=True)
    exit_outcome = models.CharField(
        "motif de sortie", max_length=30, choices=ExitOutcome.choices, blank=True
    )
    dropout_reason = models.CharField(
        "raison de l'abandon", max_length=30, choices=DropoutReason.choices, blank=True
    )
    followup_3m_date = models.DateField("date du suivi à 3 mois", null=True, blank=True)
    followup_3m_situation = models.CharField(
        "situation à 3 mois", max_length=30, choices=FollowupSituation.choices, blank=True
    )
    followup_6m_date = models.DateField("date du suivi à 6 mois", null=True, blank=True)
    followup_6m_situation = models.CharField(
        "situation à 6 mois", max_length=30, choices=FollowupSituation.choices, blank=True
    )
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    site_path = "cohort__site"
    objects = SiteScopedQuerySet.as_manager()

    class Meta:
        ordering = ["person__last_name", "person__first_name"]
        verbose_name = "inscription"
        verbose_name_plural = "inscriptions"
        constraints = [
            models.UniqueConstraint(fields=["cohort", "person"], name="unisvers_enrollment_unique"),
            models.CheckConstraint(
                condition=Q(exit_date__isnull=True) | Q(exit_date__gte=models.F("entry_date")),
                name="unisvers_enrollment_exit_after_entry",
            ),
            models.CheckConstraint(
                condition=(Q(exit_date__isnull=True) & Q(exit_outcome=""))
                | (Q(exit_date__isnull=False) & ~Q(exit_outcome="")),
                name="unisvers_enrollment_exit_date_and_outcome",
            ),
            models.CheckConstraint(
                condition=(Q(exit_outcome=ExitOutcome.ABANDON) & ~Q(dropout_reason=""))
                | (~Q(exit_outcome=ExitOutcome.ABANDON) & Q(dropout_reason="")),
                name="unisvers_enrollment_dropout_reason_iff_abandon",
            ),
            models.CheckConstraint(
                condition=(Q(followup_3m_date__isnull=True) & Q(followup_3m_situation=""))
                | (
                    Q(followup_3m_date__isnull=False)
                    & ~Q(followup_3m_situation="")
                    & Q(exit_date__isnull=False)
                    & Q(followup_3m_date__gte=models.F("exit_date"))
                ),
                name="unisvers_enrollment_followup_3m_after_exit",
            ),
            models.CheckConstraint(
                condition=(Q(followup_6m_date__isnull=True) & Q(followup_6m_situation=""))
                | (
                    Q(followup_6m_date__isnull=False)
                    & ~Q(followup_6m_situation="")
                    & Q(exit_date__isnull=False)
                    & Q(followup_6m_date__gte=models.F("exit_date"))
                    & (
                        Q(followup_3m_date__isnull=True)
                        | Q(followup_6m_date__gte=models.F("followup_3m_date"))
                    )
                ),
                name="unisvers_enrollment_followup_6m_after_exit",
            ),
        ]

    def __str__(self):
        return f"{self.person} — {self.cohort}"

    def get_absolute_url(self):
        return reverse("unisvers:participant", kwargs={"public_id": self.person.public_id})

    def clean(self, *, others=None):
        """The enrollment rules. `others`: the person's other enrollments when the caller holds
        them already (a data package checks thousands of rows, its own rows among them); by
        default they are read from the database."""
        super().clean()
        errors = {}
        validate_code_list(self.barriers, Barrier, "barriers")
        if self.entry_date and self.cohort_id and self.entry_date > self.cohort.end_date:
            errors["entry_date"] = "La date d'entrée est après la fin de la promotion."
        if self.exit_date and not self.exit_outcome:
            errors["exit_outcome"] = "Indiquez le motif de sortie."
        if self.exit_outcome and not self.exit_date:
            errors["exit_date"] = "Un motif de sortie demande une date de sortie."
        if self.exit_date and self.entry_date and self.exit_date < self.entry_date:
            errors["exit_date"] = "La date de sortie ne peut pas précéder la date d'entrée."
        if self.exit_outcome == ExitOutcome.ABANDON and not self.dropout_reason:
            errors["dropout_reason"] = "Un abandon demande sa raison."
        if self.dropout_reason and self.exit_outcome != ExitOutcome.ABANDON:
            errors["dropout_reason"] = "Une raison d'abandon ne vaut que pour un abandon."
        if bool(self.followup_3m_date) != bool(self.followup_3m_situation):
            errors["followup_3m_situation"] = "Indiquez la date et la situation du suivi à 3 mois."
        if self.followup_3m_date and not self.exit_date:
            errors["followup_3m_date"] = "Le suivi à 3 mois vient après la sortie."
        elif self.followup_3m_date and self.followup_3m_date < self.exit_date:
            errors["followup_3m_date"] = "Le suivi à 3 mois ne peut pas précéder la sortie."
        if bool(self.followup_6m_date) != bool(self.followup_6m_situation):
            errors["followup_6m_situation"] = "Indiquez la date et la situation du suivi à 6 mois."
        if self.followup_6m_date and not self.exit_date:
            errors["followup_6m_date"] = "Le suivi à 6 mois vient après la sortie."
        elif self.followup_6m_date and self.followup_6m_date < self.exit_date:
            errors["followup_6m_date"] = "Le suivi à 6 mois ne peut pas précéder la sortie."
        elif (
            self.followup_6m_date
            and self.followup_3m_date
            and self.followup_6m_date < self.followup_3m_date
        ):
            errors["followup_6m_date"] = "Le suivi à 6 mois ne peut pas précéder le suivi à 3 mois."
        if self.entry_date and self.cohort_id and not errors:
            overlapping = self.overlapping_enrollments(others)
            if overlapping:
                errors["entry_date"] = (
                    "Cette personne est déjà inscrite sur la même période "
                    f"({overlapping[0].cohort})."
                )
        if errors:
            raise ValidationError(errors)

    @property
    def period_end(self):
        """The last day of the enrollment: its exit, or the end of its cohort."""
        return self.exit_date or self.cohort.end_date

    def overlapping_enrollments(self, others=None) -> list["Enrollment"]:
        """Other enrollments of the same person whose period meets this one's, among `others`
        when given (saved or not), else in the database."""
        if others is not None:
            others = [o for o in others if o is not self and (o.pk is None or o.pk != self.pk)]
        elif self.person_id is None:
            return []  # a person not yet saved has no other enrollment
        else:
            others = Enrollment.objects.filter(person_id=self.person_id).select_related("cohort")
            if self.pk:
                others = others.exclude(pk=self.pk)
        end = self.period_end
        return [
            other
            for other in others
            if other.entry_date <= end and self.entry_date <= other.period_end
        ]

    @property
    def is_active(self) -> bool:
        return self.exit_date is None

    @property
    def barrier_labels(self) -> list[str]:
        return [Barrier(code).label for code in self.barriers if code in Barrier.values]

    @property
    def attendance_rate(self) -> int | None:
        """Percentage of recorded days present, from the `days_present`/`days_recorded`
        annotations of `selectors.cohort_enrollments`."""
        recorded = getattr(self, "days_recorded", 0)
        if not recorded:
            return None
        return round(100 * self.days_present / recorded)

    @property
    def is_positive_exit(self) -> bool:
        return self.exit_outcome in ExitOutcome.positive()

    def is_present_on(self, day) -> bool:
        return self.entry_date <= day and (self.exit_date is None or self.exit_date >= day)


class Attendance(models.Model):
    """One person's presence on one meeting day (the package's key: cohort + person + date)."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="attendances")
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="unisvers_attendances"
    )
    date = models.DateField("date")
    status = models.CharField("présence", max_length=20, choices=AttendanceStatus.choices)

    site_path = "cohort__site"
    objects = SiteScopedQuerySet.as_manager()

    class Meta:
        ordering = ["date"]
        verbose_name = "présence"
        verbose_name_plural = "présences"
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "person", "date"], name="unisvers_attendance_unique"
            ),
        ]
        indexes = [models.Index(fields=["cohort", "date"])]

    def __str__(self):
        return f"{self.person} {self.date:%d/%m/%Y} {self.status}"


class CollectiveActivity(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="activities")
    date = models.DateField("date")
    space = models.CharField("espace", max_length=30, choices=Space.choices)
    title = models.CharField("intitulé", max_length=200)
    duration_min = models.PositiveSmallIntegerField(
        "durée (minutes)", default=180, validators=[MinValueValidator(1)]
    )
    participants = models.ManyToManyField(
        Person, related_name="unisvers_activities", blank=True, verbose_name="participants"
    )

    class Meta:
        ordering = ["date", "space"]
        verbose_name = "activité collective"
        verbose_name_plural = "activités collectives"

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        cohort = self.cohort
        if self.date and not (cohort.start_date <= self.date <= cohort.end_date):
            raise ValidationError({"date": "Cette date est en dehors de la promotion."})


class FollowUp(models.Model):
    """An entry of the individual social follow-up, written in one enrollment (security.md row
    17): its referents, the colleagues it was handed over to and admins read it, nobody else.

    `enrollment` is empty only for an entry about a person never enrolled (an old import): it is
    then for admins only. The cohort is the enrollment's; it is not stored twice.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    ref = ref_field()
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="unisvers_followups")
    enrollment = models.ForeignKey(
        Enrollment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="followups",
        verbose_name="inscription",
    )
    date = models.DateField("date")
    kind = models.CharField("type", max_length=30, choices=FollowupKind.choices)
    orientation = models.CharField("orientation vers un partenaire", max_length=200, blank=True)
    note = EncryptedTextField(
        "note",
        blank=True,
        help_text="Courte et factuelle : la personne peut la lire (recommandation CNIL).",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    site_path = "enrollment__cohort__site"
    objects = SiteScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = "suivi individuel"
        verbose_name_plural = "suivis individuels"
        indexes = [
            # The bilan: was a participant followed in the period; a participant's follow-ups.
            models.Index(fields=["person", "date"], name="uv_followup_person_date_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} du {self.date:%d/%m/%Y}"

    def clean(self):
        super().clean()
        if self.enrollment_id and self.person_id and self.enrollment.person_id != self.person_id:
            raise ValidationError(
                {"enrollment": "Cette inscription est celle d'une autre personne."}
            )

    @property
    def cohort(self):
        return self.enrollment.cohort if self.enrollment_id else None


class Handover(models.Model):
    """ "Transmettre le suivi": a referent hands one enrollment's follow-up over to a named social
    worker of the same site, who then reads and writes its entries (security.md row 17)."""

    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.CASCADE, related_name="handovers", verbose_name="inscription"
    )
    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="transmis par",
    )
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="unisvers_handovers",
        verbose_name="transmis à",
    )
    created_at = models.DateTimeField("transmis le", auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "transmission de suivi"
        verbose_name_plural = "transmissions de suivi"
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "to_user"], name="unisvers_handover_unique"
            ),
        ]

    def __str__(self):
        return f"{self.enrollment} → {self.to_user}"


class Event(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    ref = ref_field()
    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, related_name="unisvers_events", verbose_name="site"
    )
    date = models.DateField("date")
    kind = models.CharField("type", max_length=30, choices=EventKind.choices)
    title = models.CharField("intitulé", max_length=200, blank=True)
    attendees = models.ManyToManyField(
        Person, related_name="unisvers_events", blank=True, verbose_name="participants"
    )

    site_path = "site"
    objects = SiteScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-date"]
        verbose_name = "événement"
        verbose_name_plural = "événements"

    def __str__(self):
        return self.title or self.get_kind_display()

    def get_absolute_url(self):
        return reverse("unisvers:event_detail", kwargs={"public_id": self.public_id})


class Testimonial(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    ref = ref_field()
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="unisvers_testimonials"
    )
    date = models.DateField("date")
    quote = models.TextField("témoignage")
    display_name = models.CharField("prénom affiché", max_length=100)
    publication_consent = models.BooleanField("consentement écrit à la publication", default=False)

    site_path = "person__unisvers_enrollments__cohort__site"
    objects = SiteScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-date"]
        verbose_name = "témoignage"
        verbose_name_plural = "témoignages"

    def __str__(self):
        return f"{self.display_name} ({self.date:%d/%m/%Y})"


class Target(models.Model):
    """Persons to accompany per site and year (targets.csv)."""

    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, related_name="unisvers_targets", verbose_name="site"
    )
    year = models.PositiveSmallIntegerField(
        "année", validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    persons = models.PositiveIntegerField("personnes à accompagner")

    site_path = "site"
    objects = SiteScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "site__name"]
        verbose_name = "objectif"
        verbose_name_plural = "objectifs"
        constraints = [
            models.UniqueConstraint(fields=["site", "year"], name="unisvers_target_unique")
        ]

    def __str__(self):
        return f"{self.site} {self.year} : {self.persons}"
