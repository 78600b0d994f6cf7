"""Codes of the appointments (domain.md, "What happens next"), with their French labels."""

from django.db import models


class AppointmentKind(models.TextChoices):
    ACCOMPAGNEMENT_NUMERIQUE = "accompagnement_numerique", "Accompagnement numérique"
    DIAGNOSTIC_NUMERIQUE = "diagnostic_numerique", "Diagnostic numérique"
    ENTRETIEN_SOCIAL = "entretien_social", "Entretien social"
    ENTRETIEN_SORTIE = "entretien_sortie", "Entretien de sortie"
    AUTRE = "autre", "Autre"


class AppointmentStatus(models.TextChoices):
    PREVU = "prevu", "Prévu"
    HONORE = "honore", "Honoré"
    EXCUSE = "excuse", "Excusé"  # cancelled ahead: the slot is free again
    NON_HONORE = "non_honore", "Non honoré"  # no-show


# The statuses that hold the agent's time: a cancelled appointment frees its slot.
BUSY_STATUSES = (AppointmentStatus.PREVU, AppointmentStatus.HONORE, AppointmentStatus.NON_HONORE)


class Weekday(models.IntegerChoices):
    LUNDI = 0, "lundi"
    MARDI = 1, "mardi"
    MERCREDI = 2, "mercredi"
    JEUDI = 3, "jeudi"
    VENDREDI = 4, "vendredi"
    SAMEDI = 5, "samedi"
    DIMANCHE = 6, "dimanche"
