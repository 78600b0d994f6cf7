"""Vill@ges connectés: workshops, sessions, registrations, individual help, visits, assessments.

Every record belongs to a site (directly, or through its session); selectors scope by it.
Field names follow the data package's columns (docs/data-package.md).
"""

import datetime
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from ceis.fields import ref_field, validate_code_list
from ceis.models import Person, Site
from ceis.scoping import SiteScopedQuerySet
from ceis.templatetags.french import datetime_short

from .assessment import questionnaire_label
from .choices import (
    AnonymousAgeBand,
    AnonymousSex,
    Attendance,
    Autonomy,
    DigitalTheme,
    Orientation,
    Procedure,
    RegistrationStatus,
    SkillDomain,
    SkillLevel,
    WorkshopFormat,
    WorkshopLevel,
)


class Workshop(models.Model):
    """A catalogue entry, shared by every site."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    ref = ref_field()
    title = models.CharField("titre", max_length=200)
    description = models.TextField("description", blank=True)
    theme = models.CharField("thème", max_length=40, choices=DigitalTheme.choices)
    format = models.CharField("format", max_length=20, choices=WorkshopFormat.choices, blank=True)
    level = models.CharField("niveau", max_length=20, choices=WorkshopLevel.choices, blank=True)
    partner = models.CharField("partenaire", max_length=200, blank=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    class Meta:
        ordering = ["title"]
        verbose_name = "atelier"
        verbose_name_plural = "ateliers"

    def __str__(self):
        return self.title


class Session(models.Model):
    """A workshop on a date and time at a site."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    ref = ref_field()
    workshop = models.ForeignKey(
        Workshop, on_delete=models.PROTECT, related_name="sessions", verbose_name="atelier"
    )
    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, related_name="village_sessions", verbose_name="site"
    )
    start = models.DateTimeField("début", db_index=True)
    duration_min = models.PositiveSmallIntegerField("durée (minutes)", default=120)
    capacity = models.PositiveSmallIntegerField("places", default=10)
    facilitator = models.CharField("animé par", max_length=200, blank=True)
    # Sessions created together as a weekly series share this id (edit/delete stay per session).
    series_id = models.UUIDField(null=True, blank=True, editable=False, db_index=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    site_path = "site"
    objects = SiteScopedQuerySet.as_manager()

    class Meta:
        ordering = ["start"]
        verbose_name = "séance"
        verbose_name_plural = "séances"
        indexes = [
            # Calendars and past sessions of the user's sites; the bilan of one site.
            models.Index(fields=["site", "start"], name="vil_session_site_start_idx"),
            # Past sessions of every site (admins), latest first, the primary key last
            # (ceis.pagination); with the site, a deep page is an index-only scan.
            models.Index(fields=["-start", "-id"], include=["site"], name="vil_session_list_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_min__gt=0), name="villages_session_duration_positive"
            ),
            models.CheckConstraint(
                condition=Q(capacity__gt=0), name="villages_session_capacity_positive"
            ),
        ]

    def __str__(self):
        return f"{self.workshop} — {datetime_short(self.start)}"

    def get_absolute_url(self):
        return reverse("villages:session_detail", kwargs={"public_id": self.public_id})

    @property
    def end(self):
        return self.start + datetime.timedelta(minutes=self.duration_min)

    @property
    def seats_left(self) -> int:
        """Free seats; uses the `registered_count` annotation of the selectors when present."""
        taken = getattr(self, "registered_count", None)
        if taken is None:
            taken = self.registrations.filter(status=RegistrationStatus.INSCRIT).count()
        return max(self.capacity - taken, 0)

    @property
    def is_past(self) -> bool:
        """Before today: the day's sessions stay "current" (seats, check-in) until midnight."""
        return timezone.localtime(self.start).date() < timezone.localdate()


class Registration(models.Model):
    """A person on a session: registered, waiting or cancelled; then present or absent."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="registrations", verbose_name="séance"
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.CASCADE,
        related_name="village_registrations",
        verbose_name="personne",
    )
    status = models.CharField(
        "statut",
        max_length=20,
        choices=RegistrationStatus.choices,
        default=RegistrationStatus.INSCRIT,
    )
    attendance = models.CharField("présence", max_length=10, choices=Attendance.choices, blank=True)
    # Waiting-list order: first registered, first promoted.
    registered_at = models.DateTimeField("inscrit le", default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    site_path = "session__site"
    objects = SiteScopedQuerySet.as_manager()

    class Meta:
        ordering = ["registered_at", "id"]
        verbose_name = "inscription"
        verbose_name_plural = "inscriptions"
        permissions = [("checkin_registration", "Pointer les présences à une séance")]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "person"], name="villages_registration_unique_person"
            ),
        ]

    def __str__(self):
        return f"{self.person} · {self.session}"

    @property
    def is_registered(self) -> bool:
        return self.status == RegistrationStatus.INSCRIT

    @property
    def is_waiting(self) -> bool:
        return self.status == RegistrationStatus.LISTE_ATTENTE

    @property
    def is_cancelled(self) -> bool:
        return self.status == RegistrationStatus.ANNULE

    @property
    def is_present(self) -> bool:
        return self.attendance == Attendance.PRESENT

    @property
    def is_absent(self) -> bool:
        return self.attendance == Attendance.ABSENT


class AnonymousAttendance(models.Model):
    """People who came to a session without giving their name, counted by age band and sex
    (the playful workshops): they count in attendance, never in the people reached."""

    session = models.ForeignKey(
        Session,
        on_delete=models.CASCADE,
        related_name="anonymous_attendances",
        verbose_name="séance",
    )
    age_band = models.CharField("tranche d'âge", max_length=10, choices=AnonymousAgeBand.choices)
    sex = models.CharField("sexe", max_length=10, choices=AnonymousSex.choices)
    count = models.PositiveSmallIntegerField("nombre", validators=[MinValueValidator(1)])

    site_path = "session__site"
    objects = SiteScopedQuerySet.as_manager()

    class Meta:
        ordering = ["session", "age_band", "sex"]
        verbose_name = "participants anonymes"
        verbose_name_plural = "participants anonymes"
        constraints = [
            models.UniqueConstraint(
                fields=["session", "age_band", "sex"], name="villages_anonymous_unique_group"
            ),
            # A group of nobody is not stored: zero is the absence of the row.
            models.CheckConstraint(
                condition=Q(count__gt=0), name="villages_anonymous_count_positive"
            ),
        ]

    def __str__(self):
        return f"{self.count} · {self.get_age_band_display()} · {self.get_sex_display()}"


class IndividualHelp(models.Model):
    """Accompagnement individuel by the mediator."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    ref = ref_field()
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="village_helps", verbose_name="personne"
    )
    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, related_name="village_helps", verbose_name="site"
    )
    date = models.DateField("date", default=timezone.localdate, db_index=True)
    duration_min = models.PositiveSmallIntegerField("durée (minutes)", null=True, blank=True)
    mediator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="village_helps",
        verbose_name="médiateur",
    )
    # Lists of codes (DigitalTheme / Procedure): JSON keeps one table, on SQLite and PostgreSQL.
    themes = models.JSONField("thèmes", default=list, blank=True)
    procedures = models.JSONField("démarches administratives", default=list, blank=True)
    urgent = models.BooleanField("urgence numérique", default=False)
    autonomy = models.CharField("autonomie", max_length=30, choices=Autonomy.choices, blank=True)
    orientation = models.CharField(
        "orientation", max_length=30, choices=Orientation.choices, blank=True
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    site_path = "site"
    objects = SiteScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-created_at"]
        verbose_name = "accompagnement individuel"
        verbose_name_plural = "accompagnements individuels"
        indexes = [
            # The bilan of one site; the helps of one site in the list's order.
            models.Index(fields=["site", "-date", "-created_at"], name="vil_help_site_date_idx"),
            # The helps of every site (admins) in the list's order, the primary key last
            # (ceis.pagination); with the site, a deep page is an index-only scan. The themes
            # and procedures filters use GIN indexes, on PostgreSQL only (migration 0004).
            models.Index(
                fields=["-date", "-created_at", "-id"], include=["site"], name="vil_help_list_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_min__isnull=True) | Q(duration_min__gt=0),
                name="villages_help_duration_positive",
            ),
        ]

    def __str__(self):
        return f"Accompagnement de {self.person} le {self.date:%d/%m/%Y}"

    def get_absolute_url(self):
        return reverse("villages:help_detail", kwargs={"public_id": self.public_id})

    def clean(self):
        super().clean()
        validate_code_list(self.themes, DigitalTheme, "themes")
        validate_code_list(self.procedures, Procedure, "procedures")

    def get_themes_display(self):
        return [DigitalTheme(code).label for code in self.themes]

    def get_procedures_display(self):
        return [Procedure(code).label for code in self.procedures]


class Visit(models.Model):
    """A free-access visit, counted at the volunteers' desk."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    ref = ref_field()
    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, related_name="village_visits", verbose_name="site"
    )
    date = models.DateField("date", default=timezone.localdate, db_index=True)
    person = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="village_visits",
        verbose_name="personne",
    )
    volunteer_help = models.BooleanField("aidé·e par un volontaire", default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    site_path = "site"
    objects = SiteScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-created_at"]
        verbose_name = "visite en accès libre"
        verbose_name_plural = "visites en accès libre"
        indexes = [
            # The bilan of one site; today's visits of a site (the counter).
            models.Index(fields=["site", "date"], name="vil_visit_site_date_idx"),
        ]

    def __str__(self):
        return f"Visite du {self.date:%d/%m/%Y}"


def _score_field(label):
    return models.PositiveSmallIntegerField(
        label, validators=[MinValueValidator(0), MaxValueValidator(2)]
    )


class Assessment(models.Model):
    """Diagnostic d'illectronisme. Scores are derived from `answers` when made in CEIS, or
    imported as they are; `classification` is always `assessment.classify` of them."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    ref = ref_field()
    person = models.ForeignKey(
        Person,
        on_delete=models.CASCADE,
        related_name="village_assessments",
        verbose_name="personne",
    )
    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, related_name="village_assessments", verbose_name="site"
    )
    date = models.DateField("date", default=timezone.localdate, db_index=True)
    internet_use_3m = models.BooleanField("a utilisé internet ces 3 derniers mois")
    information = _score_field("information")
    communication = _score_field("communication")
    contenus = _score_field("logiciels et contenus")
    securite = _score_field("sécurité")
    resolution_problemes = _score_field("résolution de problèmes")
    classification = models.CharField(
        "niveau", max_length=30, choices=SkillLevel.choices, editable=False
    )
    owns_smartphone = models.BooleanField("possède un smartphone", null=True, blank=True)
    owns_tablet = models.BooleanField("possède une tablette", null=True, blank=True)
    owns_computer = models.BooleanField("possède un ordinateur", null=True, blank=True)
    internet_home = models.BooleanField("internet au domicile", null=True, blank=True)
    tiers_aidant = models.BooleanField(
        "s'appuie sur un tiers aidant numérique", null=True, blank=True
    )
    aidants_connect_mandate = models.BooleanField("mandat Aidants Connect", null=True, blank=True)
    answers = models.JSONField("réponses", default=dict, blank=True)
    questionnaire_version = models.CharField("version du questionnaire", max_length=20, blank=True)
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    # "On the same date, the one recorded last" (indicators.md) is decided by created_at, id.
    created_at = models.DateTimeField("créé le", default=timezone.now, editable=False)

    site_path = "site"
    objects = SiteScopedQuerySet.as_manager()

    class Meta:
        ordering = ["date", "created_at", "id"]
        verbose_name = "diagnostic numérique"
        verbose_name_plural = "diagnostics numériques"
        indexes = [
            # Each person's latest assessment (the bilan), in the order that picks it.
            models.Index(
                fields=["person", "-date", "-created_at", "-id"],
                name="vil_assessment_latest_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(**{f"{name}__gte": 0, f"{name}__lte": 2}),
                name=f"villages_assessment_{name}_0_2",
            )
            for name in (
                "information",
                "communication",
                "contenus",
                "securite",
                "resolution_problemes",
            )
        ]

    def __str__(self):
        return f"Diagnostic de {self.person} le {self.date:%d/%m/%Y}"

    def get_absolute_url(self):
        return reverse("villages:assessment_detail", kwargs={"public_id": self.public_id})

    @property
    def scores(self) -> dict[str, int]:
        return {domain: getattr(self, domain) for domain in SkillDomain.values}

    @property
    def questionnaire_label(self) -> str:
        """The questionnaire as people name it (its version code is never shown)."""
        return questionnaire_label(self.questionnaire_version)
