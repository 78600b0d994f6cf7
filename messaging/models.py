"""Contact consent and the messages sent to the people served (domain.md, "What happens next").

The core's machinery: the programmes say what to send (their `messages.py` and the calls from
their services); the records a message is about are named by `about_kind`/`about_id` strings so
that this app never imports a programme.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from ceis.models import Person, Site
from ceis.scoping import SiteScopedQuerySet

from .choices import Channel, MessageStatus, TemplateCode

REMINDER_CODES = (TemplateCode.APPOINTMENT_REMINDER, TemplateCode.WORKSHOP_REMINDER)


class ContactConsent(models.Model):
    """The current consent of one person on one channel. Each change is journalled (the history:
    who gave or withdrew it, when), this row holds the state the sending reads."""

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="contact_consents", verbose_name="personne"
    )
    channel = models.CharField("canal", max_length=10, choices=Channel.choices)
    given = models.BooleanField("consentement donné", default=False)
    date = models.DateField("date")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="enregistré par",
    )
    recorded_at = models.DateTimeField("enregistré le", default=timezone.now)

    site_path = "person__site"
    objects = SiteScopedQuerySet.as_manager()

    class Meta:
        ordering = ["person", "channel"]
        verbose_name = "consentement de contact"
        verbose_name_plural = "consentements de contact"
        constraints = [
            models.UniqueConstraint(fields=["person", "channel"], name="msg_consent_unique"),
        ]

    def __str__(self):
        state = "donné" if self.given else "retiré"
        return f"{self.get_channel_display()} : {state}"


class MessageTemplate(models.Model):
    """The French text of one kind of message on one channel, editable by admins. `{…}` fields
    are filled at send time (messaging.rendering.FIELDS)."""

    code = models.CharField("modèle", max_length=40, choices=TemplateCode.choices)
    channel = models.CharField("canal", max_length=10, choices=Channel.choices)
    subject = models.CharField("objet (e-mail)", max_length=200, blank=True)
    body = models.TextField("texte")
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        ordering = ["code", "channel"]
        verbose_name = "modèle de message"
        verbose_name_plural = "modèles de message"
        constraints = [
            models.UniqueConstraint(fields=["code", "channel"], name="msg_template_unique"),
        ]

    def __str__(self):
        return f"{self.get_code_display()} ({self.get_channel_display()})"


class SiteContact(models.Model):
    """What the messages of a site give to call back: the site's phone."""

    site = models.OneToOneField(
        Site, on_delete=models.CASCADE, related_name="message_contact", verbose_name="site"
    )
    phone = models.CharField("téléphone du site", max_length=30, blank=True)

    class Meta:
        verbose_name = "contact du site"
        verbose_name_plural = "contacts des sites"

    def __str__(self):
        return f"{self.site} : {self.phone}"


class Message(models.Model):
    """One message to one person on one channel, with its delivery status."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="messages", verbose_name="personne"
    )
    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, related_name="messages", verbose_name="site"
    )
    channel = models.CharField("canal", max_length=10, choices=Channel.choices)
    template = models.CharField("modèle", max_length=40, choices=TemplateCode.choices)
    subject = models.CharField("objet", max_length=200, blank=True)
    body = models.TextField("texte")
    to = models.CharField("destinataire", max_length=254)
    created_at = models.DateTimeField("créé le", default=timezone.now, db_index=True)
    scheduled_for = models.DateTimeField("à envoyer à partir de", default=timezone.now)
    sent_at = models.DateTimeField("envoyé le", null=True, blank=True)
    delivered_at = models.DateTimeField("remis le", null=True, blank=True)
    status = models.CharField(
        "statut", max_length=12, choices=MessageStatus.choices, default=MessageStatus.EN_ATTENTE
    )
    provider_id = models.CharField("identifiant chez le prestataire", max_length=100, blank=True)
    failure_reason = models.CharField("motif de l'échec", max_length=300, blank=True)
    # Stopped before it left because consent was withdrawn or a newer message replaced it:
    # « échec » in the log, but no delivery failed (the bilan's `messages.failed` leaves it out).
    withheld = models.BooleanField("retenu avant l'envoi", default=False)
    attempts = models.PositiveSmallIntegerField("tentatives", default=0)
    # What the message is about, named without importing its programme ("appointment", 42).
    about_kind = models.CharField("à propos de (type)", max_length=40, blank=True)
    about_id = models.CharField("à propos de (identifiant)", max_length=64, blank=True)
    # A permission the reader must hold to see this message in the log (a social interview's
    # messages are hidden from whom may not know the person is followed), empty for everyone.
    visible_with_perm = models.CharField(max_length=100, blank=True)

    site_path = "site"
    objects = SiteScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "message"
        verbose_name_plural = "messages"
        indexes = [
            models.Index(fields=["person", "-created_at"], name="msg_person_idx"),
            models.Index(fields=["status", "scheduled_for"], name="msg_due_idx"),
            models.Index(fields=["provider_id"], name="msg_provider_idx"),
        ]
        constraints = [
            # A reminder is sent once per record, template and channel, whatever runs twice.
            models.UniqueConstraint(
                fields=["about_kind", "about_id", "template", "channel"],
                condition=Q(template__in=REMINDER_CODES),
                name="msg_reminder_once",
            ),
        ]

    def __str__(self):
        return f"{self.get_template_display()} ({self.get_channel_display()})"
