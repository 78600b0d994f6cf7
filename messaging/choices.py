"""Codes of the messages to the people served (domain.md, "Contact consent", "Messages")."""

from django.db import models


class Channel(models.TextChoices):
    SMS = "sms", "SMS"
    EMAIL = "email", "E-mail"


class TemplateCode(models.TextChoices):
    APPOINTMENT_CONFIRMATION = "appointment_confirmation", "Confirmation de rendez-vous"
    APPOINTMENT_REMINDER = "appointment_reminder", "Rappel de rendez-vous (2 jours avant)"
    WORKSHOP_CONFIRMATION = "workshop_confirmation", "Confirmation d'inscription à un atelier"
    WORKSHOP_REMINDER = "workshop_reminder", "Rappel d'atelier (la veille)"
    WAITLIST_PROMOTION = "waitlist_promotion", "Place libérée (liste d'attente)"
    CHANGE = "change", "Changement de date ou d'horaire"
    CANCELLATION = "cancellation", "Annulation"


class MessageStatus(models.TextChoices):
    EN_ATTENTE = "en_attente", "En attente"
    ENVOYE = "envoye", "Envoyé"
    REMIS = "remis", "Remis"
    ECHEC = "echec", "Échec"


# The statuses the bilan counts as sent (indicators.md, `messages.sent`).
SENT_STATUSES = (MessageStatus.ENVOYE, MessageStatus.REMIS)
