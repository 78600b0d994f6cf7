"""Codes of Vill@ges connectés, exactly as docs/domain.md (La Coop de la médiation
numérique), so that figures compare nationally."""

from django.db import models


class WorkshopFormat(models.TextChoices):
    ATELIER_LUDIQUE = "atelier_ludique", "Atelier ludique"
    SENSIBILISATION = "sensibilisation", "Sensibilisation"
    FORMATION = "formation", "Formation"


class WorkshopLevel(models.TextChoices):
    DEBUTANT = "debutant", "Débutant"
    INTERMEDIAIRE = "intermediaire", "Intermédiaire"
    AVANCE = "avance", "Avancé"


class DigitalTheme(models.TextChoices):
    DIAGNOSTIC_NUMERIQUE = "diagnostic_numerique", "Diagnostic numérique"
    PRENDRE_EN_MAIN_DU_MATERIEL = "prendre_en_main_du_materiel", "Prendre en main du matériel"
    MAINTENANCE_DE_MATERIEL = "maintenance_de_materiel", "Maintenance de matériel"
    GERE_SES_CONTENUS_NUMERIQUES = "gere_ses_contenus_numeriques", "Gérer ses contenus numériques"
    NAVIGATION_SUR_INTERNET = "navigation_sur_internet", "Navigation sur internet"
    EMAIL = "email", "E-mail"
    BUREAUTIQUE = "bureautique", "Bureautique"
    RESEAUX_SOCIAUX = "reseaux_sociaux", "Réseaux sociaux"
    SANTE = "sante", "Santé"
    BANQUE_ET_ACHATS_EN_LIGNE = "banque_et_achats_en_ligne", "Banque et achats en ligne"
    ENTREPRENEURIAT = "entrepreneuriat", "Entrepreneuriat"
    INSERTION_PROFESSIONNELLE = "insertion_professionnelle", "Insertion professionnelle"
    SECURITE_NUMERIQUE = "securite_numerique", "Sécurité numérique"
    PARENTALITE = "parentalite", "Parentalité"
    SCOLARITE_ET_NUMERIQUE = "scolarite_et_numerique", "Scolarité et numérique"
    CREER_AVEC_LE_NUMERIQUE = "creer_avec_le_numerique", "Créer avec le numérique"
    CULTURE_NUMERIQUE = "culture_numerique", "Culture numérique"
    INTELLIGENCE_ARTIFICIELLE = "intelligence_artificielle", "Intelligence artificielle"
    AIDE_AUX_DEMARCHES_ADMINISTRATIVES = (
        "aide_aux_demarches_administratives",
        "Aide aux démarches administratives",
    )


class Procedure(models.TextChoices):
    PAPIERS_ELECTIONS_CITOYENNETE = (
        "papiers_elections_citoyennete",
        "Papiers, élections, citoyenneté",
    )
    FAMILLE_SCOLARITE = "famille_scolarite", "Famille, scolarité (CAF)"
    SOCIAL_SANTE = "social_sante", "Social, santé"
    TRAVAIL_FORMATION = "travail_formation", "Travail, formation (France Travail)"
    LOGEMENT = "logement", "Logement"
    TRANSPORTS_MOBILITE = "transports_mobilite", "Transports, mobilité"
    ARGENT_IMPOTS = "argent_impots", "Argent, impôts"
    JUSTICE = "justice", "Justice"
    ETRANGERS_EUROPE = "etrangers_europe", "Étrangers, Europe"
    LOISIRS_SPORTS_CULTURE = "loisirs_sports_culture", "Loisirs, sports, culture"
    ASSOCIATIONS = "associations", "Associations"


class Autonomy(models.TextChoices):
    ENTIEREMENT_ACCOMPAGNE = "entierement_accompagne", "Avec guidage"
    PARTIELLEMENT_AUTONOME = "partiellement_autonome", "Partiellement autonome"
    AUTONOME = "autonome", "Autonome"


class Orientation(models.TextChoices):
    ADMINISTRATION = "administration", "Administration"
    MEDIATION_NUMERIQUE = "mediation_numerique", "Médiation numérique"
    OPERATEUR_OU_ORGANISME = "operateur_ou_organisme", "Opérateur ou organisme"
    AIDE_SOCIALE = "aide_sociale", "Aide sociale"
    INSERTION_PROFESSIONNELLE = "insertion_professionnelle", "Insertion professionnelle"
    AUTRE = "autre", "Autre"


class RegistrationStatus(models.TextChoices):
    INSCRIT = "inscrit", "Inscrit·e"
    LISTE_ATTENTE = "liste_attente", "Liste d'attente"
    ANNULE = "annule", "Annulé"


class Attendance(models.TextChoices):
    PRESENT = "present", "Présent·e"
    ABSENT = "absent", "Absent·e"


class AnonymousAgeBand(models.TextChoices):
    """Age bands of the anonymous attendees of a session (domain.md)."""

    MOINS_26 = "moins_26", "Moins de 26 ans"
    AGE_26_59 = "26_59", "26 à 59 ans"
    AGE_60_PLUS = "60_plus", "60 ans et plus"
    INCONNU = "inconnu", "Âge inconnu"


class AnonymousSex(models.TextChoices):
    """The sexes of `ceis.choices.Sex`, and "unknown" for those who came without a word."""

    F = "F", "Femmes"
    M = "M", "Hommes"
    X = "X", "Autre"
    INCONNU = "inconnu", "Non précisé"


class SkillDomain(models.TextChoices):
    INFORMATION = "information", "Information"
    COMMUNICATION = "communication", "Communication"
    CONTENUS = "contenus", "Logiciels et contenus"
    SECURITE = "securite", "Sécurité et vie privée"
    RESOLUTION_PROBLEMES = "resolution_problemes", "Résolution de problèmes"


class SkillLevel(models.TextChoices):
    """INSEE 2021 classification, from worst to best (the order matters for progress)."""

    ILLECTRONISME = "illectronisme", "Illectronisme"
    CAPACITES_FAIBLES = "capacites_faibles", "Capacités numériques faibles"
    COMPETENCES_DE_BASE = "competences_de_base", "Compétences de base"
    AU_DELA_DE_LA_BASE = "au_dela_de_la_base", "Au-delà de la base"

    @classmethod
    def rank(cls, code: str) -> int:
        return cls.values.index(code)
