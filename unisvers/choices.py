"""Unis'Vers reference lists: the exact codes of docs/domain.md (the bilan and the data
package depend on them)."""

from django.db import models


class Weekday(models.TextChoices):
    # Codes of the data package (cohorts.csv `weekdays`, e.g. mon|tue|thu), in ISO order.
    MON = "mon", "Lundi"
    TUE = "tue", "Mardi"
    WED = "wed", "Mercredi"
    THU = "thu", "Jeudi"
    FRI = "fri", "Vendredi"
    SAT = "sat", "Samedi"
    SUN = "sun", "Dimanche"

    @classmethod
    def iso_numbers(cls, codes) -> set[int]:
        """Codes → `date.isoweekday()` numbers (Monday = 1)."""
        order = list(cls.values)
        return {order.index(code) + 1 for code in codes}


class CohortStatus(models.TextChoices):
    A_VENIR = "a_venir", "À venir"
    EN_COURS = "en_cours", "En cours"
    TERMINEE = "terminee", "Terminée"


class Space(models.TextChoices):
    MULTIMEDIA = "multimedia", "Multimédia"
    ACCES_DROITS = "acces_droits", "Accès aux droits"
    EMPLOI_FORMATION = "emploi_formation", "Emploi / formation"
    MOBILITE = "mobilite", "Mobilité"
    CULTURE_SPORT_SANTE = "culture_sport_sante", "Culture / sport / santé"
    BUDGET = "budget", "Budget"


class ReferralSource(models.TextChoices):
    FRANCE_TRAVAIL = "france_travail", "France Travail"
    CCAS = "ccas", "CCAS"
    DEPARTEMENT = "departement", "Département"
    MISSION_LOCALE = "mission_locale", "Mission locale"
    SPONTANE = "spontane", "Démarche spontanée"
    AUTRE = "autre", "Autre"


class MinimumIncome(models.TextChoices):
    RSA = "rsa", "RSA"
    ASS = "ass", "ASS"
    AAH = "aah", "AAH"
    EN_ATTENTE_DROITS = "en_attente_droits", "En attente d'ouverture de droits"
    AUCUN = "aucun", "Aucun minimum social"


class Household(models.TextChoices):
    SEUL = "seul", "Vit seul·e"
    MONOPARENTAL = "monoparental", "Famille monoparentale"
    COUPLE_SANS_ENFANT = "couple_sans_enfant", "Couple sans enfant"
    COUPLE_AVEC_ENFANTS = "couple_avec_enfants", "Couple avec enfant(s)"
    HEBERGE = "heberge", "Hébergé·e"
    AUTRE = "autre", "Autre"


class Barrier(models.TextChoices):
    LOGEMENT = "logement", "Logement"
    EMPLOI = "emploi", "Emploi"
    FORMATION = "formation", "Formation"
    DIFFICULTE_ADMINISTRATIVE = "difficulte_administrative", "Difficultés administratives"
    DIFFICULTE_FINANCIERE = "difficulte_financiere", "Difficultés financières"
    MOBILITE = "mobilite", "Mobilité"
    SANTE = "sante", "Santé"
    CONTRAINTES_FAMILIALES = "contraintes_familiales", "Contraintes familiales"
    MAITRISE_LANGUE = "maitrise_langue", "Maîtrise de la langue"
    NUMERIQUE = "numerique", "Numérique"


class ExitOutcome(models.TextChoices):
    EMPLOI_DURABLE = (
        "emploi_durable",
        "Emploi durable (CDI, CDD ou intérim ≥ 6 mois, création d'entreprise)",
    )
    EMPLOI_TRANSITION = (
        "emploi_transition",
        "Emploi de transition (CDD ou intérim < 6 mois, contrat aidé)",
    )
    IAE = "iae", "Structure d'insertion par l'activité économique (chantier d'insertion…)"
    FORMATION = "formation", "Formation qualifiante ou pré-qualifiante"
    PROJET_PROFESSIONNEL = "projet_professionnel", "Projet professionnel réaliste validé"
    SANS_SOLUTION = "sans_solution", "Fin d'action sans solution"
    ABANDON = "abandon", "Abandon en cours d'action"

    @classmethod
    def positive(cls) -> list[str]:
        """Outcomes counted as "sortie positive" (domain.md)."""
        return [
            cls.EMPLOI_DURABLE,
            cls.EMPLOI_TRANSITION,
            cls.IAE,
            cls.FORMATION,
            cls.PROJET_PROFESSIONNEL,
        ]

    @property
    def is_positive(self) -> bool:
        return self in self.positive()


class DropoutReason(models.TextChoices):
    SANTE = "sante", "Santé"
    CONTRAINTES_FAMILIALES = "contraintes_familiales", "Contraintes familiales"
    DEMENAGEMENT = "demenagement", "Déménagement"
    MOBILITE = "mobilite", "Mobilité"
    INJOIGNABLE = "injoignable", "Injoignable"
    AUTRE = "autre", "Autre"


class FollowupSituation(models.TextChoices):
    """Situation 3 months after exit: the outcome codes (an abandon is no situation) + unknown."""

    EMPLOI_DURABLE = ExitOutcome.EMPLOI_DURABLE.value, ExitOutcome.EMPLOI_DURABLE.label
    EMPLOI_TRANSITION = ExitOutcome.EMPLOI_TRANSITION.value, ExitOutcome.EMPLOI_TRANSITION.label
    IAE = ExitOutcome.IAE.value, ExitOutcome.IAE.label
    FORMATION = ExitOutcome.FORMATION.value, ExitOutcome.FORMATION.label
    PROJET_PROFESSIONNEL = (
        ExitOutcome.PROJET_PROFESSIONNEL.value,
        ExitOutcome.PROJET_PROFESSIONNEL.label,
    )
    SANS_SOLUTION = ExitOutcome.SANS_SOLUTION.value, ExitOutcome.SANS_SOLUTION.label
    INCONNU = "inconnu", "Situation inconnue"


class FollowupKind(models.TextChoices):
    ENTRETIEN = "entretien", "Entretien"
    ACCES_DROITS = "acces_droits", "Accès aux droits"
    ORIENTATION_SANTE = "orientation_sante", "Orientation santé"
    LOGEMENT = "logement", "Logement"
    BUDGET = "budget", "Budget"
    EMPLOI = "emploi", "Emploi"
    AUTRE = "autre", "Autre"


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", "Présent·e"
    ABSENT_EXCUSE = "absent_excuse", "Absent·e excusé·e"
    ABSENT_NON_EXCUSE = "absent_non_excuse", "Absent·e non excusé·e"


class EventKind(models.TextChoices):
    ALUMNI = "alumni", "Rencontre des anciens"
    COMITE_USAGERS = "comite_usagers", "Comité d'usagers"
    CO_EVALUATION = "co_evaluation", "Co-évaluation collective"
    AUTRE = "autre", "Autre"
