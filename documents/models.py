"""Documents attached to a person (CV, attestations, convocations): domain.md, "What happens
next". The file lives outside static and media files, under `CEIS_DOCUMENTS_ROOT`, with a random
name that does not depend on the person (a merge moves the row, the file stays); it is read only
through the checked download view (views.py)."""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse

from ceis.models import Person
from ceis.scoping import SiteScopedQuerySet


class DocumentProgramme(models.TextChoices):
    """The programme file a document belongs to: who may read it is who may read that file
    (perms.py) — a mediator never reads a Unis'Vers attestation (security.md row 3)."""

    UNISVERS = "unisvers", "Unis'Vers"
    VILLAGES = "villages", "Vill@ges connectés"


class DocumentKind(models.TextChoices):
    CV = "cv", "CV"
    ATTESTATION = "attestation", "Attestation"
    CONVOCATION = "convocation", "Convocation"
    AUTRE = "autre", "Autre"


class PersonDocument(models.Model):
    site_path = "person__site"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="documents", verbose_name="personne"
    )
    programme = models.CharField("dossier", max_length=20, choices=DocumentProgramme.choices)
    kind = models.CharField("type de document", max_length=20, choices=DocumentKind.choices)
    title = models.CharField("titre", max_length=120)
    # The name offered at download (sanitised, with the extension of the type found in the
    # content) and the random name of the file under CEIS_DOCUMENTS_ROOT.
    file_name = models.CharField("nom du fichier", max_length=120)
    storage_name = models.CharField(max_length=64, unique=True, editable=False)
    content_type = models.CharField("type de contenu", max_length=100)
    size = models.PositiveIntegerField("taille (octets)")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="déposé par",
    )
    uploaded_at = models.DateTimeField("déposé le", auto_now_add=True)

    objects = SiteScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "document"
        ordering = ["-uploaded_at", "-pk"]
        indexes = [models.Index(fields=["person", "-uploaded_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.title}"

    def get_absolute_url(self):
        return reverse("documents:download", kwargs={"public_id": self.public_id})
