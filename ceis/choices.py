"""Reference lists shared by both programmes (codes from docs/domain.md)."""

from django.db import models


class Role(models.TextChoices):
    TRAVAILLEUR_SOCIAL = "travailleur_social", "Travailleur social"
    MEDIATEUR_NUMERIQUE = "mediateur_numerique", "Médiateur numérique"
    VOLONTAIRE = "volontaire", "Volontaire"
    MANAGER = "manager", "Manager"
    ADMIN = "admin", "Administrateur"


class Sex(models.TextChoices):
    F = "F", "Femme"
    M = "M", "Homme"
    X = "X", "Autre"


class EducationLevel(models.TextChoices):
    AUCUN = "aucun", "Aucun diplôme"
    CEP = "cep", "Certificat d'études primaires"
    BREVET = "brevet", "Brevet des collèges"
    CAP_BEP = "cap_bep", "CAP, BEP"
    BAC_PRO_TECHNO = "bac_pro_techno", "Bac professionnel ou technologique"
    BAC_GENERAL = "bac_general", "Bac général"
    BAC_PLUS_2 = "bac_plus_2", "Bac +2"
    BAC_PLUS_3_4 = "bac_plus_3_4", "Bac +3 ou +4"
    BAC_PLUS_5 = "bac_plus_5", "Bac +5 et plus"

    @classmethod
    def bac_or_higher(cls):
        """The levels counted as "au moins le baccalauréat" (domain.md)."""
        return [
            cls.BAC_PRO_TECHNO,
            cls.BAC_GENERAL,
            cls.BAC_PLUS_2,
            cls.BAC_PLUS_3_4,
            cls.BAC_PLUS_5,
        ]


class ProfessionalStatus(models.TextChoices):
    RETRAITE = "retraite", "Retraité"
    SANS_EMPLOI = "sans_emploi", "Sans emploi"
    EN_EMPLOI = "en_emploi", "En emploi"
    SCOLARISE = "scolarise", "Scolarisé"
    NON_COMMUNIQUE = "non_communique", "Non communiqué"


class JournalAction(models.TextChoices):
    VIEW = "view", "Consultation"
    CREATE = "create", "Création"
    UPDATE = "update", "Modification"
    DELETE = "delete", "Suppression"
    EXPORT = "export", "Export"
    DOWNLOAD = "download", "Téléchargement"
    LOGIN = "login", "Connexion"
    LOGOUT = "logout", "Déconnexion"
    LOGIN_FAILED = "login_failed", "Échec de connexion"
    ACCESS_REFUSED = "access_refused", "Accès refusé"
    LOCKOUT = "lockout", "Compte bloqué (trop d'échecs)"


class ImportKind(models.TextChoices):
    PACKAGE = "package", "Paquet de données"
    REFERRALS = "referrals", "Liste d'orientation France Travail"


class ImportStep(models.TextChoices):
    CHECK = "check", "Vérification"
    APPLY = "apply", "Import"


class ImportStatus(models.TextChoices):
    PENDING = "pending", "En attente"
    RUNNING = "running", "En cours"
    DONE = "done", "Terminé"
    FAILED = "failed", "Échec"
