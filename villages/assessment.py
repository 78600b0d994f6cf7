"""The digital-skills questionnaire and its scoring: pure functions, no database.

Scoring follows the Eurostat digital skills indicator that INSEE uses: in each domain the person
is asked about concrete activities. No activity → 0 (none), exactly one → 1 (basic), two or
more → 2 (above basic). The classification is INSEE's 2021 rule (domain.md).
"""

from collections.abc import Mapping

from .choices import SkillDomain, SkillLevel

QUESTIONNAIRE_VERSION = "vc-2026-1"
# What people read of each version (a version's code is never shown).
QUESTIONNAIRE_LABELS = {"vc-2026-1": "Vill@ges connectés, version de 2026"}

# Per domain: (answer key, question asked to the person). Keys are stored with the answers, so
# they never change inside a version; a new wording means a new QUESTIONNAIRE_VERSION.
QUESTIONS: dict[str, list[tuple[str, str]]] = {
    SkillDomain.INFORMATION: [
        ("info_recherche", "Chercher une information sur internet (horaires, adresse, actualité)"),
        ("info_services", "Trouver une information sur un site public (CAF, impôts, Ameli)"),
        ("info_verifier", "Vérifier qu'une information trouvée en ligne est fiable"),
        ("info_fichiers", "Enregistrer un fichier ou une photo et le retrouver ensuite"),
    ],
    SkillDomain.COMMUNICATION: [
        ("com_email", "Envoyer ou recevoir un e-mail"),
        ("com_messagerie", "Utiliser une messagerie (SMS, WhatsApp…) ou un appel vidéo"),
        ("com_piece_jointe", "Joindre un document à un message"),
        ("com_demarche", "Échanger par écrit avec une administration en ligne"),
    ],
    SkillDomain.CONTENUS: [
        ("cont_texte", "Écrire un texte (courrier, CV) avec un logiciel ou une application"),
        ("cont_scan", "Numériser ou photographier un document pour l'envoyer"),
        ("cont_installer", "Installer une application sur un téléphone ou un ordinateur"),
        ("cont_tableur", "Utiliser un tableur ou modifier une photo"),
    ],
    SkillDomain.SECURITE: [
        ("sec_mot_de_passe", "Changer un mot de passe ou en choisir un solide"),
        ("sec_arnaque", "Reconnaître un message frauduleux (hameçonnage)"),
        ("sec_confidentialite", "Régler la confidentialité d'un compte ou refuser les cookies"),
        ("sec_double_facteur", "Se connecter avec un code reçu par SMS ou une application"),
    ],
    SkillDomain.RESOLUTION_PROBLEMES: [
        ("res_achat", "Acheter ou réserver quelque chose en ligne"),
        ("res_banque", "Consulter son compte bancaire en ligne"),
        ("res_demarche", "Faire seul·e une démarche en ligne jusqu'au bout"),
        ("res_panne", "Résoudre un problème (connexion, mise à jour, imprimante)"),
    ],
}

ALL_KEYS = frozenset(key for questions in QUESTIONS.values() for key, _ in questions)

MEANINGS = {
    SkillLevel.ILLECTRONISME: (
        "La personne n'utilise pas internet ou n'a presque aucune compétence numérique : "
        "elle a besoin d'un accompagnement pour toute démarche en ligne."
    ),
    SkillLevel.CAPACITES_FAIBLES: (
        "La personne maîtrise certains usages mais pas d'autres : un ou plusieurs domaines "
        "sont à travailler en atelier."
    ),
    SkillLevel.COMPETENCES_DE_BASE: (
        "La personne a des compétences de base dans les cinq domaines."
    ),
    SkillLevel.AU_DELA_DE_LA_BASE: (
        "La personne maîtrise plusieurs usages dans chacun des cinq domaines."
    ),
}


def domain_score(yes_count: int) -> int:
    """0 activity → 0, one → 1, two or more → 2 (Eurostat's per-domain rule)."""
    if yes_count <= 0:
        return 0
    return 1 if yes_count == 1 else 2


def questionnaire_label(version: str) -> str:
    """The name of a questionnaire's version for people; "" for scores imported without one."""
    return QUESTIONNAIRE_LABELS.get(version, "version antérieure" if version else "")


def score_answers(answers: Mapping[str, bool]) -> dict[str, int]:
    """Scores 0/1/2 per domain from the yes/no answers (missing answers count as no)."""
    return {
        domain: domain_score(sum(1 for key, _ in questions if answers.get(key)))
        for domain, questions in QUESTIONS.items()
    }


def classify(*, internet_use_3m: bool, scores: Mapping[str, int]) -> str:
    """INSEE 2021: illectronisme if no internet use in the last 3 months or at least 4 domains
    at 0; capacités faibles if 1 to 3 domains at 0; au-delà de la base if all five at 2;
    compétences de base otherwise (no domain at 0)."""
    values = [scores[domain] for domain in SkillDomain.values]
    zeros = values.count(0)
    if not internet_use_3m or zeros >= 4:
        return SkillLevel.ILLECTRONISME
    if zeros >= 1:
        return SkillLevel.CAPACITES_FAIBLES
    if all(value == 2 for value in values):
        return SkillLevel.AU_DELA_DE_LA_BASE
    return SkillLevel.COMPETENCES_DE_BASE
