"""The digital-skills questionnaire, its scoring, the change since the previous assessment and
the workshops suggested for the weak domains: pure functions, no database.

Scoring follows the Eurostat digital skills indicator that INSEE uses: in each domain the person
is asked about concrete activities. No activity → 0 (none), exactly one → 1 (basic), two or
more → 2 (above basic). The classification is INSEE's 2021 rule (domain.md).
"""

from collections.abc import Mapping

from .choices import DigitalTheme, SkillDomain, SkillLevel, WorkshopLevel

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


# What follows an assessment: the change since the previous one, and the workshops of the
# catalogue that work on the domains still weak.

# The catalogue's themes that work on each domain (a theme may serve two domains).
DOMAIN_THEMES: dict[str, tuple[str, ...]] = {
    SkillDomain.INFORMATION: (
        DigitalTheme.NAVIGATION_SUR_INTERNET,
        DigitalTheme.CULTURE_NUMERIQUE,
    ),
    SkillDomain.COMMUNICATION: (DigitalTheme.EMAIL, DigitalTheme.RESEAUX_SOCIAUX),
    SkillDomain.CONTENUS: (
        DigitalTheme.GERE_SES_CONTENUS_NUMERIQUES,
        DigitalTheme.BUREAUTIQUE,
        DigitalTheme.PRENDRE_EN_MAIN_DU_MATERIEL,
        DigitalTheme.CREER_AVEC_LE_NUMERIQUE,
    ),
    SkillDomain.SECURITE: (DigitalTheme.SECURITE_NUMERIQUE,),
    SkillDomain.RESOLUTION_PROBLEMES: (
        DigitalTheme.BANQUE_ET_ACHATS_EN_LIGNE,
        DigitalTheme.AIDE_AUX_DEMARCHES_ADMINISTRATIVES,
        DigitalTheme.MAINTENANCE_DE_MATERIEL,
    ),
}
# A domain at 0 calls for a beginners' workshop, at 1 for the next step.
LEVEL_FOR_SCORE = {0: WorkshopLevel.DEBUTANT, 1: WorkshopLevel.INTERMEDIAIRE}
SUGGESTIONS_PER_DOMAIN = 3


def score_changes(scores: Mapping[str, int], previous: Mapping[str, int] | None) -> dict:
    """Per domain, the score of the previous assessment and the change (None without one)."""
    return {
        domain: {
            "before": previous[domain] if previous is not None else None,
            "change": scores[domain] - previous[domain] if previous is not None else None,
        }
        for domain in SkillDomain.values
    }


def weak_domains(scores: Mapping[str, int]) -> list[str]:
    """The domains below 2, the weakest first (then in the questionnaire's order)."""
    weak = [domain for domain in SkillDomain.values if scores[domain] < 2]
    return sorted(weak, key=lambda domain: scores[domain])


def suggested_workshops(scores: Mapping[str, int], workshops) -> list[tuple[str, list]]:
    """For each weak domain, up to `SUGGESTIONS_PER_DOMAIN` workshops of its themes (objects
    with `theme` and `level`): those of the level the score calls for first, then those
    without a level, then the others; a workshop is suggested once, for its weakest domain."""
    suggested: list[tuple[str, list]] = []
    taken = set()
    for domain in weak_domains(scores):
        wanted = LEVEL_FOR_SCORE[scores[domain]]
        fitting = [
            workshop
            for workshop in workshops
            if workshop.theme in DOMAIN_THEMES[domain] and id(workshop) not in taken
        ]
        fitting.sort(key=lambda w: 0 if w.level == wanted else 1 if not w.level else 2)
        chosen = fitting[:SUGGESTIONS_PER_DOMAIN]
        taken.update(id(workshop) for workshop in chosen)
        suggested.append((domain, chosen))
    return suggested
