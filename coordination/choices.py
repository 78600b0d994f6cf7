"""Codes of the partner directory and of orientations (domain.md, "What happens next")."""

from django.db import models


class PartnerCategory(models.TextChoices):
    FRANCE_TRAVAIL = "france_travail", "France Travail"
    MISSION_LOCALE = "mission_locale", "Mission locale"
    DEPARTEMENT_RSA = "departement_rsa", "Département (RSA)"
    SANTE = "sante", "Santé"
    LOGEMENT = "logement", "Logement"
    FORMATION = "formation", "Formation"
    IAE = "iae", "Insertion par l'activité économique"
    ASSOCIATION = "association", "Association"
    ADMINISTRATION = "administration", "Administration"
    NUMERIQUE = "numerique", "Numérique"
    AUTRE = "autre", "Autre"


class OrientationStatus(models.TextChoices):
    PROPOSEE = "proposee", "Proposée"
    ACCEPTEE = "acceptee", "Acceptée"
    REALISEE = "realisee", "Réalisée"
    REFUSEE = "refusee", "Refusée"
    SANS_SUITE = "sans_suite", "Sans suite"


# An orientation still waiting for the partner or the person: in its author's to-do list.
PENDING_STATUSES = (OrientationStatus.PROPOSEE, OrientationStatus.ACCEPTEE)


class OrientationSource(models.TextChoices):
    FOLLOWUP = "followup", "Entretien de suivi"
    HELP = "help", "Accompagnement individuel"
    EXIT = "exit", "Sortie du dispositif"


# The partner every site has, for the orientations that were free text before the directory.
OTHER_PARTNER_NAME = "Autre"
