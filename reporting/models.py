"""Bilan documents (a manager's editorial texts for a period and site) and their PDF versions."""

import datetime
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.deletion import ProtectedError
from django.db.models.signals import pre_delete
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone

from ceis.bounds import check_period
from ceis.fields import OrderedJSONField
from ceis.models import Site
from ceis.scoping import SiteScopedQuerySet

from .choices import JobStatus
from .perms import can_see_all_sites_bilan

DEFAULT_TITLE = "Point sur les dispositifs Unis'Vers et Vill@ges connectés"


class BilanDocumentQuerySet(SiteScopedQuerySet):
    def visible_to(self, user):
        """The bilans of the user's sites, and the all-sites ones (no site) for whom
        `can_see_all_sites_bilan` allows: an all-sites bilan aggregates every site."""
        own = super().visible_to(user)
        if user.is_authenticated and can_see_all_sites_bilan(user):
            return own | self.filter(site__isnull=True)
        return own


class BilanDocument(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    site = models.ForeignKey(
        Site,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bilans",
        verbose_name="site",
        help_text="Vide : tous les sites.",
    )
    date_from = models.DateField("du")
    date_to = models.DateField("au")
    publication_date = models.DateField("date de publication")
    title = models.CharField("titre", max_length=200, default=DEFAULT_TITLE)
    introduction = models.TextField("introduction", blank=True)
    unisvers_text = models.TextField("paragraphe Unis'Vers", blank=True)
    villages_text = models.TextField("paragraphe Vill@ges connectés", blank=True)
    contact = models.TextField("contact presse", blank=True)
    compare = models.BooleanField(
        "comparer avec la même période un an plus tôt",
        default=False,
        help_text="Chaque chiffre clé dit son évolution sur un an, avec les courbes « Un an "
        "après » et le titre « Un an après, point sur… ».",
    )
    testimonials = models.ManyToManyField(
        "unisvers.Testimonial",
        blank=True,
        related_name="bilans",
        verbose_name="témoignages publiés",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)
    # Set when the bilan was created before its period's figures were computed: its texts are
    # written from them once the worker has computed them (services.bilan_document_prefill).
    texts_pending_since = models.DateTimeField(
        "textes en attente des chiffres depuis",
        null=True,
        blank=True,
        editable=False,
        help_text="Le premier jet des textes attend les chiffres de la période, calculés par le "
        "worker.",
    )

    site_path = "site"
    objects = BilanDocumentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "bilan"
        verbose_name_plural = "bilans"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(date_from__lte=models.F("date_to")),
                name="bilan_period_in_order",
            )
        ]

    def __str__(self):
        scope = self.site.name if self.site else "tous les sites"
        return f"{self.title} — {self.date_from:%d/%m/%Y} au {self.date_to:%d/%m/%Y} ({scope})"

    def get_absolute_url(self):
        return reverse("reporting:document", kwargs={"public_id": self.public_id})

    def texts_snapshot(self) -> dict:
        """What a version keeps of its bilan when it is requested: the texts as written (figure
        references kept), the publication date and the chosen testimonials."""
        return {
            "title": self.title,
            "publication_date": self.publication_date.isoformat(),
            "introduction": self.introduction,
            "unisvers": self.unisvers_text,
            "villages": self.villages_text,
            "contact": self.contact,
            "compare": self.compare,
            "testimonials": sorted(self.testimonials.values_list("pk", flat=True)),
        }

    def clean(self):
        super().clean()
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ValidationError({"date_to": "La fin de la période précède son début."})
        try:
            check_period(self.date_from, self.date_to)
        except ValidationError as error:
            raise ValidationError({"date_to": error.messages}) from None


