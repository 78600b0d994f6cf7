"""Bilan documents (a manager's editorial texts for a period and site) and their PDF versions."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from ceis.models import Site

from .choices import JobStatus

DEFAULT_TITLE = "Point sur les dispositifs Unis'Vers et Vill@ges connectés"


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

    def clean(self):
        super().clean()
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ValidationError({"date_to": "La fin de la période précède son début."})


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
    indicators = models.JSONField("indicateurs", null=True, blank=True)
    pdf = models.FileField("PDF", upload_to="bilans/", blank=True)
    pdf_size = models.PositiveIntegerField("taille (octets)", null=True, blank=True)
    duration_ms = models.PositiveIntegerField("durée (ms)", null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    requested_at = models.DateTimeField("demandé le", auto_now_add=True)
    started_at = models.DateTimeField("commencé le", null=True, blank=True)
    finished_at = models.DateTimeField("terminé le", null=True, blank=True)

    class Meta:
        ordering = ["-number"]
        verbose_name = "version du bilan"
        verbose_name_plural = "versions du bilan"
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="bilan_version_unique")
        ]

    def __str__(self):
        return f"Version {self.number} ({self.get_status_display()})"

    @property
    def is_waiting(self) -> bool:
        return self.status in (JobStatus.PENDING, JobStatus.RUNNING)

    def filename(self) -> str:
        doc = self.document
        scope = doc.site.code if doc.site else "tous-sites"
        return f"bilan-ceis-{doc.date_from:%Y%m%d}-{doc.date_to:%Y%m%d}-{scope}-v{self.number}.pdf"
