"""Appointments (rendez-vous) of the agents — social workers and mediators — with the people they
serve, their weekly opening hours per site, their absences, and the private iCalendar feed of
each agent's agenda (domain.md, "What happens next").

An agent is never booked twice at the same time: `services.appointment_book` and
`appointment_move` check it inside the transaction that writes (serialised on the agent's row;
SQLite's transactions are IMMEDIATE), and on PostgreSQL an exclusion constraint refuses two
overlapping busy appointments of one agent whatever wrote them.
"""

import datetime
import hashlib
import secrets
import uuid

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField, RangeBoundary, RangeOperators
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Func, Q
from django.urls import reverse

from ceis.fields import ref_field
from ceis.models import Person, Site
from ceis.scoping import SiteScopedQuerySet

from .choices import BUSY_STATUSES, AppointmentKind, AppointmentStatus, Weekday

DURATION_MIN = 5
DURATION_MAX = 8 * 60
PHONE_PLACE = "Par téléphone"


class TsTzRange(Func):
    """`tstzrange(start, end, '[)')`: the time an appointment holds, end excluded."""

    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


class PostgresOnlyExclusionConstraint(ExclusionConstraint):
    """An exclusion constraint on PostgreSQL; nothing on other databases, where the service's
    check inside an IMMEDIATE transaction is the guard. Its `validate` is left to the service,
    which says it in French with the appointment in the way."""

    def _postgres(self, schema_editor) -> bool:
        return schema_editor.connection.vendor == "postgresql"

    def constraint_sql(self, model, schema_editor):
        return (
            super().constraint_sql(model, schema_editor) if self._postgres(schema_editor) else None
        )

    def create_sql(self, model, schema_editor):
        return super().create_sql(model, schema_editor) if self._postgres(schema_editor) else None

    def remove_sql(self, model, schema_editor):
        return super().remove_sql(model, schema_editor) if self._postgres(schema_editor) else None

    def validate(self, *args, **kwargs):
        return None


class OpeningHours(models.Model):
    """One weekly opening of an agent at a site: "le mardi de 9 h à 12 h à Montpellier"."""

    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="opening_hours",
        verbose_name="agent",
    )
    site = models.ForeignKey(
        Site, on_delete=models.CASCADE, related_name="opening_hours", verbose_name="site"
    )
    weekday = models.PositiveSmallIntegerField("jour", choices=Weekday.choices)
    start = models.TimeField("début")
    end = models.TimeField("fin")

    site_path = "site"
    objects = SiteScopedQuerySet.as_manager()

    class Meta:
        ordering = ["weekday", "start"]
        verbose_name = "horaire d'ouverture"
        verbose_name_plural = "horaires d'ouverture"
        constraints = [
            models.UniqueConstraint(
                fields=["agent", "site", "weekday", "start"], name="appt_hours_unique"
            ),
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="appt_hours_order"),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.start:%H:%M}–{self.end:%H:%M}"

    def clean(self):
        if self.start is not None and self.end is not None and self.end <= self.start:
            raise ValidationError({"end": "La fin doit être après le début."})


class Absence(models.Model):
    """An agent away (leave, training…): no slot is offered from `start` to `end`. An absence
    belongs to the agent on every site, so it has no site of its own; the agendas read the
    absences of the agents they show."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="absences",
        verbose_name="agent",
    )
    start = models.DateTimeField("début")
    end = models.DateTimeField("fin")
    reason = models.CharField("motif", max_length=100, blank=True)

    class Meta:
        ordering = ["start"]
        verbose_name = "absence"
        verbose_name_plural = "absences"
        indexes = [models.Index(fields=["agent", "start"], name="appt_absence_agent_idx")]

    def __str__(self):
        return f"Absence de {self.agent}"

    def clean(self):
        if self.start and self.end and self.end <= self.start:
            raise ValidationError({"end": "La fin de l'absence doit être après son début."})


class AppointmentQuerySet(SiteScopedQuerySet):
    def busy(self):
        """The appointments that hold their agent's time (all but the cancelled ones)."""
        return self.filter(status__in=BUSY_STATUSES)

    def overlapping(self, start: datetime.datetime, end: datetime.datetime):
        return self.filter(start__lt=end, end__gt=start)


class Appointment(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    ref = ref_field()
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="appointments", verbose_name="personne"
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="appointments",
        verbose_name="avec",
    )
    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, related_name="appointments", verbose_name="site"
    )
    kind = models.CharField("motif", max_length=30, choices=AppointmentKind.choices)
    start = models.DateTimeField("début")
    duration_min = models.PositiveSmallIntegerField(
        "durée (minutes)",
        validators=[MinValueValidator(DURATION_MIN), MaxValueValidator(DURATION_MAX)],
    )
    # Derived from start and duration: what the agent's time is compared on.
    end = models.DateTimeField("fin", editable=False)
    place = models.CharField(
        "lieu",
        max_length=200,
        blank=True,
        help_text="Laisser vide pour l'accueil du site ; « Par téléphone » pour un appel.",
    )
    status = models.CharField(
        "statut", max_length=20, choices=AppointmentStatus.choices, default=AppointmentStatus.PREVU
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="pris par",
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    site_path = "site"
    objects = AppointmentQuerySet.as_manager()

    class Meta:
        ordering = ["start", "pk"]
        verbose_name = "rendez-vous"
        verbose_name_plural = "rendez-vous"
        indexes = [
            models.Index(fields=["agent", "start"], name="appt_agent_start_idx"),
            models.Index(fields=["site", "start"], name="appt_site_start_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="appt_end_after"),
            PostgresOnlyExclusionConstraint(
                name="appt_no_double_booking",
                expressions=[
                    ("agent", RangeOperators.EQUAL),
                    (TsTzRange("start", "end", RangeBoundary()), RangeOperators.OVERLAPS),
                ],
                condition=~Q(status=AppointmentStatus.EXCUSE),
            ),
        ]

    def __str__(self):
        return f"Rendez-vous {self.get_kind_display().lower()}"

    def save(self, *args, **kwargs):
        self.end = self.compute_end()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("appointments:update", args=[self.public_id])

    def compute_end(self):
        if self.start is None or self.duration_min is None:
            return None
        return self.start + datetime.timedelta(minutes=self.duration_min)

    def clean(self):
        self.end = self.compute_end()

    @property
    def by_phone(self) -> bool:
        return self.place.strip().casefold() == PHONE_PLACE.casefold()

    @property
    def is_busy(self) -> bool:
        return self.status in BUSY_STATUSES


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


def feed_token_hash(token: str) -> str:
    """What is stored of a feed's token: its SHA-256. The token is a random 256-bit secret, so
    a plain hash is enough (no salt, no slow hash), and a copy of the database gives nobody the
    agents' agenda addresses."""
    return hashlib.sha256(token.encode()).hexdigest()


class AgendaFeed(models.Model):
    """The private address of an agent's iCalendar feed: whoever holds it reads the agent's
    times, kinds and initials (no names, no notes). A new address revokes the old one. Only the
    token's hash is stored: the address is shown once, when it is created (services.feed_renew)."""

    agent = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="agenda_feed",
        verbose_name="agent",
    )
    token_hash = models.CharField("empreinte du jeton", max_length=64, unique=True)
    created_at = models.DateTimeField("créé le", auto_now=True)

    class Meta:
        verbose_name = "abonnement à l'agenda"
        verbose_name_plural = "abonnements à l'agenda"

    def __str__(self):
        return f"Abonnement de {self.agent}"