class BilanVersion(models.Model):
    """One generation of a bilan's PDF: the job's state, its error, and the exact indicator
    values the PDF was built from (kept even when the data changes later)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    document = models.ForeignKey(BilanDocument, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField("version")
    status = models.CharField(
        "état", max_length=10, choices=JobStatus.choices, default=JobStatus.PENDING
    )
    error = models.TextField("erreur", blank=True)
    attempts = models.PositiveSmallIntegerField("tentatives", default=0)
    indicators = OrderedJSONField("indicateurs", null=True, blank=True)
    pdf = models.FileField("PDF", upload_to="bilans/", blank=True)
    pdf_size = models.PositiveIntegerField("taille (octets)", null=True, blank=True)
    duration_ms = models.PositiveIntegerField("durée (ms)", null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    requested_at = models.DateTimeField("demandé le", auto_now_add=True)
    # A job's life is traced so that one whose worker died can be told from one still running:
    # queued_at when it was last put in the queue (request, "Relancer", automatic requeue),
    # sent_at when the broker last accepted it (empty: the broker did not answer yet).
    queued_at = models.DateTimeField("mis en file le", default=timezone.now)
    sent_at = models.DateTimeField("transmis le", null=True, blank=True)
    requeues = models.PositiveSmallIntegerField("reprises automatiques", default=0)
    started_at = models.DateTimeField("commencé le", null=True, blank=True)
    finished_at = models.DateTimeField("terminé le", null=True, blank=True)
    # The document's texts (references kept) and testimonials when the version was requested:
    # what the manager saw when clicking "Générer le PDF" is what the version prints, whatever
    # is edited while the job waits. Empty for the versions made before it was kept.
    texts = models.JSONField("textes", null=True, blank=True)
    # A published version is frozen (its texts, its figures and its PDF) and cannot be deleted;
    # a newer version published after it supersedes it.
    published_at = models.DateTimeField("publiée le", null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-number"]
        verbose_name = "version du bilan"
        verbose_name_plural = "versions du bilan"
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="bilan_version_unique"),
            models.CheckConstraint(
                condition=models.Q(published_at__isnull=True) | models.Q(status=JobStatus.READY),
                name="bilan_version_published_is_ready",
            ),
        ]

    def __str__(self):
        return f"Version {self.number} ({self.get_status_display()})"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def can_publish(self) -> bool:
        """Only a version whose PDF is ready can be published, once."""
        return self.status == JobStatus.READY and not self.is_published

    @property
    def is_waiting(self) -> bool:
        return self.status in (JobStatus.PENDING, JobStatus.RUNNING)

    @staticmethod
    def time_limit() -> datetime.timedelta:
        """How long a generation may take; the worker kills it past this (see services)."""
        return datetime.timedelta(seconds=settings.CEIS_REPORT_JOB_TIME_LIMIT)

    @staticmethod
    def time_limit_label() -> str:
        """The limit as the pages and messages say it: "5 minutes", "1 minute", "45 secondes"."""
        seconds = settings.CEIS_REPORT_JOB_TIME_LIMIT
        if seconds == 60:
            return "1 minute"
        if seconds >= 120 and seconds % 60 == 0:
            return f"{seconds // 60} minutes"
        return f"{seconds} secondes"

    @classmethod
    def overdue_q(cls, now: datetime.datetime) -> models.Q:
        """Versions whose job is past its time limit: its worker died or lost the message.
        The same rule as `is_overdue`, for the sweeper's query."""
        limit = now - cls.time_limit()
        return models.Q(status=JobStatus.RUNNING, started_at__lt=limit) | models.Q(
            status=JobStatus.PENDING, sent_at__lt=limit
        )

    def is_overdue(self, now: datetime.datetime | None = None) -> bool:
        limit = (now or timezone.now()) - self.time_limit()
        if self.status == JobStatus.RUNNING:
            return self.started_at is not None and self.started_at < limit
        if self.status == JobStatus.PENDING:
            return self.sent_at is not None and self.sent_at < limit
        return False

    @property
    def overdue(self) -> bool:
        return self.is_overdue()

    @property
    def awaits_broker(self) -> bool:
        """Recorded but not yet accepted by the broker (down or hanging when it was sent)."""
        return self.status == JobStatus.PENDING and self.sent_at is None

    @property
    def can_retry(self) -> bool:
        """ "Relancer" is offered on a failure, on a version still waiting, and on one past its
        time limit; never on a job still running within its limit (it would run twice)."""
        if self.status in (JobStatus.FAILED, JobStatus.PENDING):
            return True
        return self.status == JobStatus.RUNNING and self.is_overdue()

    def filename(self, extension: str = "pdf") -> str:
        doc = self.document
        scope = doc.site.code if doc.site else "tous-sites"
        return (
            f"bilan-ceis-{doc.date_from:%Y%m%d}-{doc.date_to:%Y%m%d}-{scope}-v{self.number}"
            f".{extension}"
        )


@receiver(pre_delete, sender=BilanVersion)
def _published_versions_are_kept(sender, instance, **kwargs):
    """A published version is never deleted, neither alone nor with its bilan. A receiver is
    the one place Django asks for each row of a cascade, so the refusal holds for both."""
    if instance.is_published:
        raise ProtectedError(
            f"La version {instance.number} est publiée : elle ne peut pas être supprimée.",
            {instance},
        )


class DashboardResult(models.Model):
    """The dashboard's figures for one period and site (or all sites), computed by a Celery task
    and never inside a web request (reporting/dashboard.py). One row per key: the row is also
    the single-flight lock, so that one computation at a time runs per key across every web and
    worker process (`computing_since`, claimed by a conditional UPDATE)."""

    key = models.CharField("clé", max_length=40, unique=True)
    date_from = models.DateField("du")
    date_to = models.DateField("au")
    site = models.ForeignKey(
        Site, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name="site"
    )
    # {"bilan": compute_bilan(…), "charts": {name: svg}}; empty until the first computation;
    # "charts" only once a page has shown the result (reporting.dashboard._draws_charts).
    figures = OrderedJSONField("chiffres", null=True, blank=True)
    # When the computation that produced `figures` started: the data are those of that moment.
    computed_at = models.DateTimeField("calculé le", null=True, blank=True)
    duration_ms = models.PositiveIntegerField("durée (ms)", null=True, blank=True)
    # Held by the task computing it; a hold older than the task's time limit was a dead worker's.
    computing_since = models.DateTimeField("calcul commencé le", null=True, blank=True)
    # When a computation was last sent to the broker (pages send at most one per interval).
    requested_at = models.DateTimeField("demandé le", null=True, blank=True)
    # Sent by the refresh to run later (`requested_at` in the future): a page does not wait for
    # it and sends its own; a page's own send is never overtaken by another page's.
    scheduled = models.BooleanField("précalcul programmé", default=False)
    # The first data change since the last computation began (cleared by the next computation).
    data_changed_at = models.DateTimeField("données modifiées le", null=True, blank=True)
    # The last time a page showed it (at most hourly): results nobody asks for are purged.
    asked_at = models.DateTimeField("consulté le", null=True, blank=True)
    error = models.TextField("erreur", blank=True)

    class Meta:
        verbose_name = "chiffres du tableau de bord"
        verbose_name_plural = "chiffres du tableau de bord"

    def __str__(self):
        scope = self.site.name if self.site else "tous les sites"
        return f"{self.date_from:%d/%m/%Y} au {self.date_to:%d/%m/%Y} ({scope})"

    @staticmethod
    def key_for(date_from: datetime.date, date_to: datetime.date, site) -> str:
        return f"{date_from:%Y%m%d}-{date_to:%Y%m%d}-{site.pk if site else 'tous'}"
