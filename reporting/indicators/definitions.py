"""The catalogue of indicators: key → French label, definition and denominator.

The PDF annex, the XLSX and the dashboard print these texts, so that every published percentage
states what it counts. The keys and their order are those of the JSON (`ceis.bilan/1`); a test
checks that both stay in step.
"""

from dataclasses import dataclass

from django.db import models

from appointments.choices import AppointmentKind, AppointmentStatus
from coordination.choices import PartnerCategory
from messaging.choices import Channel
from unisvers.choices import (
    AttendanceStatus,
    DropoutReason,
    ExitOutcome,
    FollowupSituation,
)
from villages.choices import AnonymousAgeBand, Autonomy, DigitalTheme, Procedure, SkillLevel

from .codes import (
    AppointmentsCode,
    MessagesCode,
    OrientationsCode,
    Programme,
    Section,
    UnisversCode,
    VillagesCode,
)

COUNT = "count"  # an integer
RATE = "rate"  # {"n", "of", "rate"}
BREAKDOWN = "breakdown"  # {code: count}, every code of `codes`
CONFIDENCE = "confidence"  # the self-rating object of Unis'Vers
MONTHLY = "monthly"  # the list of months of Vill@ges
NULLABLE_COUNT = "nullable_count"  # an integer or null (the target)

PROGRAMMES = {Programme.UNISVERS: "Unis'Vers", Programme.VILLAGES: "Vill@ges connectés"}
# Every section of the bilan, in the JSON's order: the programmes, then the added sections.
SECTIONS = {
    **PROGRAMMES,
    Section.APPOINTMENTS: "Rendez-vous",
    Section.ORIENTATIONS: "Orientations",
    Section.MESSAGES: "Messages",
}


@dataclass(frozen=True)
class Definition:
    key: str
    label: str
    definition: str
    denominator: str = ""
    kind: str = COUNT
    codes: type[models.TextChoices] | None = None

    def code_labels(self) -> dict[str, str]:
        """Code → French label of a breakdown, in the JSON's order."""
        return dict(self.codes.choices) if self.codes else {}


ACTIVE = (
    "Une inscription est active sur la période si la date d'entrée est au plus tard le dernier "
    "jour de la période et si la personne n'est pas sortie avant son premier jour."
)
PARTICIPANTS = "participants (personnes ayant au moins une inscription active sur la période)"
LATEST = "valeur lue dans la dernière inscription active (date d'entrée la plus récente)"
REACHED = (
    "personnes touchées (inscription non annulée à une séance, accompagnement individuel ou "
    "visite en accès libre datés de la période)"
)
LATEST_ASSESSMENT = (
    "dernier diagnostic de chaque personne touchée daté au plus tard du dernier jour de la "
    "période (à date égale, le dernier enregistré)"
)

UNISVERS = [
    Definition(
        UnisversCode.PARTICIPANTS,
        "Personnes accompagnées",
        "Personnes distinctes ayant au moins une inscription active sur la période. " + ACTIVE,
    ),
    Definition(
        UnisversCode.TARGET,
        "Objectif",
        "Objectif de personnes à accompagner de l'année (somme des sites sans choix de site) ; "
        "vide si la période n'est pas exactement une année civile.",
        kind=NULLABLE_COUNT,
    ),
    Definition(
        UnisversCode.TARGET_RATE,
        "Taux d'atteinte de l'objectif",
        "Personnes accompagnées rapportées à l'objectif de l'année.",
        "objectif de l'année (0 s'il n'y en a pas)",
        RATE,
    ),
    Definition(
        UnisversCode.COHORTS,
        "Promotions",
        "Promotions dont les dates de début et de fin recoupent la période.",
    ),
    Definition(
        UnisversCode.EXITS, "Sorties", "Inscriptions dont la date de sortie est dans la période."
    ),
    Definition(
        UnisversCode.DROPOUTS, "Abandons", "Sorties avec le motif « abandon en cours d'action »."
    ),
    Definition(UnisversCode.COMPLETIONS, "Parcours menés à terme", "Sorties moins abandons."),
    Definition(
        UnisversCode.POSITIVE_EXITS,
        "Sorties positives",
        "Sorties vers l'emploi durable, l'emploi de transition, une SIAE, une formation ou un "
        "projet professionnel validé.",
    ),
    Definition(
        UnisversCode.POSITIVE_EXIT_RATE,
        "Taux de sorties positives",
        "Sorties positives rapportées à toutes les sorties de la période.",
        "sorties de la période (abandons compris)",
        RATE,
    ),
    Definition(
        UnisversCode.POSITIVE_EXIT_RATE_COMPLETERS,
        "Taux de sorties positives des parcours menés à terme",
        "Sorties positives rapportées aux sorties hors abandons.",
        "sorties de la période hors abandons",
        RATE,
    ),
    Definition(
        UnisversCode.DROPOUT_RATE,
        "Taux d'abandon",
        "Abandons rapportés à toutes les sorties de la période.",
        "sorties de la période",
        RATE,
    ),
    Definition(
        UnisversCode.OUTCOMES,
        "Motifs de sortie",
        "Sorties de la période par motif.",
        kind=BREAKDOWN,
        codes=ExitOutcome,
    ),
    Definition(
        UnisversCode.DROPOUT_REASONS,
        "Raisons des abandons",
        "Abandons de la période par raison. Un effectif de 1 à 4 est publié « moins de 5 ».",
        kind=BREAKDOWN,
        codes=DropoutReason,
    ),
    Definition(
        UnisversCode.INDIVIDUAL_FOLLOWUP_RATE,
        "Part des participants suivis individuellement",
        "Participants ayant au moins un entretien de suivi individuel daté de la période, "
        "quel que soit le site.",
        PARTICIPANTS,
        RATE,
    ),
    Definition(
        UnisversCode.AGE_35_50_RATE,
        "Part des 35-50 ans",
        "Participants âgés de 35 à 50 ans inclus à leur date d'entrée (" + LATEST + ") ; "
        "avec la seule année de naissance, âge = année d'entrée − année de naissance.",
        "participants dont la date ou l'année de naissance est connue",
        RATE,
    ),
    Definition(
        UnisversCode.INCOME_BELOW_550_RATE,
        "Part des participants aux ressources inférieures à 550 €",
        "Participants dont les ressources mensuelles sont inférieures à 550 € (" + LATEST + ").",
        "participants dont les ressources sont renseignées",
        RATE,
    ),
    Definition(
        UnisversCode.LIVING_ALONE_RATE,
        "Part des personnes vivant seules",
        "Participants dont le foyer est « vit seul·e » (" + LATEST + ").",
        "participants dont la composition du foyer est renseignée",
        RATE,
    ),
    Definition(
        UnisversCode.SINGLE_PARENT_RATE,
        "Part des familles monoparentales",
        "Participants dont le foyer est « famille monoparentale » (" + LATEST + ").",
        "participants dont la composition du foyer est renseignée",
        RATE,
    ),
    Definition(
        UnisversCode.DOMESTIC_VIOLENCE_RATE,
        "Part des victimes de violences conjugales",
        "Participants déclarés victimes de violences conjugales (" + LATEST + "). Un effectif "
        "de 1 à 4 est publié « moins de 5 ».",
        "participants pour qui la réponse est connue",
        RATE,
    ),
    Definition(
        UnisversCode.ATTENDANCE,
        "Présences",
        "Émargements datés de la période, par statut.",
        kind=BREAKDOWN,
        codes=AttendanceStatus,
    ),
    Definition(
        UnisversCode.ATTENDANCE_RATE,
        "Taux de présence",
        "Présences rapportées à tous les émargements datés de la période.",
        "émargements de la période",
        RATE,
    ),
    Definition(
        UnisversCode.UNEXCUSED_ABSENCE_RATE,
        "Part des absences non excusées",
        "Absences non excusées rapportées à toutes les absences datées de la période.",
        "absences de la période (excusées ou non)",
        RATE,
    ),
    Definition(
        UnisversCode.FOLLOWUP_3M,
        "Situation à 3 mois",
        "Situations à 3 mois enregistrées pour les sorties de la période.",
        kind=BREAKDOWN,
        codes=FollowupSituation,
    ),
    Definition(
        UnisversCode.FOLLOWUP_3M_RECORDED,
        "Sorties avec un suivi à 3 mois",
        "Sorties de la période dont la situation à 3 mois est enregistrée.",
    ),
    Definition(
        UnisversCode.CONFIDENCE,
        "Confiance en soi",
        "Sorties de la période dont l'auto-évaluation (1 à 10) est connue à l'entrée et à la "
        "sortie : moyennes à l'entrée et à la sortie, part des personnes dont la note a "
        "augmenté.",
        "sorties de la période avec les deux auto-évaluations",
        CONFIDENCE,
    ),
    Definition(
        UnisversCode.EVENT_ATTENDEES,
        "Participants aux événements",
        "Personnes distinctes venues à une rencontre des anciens, un comité d'usagers ou une "
        "co-évaluation datés de la période.",
    ),
    Definition(
        UnisversCode.FOLLOWUP_6M,
        "Situation à 6 mois",
        "Situations à 6 mois enregistrées pour les sorties de la période.",
        kind=BREAKDOWN,
        codes=FollowupSituation,
    ),
    Definition(
        UnisversCode.FOLLOWUP_6M_RECORDED,
        "Sorties avec un suivi à 6 mois",
        "Sorties de la période dont la situation à 6 mois est enregistrée.",
    ),
    Definition(
        UnisversCode.IN_EMPLOYMENT_6M_RATE,
        "En emploi 6 mois après la sortie",
        "Part des sorties de la période en emploi durable, en emploi de transition ou en "
        "insertion par l'activité économique (IAE) six mois après la sortie — les personnes "
        "« maintenues dans l'emploi ».",
        "sorties de la période dont la situation à 6 mois est connue (enregistrée et autre que "
        "« situation inconnue »)",
        RATE,
    ),
]

VILLAGES = [
    Definition(
        VillagesCode.PEOPLE,
        "Personnes touchées",
        "Personnes distinctes ayant, dans la période, une inscription non annulée à une séance, "
        "un accompagnement individuel ou une visite en accès libre.",
    ),
    Definition(
        VillagesCode.SESSIONS, "Séances d'atelier", "Séances d'atelier datées de la période."
    ),
    Definition(
        VillagesCode.REGISTRATIONS,
        "Inscriptions aux ateliers",
        "Inscriptions non annulées aux séances datées de la période.",
    ),
    Definition(
        VillagesCode.WAITLISTED,
        "Inscriptions en liste d'attente",
        "Parmi ces inscriptions, celles encore en liste d'attente.",
    ),
    Definition(
        VillagesCode.ATTENDED,
        "Présences aux ateliers",
        "Parmi ces inscriptions, celles pointées présentes.",
    ),
    Definition(
        VillagesCode.SESSION_ATTENDANCE_RATE,
        "Taux de présence aux ateliers",
        "Présences rapportées aux inscriptions dont la présence a été pointée.",
        "inscriptions pointées présentes ou absentes",
        RATE,
    ),
    Definition(
        VillagesCode.INDIVIDUAL_HELPS,
        "Accompagnements individuels",
        "Accompagnements individuels datés de la période.",
    ),
    Definition(
        VillagesCode.URGENT_HELPS,
        "Urgences numériques",
        "Parmi ces accompagnements, ceux marqués urgents.",
    ),
    Definition(
        VillagesCode.PROCEDURES,
        "Démarches administratives",
        "Accompagnements individuels par démarche (un accompagnement à deux démarches compte "
        "dans les deux).",
        kind=BREAKDOWN,
        codes=Procedure,
    ),
    Definition(
        VillagesCode.THEMES,
        "Thèmes numériques",
        "Accompagnements individuels (un par thème abordé) et séances d'atelier (thème de "
        "l'atelier) datés de la période.",
        kind=BREAKDOWN,
        codes=DigitalTheme,
    ),
    Definition(
        VillagesCode.AUTONOMY,
        "Autonomie atteinte",
        "Accompagnements individuels par degré d'autonomie atteint.",
        kind=BREAKDOWN,
        codes=Autonomy,
    ),
    Definition(
        VillagesCode.FREE_ACCESS_VISITS,
        "Visites en accès libre",
        "Visites de l'espace en accès libre datées de la période.",
    ),
    Definition(
        VillagesCode.MONTHLY,
        "Activité mensuelle",
        "Pour chaque mois touché par la période (dates dans la période seulement) : personnes "
        "touchées dans le mois, présences aux ateliers, accompagnements individuels.",
        kind=MONTHLY,
    ),
    Definition(
        VillagesCode.CENTRE_VILLE_RATE,
        "Part des habitants du centre-ville",
        "Personnes touchées dont le quartier est en centre-ville.",
        "personnes touchées dont le quartier est connu",
        RATE,
    ),
    Definition(
        VillagesCode.QPV_RATE,
        "Part des habitants des quartiers prioritaires",
        "Personnes touchées dont le quartier est un quartier prioritaire de la ville (QPV).",
        "personnes touchées dont le quartier est connu",
        RATE,
    ),
    Definition(
        VillagesCode.AGE_UNDER_26_RATE,
        "Part des moins de 26 ans",
        "Personnes touchées âgées de moins de 26 ans à leur premier contact de la période.",
        "personnes touchées dont la date ou l'année de naissance est connue",
        RATE,
    ),
    Definition(
        VillagesCode.AGE_26_59_RATE,
        "Part des 26-59 ans",
        "Personnes touchées âgées de 26 à 59 ans inclus à leur premier contact de la période.",
        "personnes touchées dont la date ou l'année de naissance est connue",
        RATE,
    ),
    Definition(
        VillagesCode.AGE_60_PLUS_RATE,
        "Part des 60 ans et plus",
        "Personnes touchées âgées de 60 ans ou plus à leur premier contact de la période.",
        "personnes touchées dont la date ou l'année de naissance est connue",
        RATE,
    ),
    Definition(
        VillagesCode.BAC_OR_HIGHER_RATE,
        "Part des bacheliers",
        "Personnes touchées ayant au moins le baccalauréat (professionnel, technologique ou "
        "général, ou plus).",
        "personnes touchées dont le niveau d'études est connu",
        RATE,
    ),
    Definition(
        VillagesCode.ILLECTRONISME_RATE,
        "Part des personnes en situation d'illectronisme",
        "Personnes diagnostiquées dont le " + LATEST_ASSESSMENT + " les classe en illectronisme.",
        "personnes touchées ayant un diagnostic",
        RATE,
    ),
    Definition(
        VillagesCode.SKILLS,
        "Niveau de compétences numériques",
        "Personnes diagnostiquées par classement de leur " + LATEST_ASSESSMENT + ".",
        kind=BREAKDOWN,
        codes=SkillLevel,
    ),
    Definition(
        VillagesCode.EQUIPPED_RATE,
        "Part des personnes équipées",
        "Personnes diagnostiquées possédant un smartphone, une tablette ou un ordinateur ("
        + LATEST_ASSESSMENT
        + ").",
        "personnes diagnostiquées ayant répondu sur au moins un des trois équipements",
        RATE,
    ),
    Definition(
        VillagesCode.TIERS_AIDANT_RATE,
        "Part des personnes s'appuyant sur un tiers aidant",
        "Personnes diagnostiquées s'appuyant sur un tiers aidant numérique ("
        + LATEST_ASSESSMENT
        + ").",
        "personnes diagnostiquées ayant répondu à la question",
        RATE,
    ),
    Definition(
        VillagesCode.SKILLS_PROGRESS_RATE,
        "Part des personnes ayant progressé",
        "Personnes touchées ayant au moins deux diagnostics datés au plus tard du dernier jour "
        "de la période, dont le dernier classement est meilleur que le premier (illectronisme "
        "< capacités faibles < compétences de base < au-delà de la base).",
        "personnes touchées ayant au moins deux diagnostics",
        RATE,
    ),
    Definition(
        VillagesCode.ANONYMOUS_ATTENDEES,
        "Participants anonymes aux ateliers",
        "Personnes venues à une séance datée de la période sans donner leur nom (ateliers "
        "ludiques), comptées à la séance : elles s'ajoutent aux présences, jamais aux "
        "personnes touchées.",
    ),
    Definition(
        VillagesCode.ANONYMOUS_BY_AGE,
        "Participants anonymes par tranche d'âge",
        "Les participants anonymes selon la tranche d'âge notée à la séance.",
        kind=BREAKDOWN,
        codes=AnonymousAgeBand,
    ),
]

APPOINTMENT_DATED = (
    "Un rendez-vous est daté par le jour (heure de Paris) de son début ; avec un choix de site, "
    "il compte pour son propre site."
)

APPOINTMENTS = [
    Definition(
        AppointmentsCode.BOOKED,
        "Rendez-vous pris",
        "Rendez-vous datés de la période, quel que soit leur statut (annulés compris). "
        + APPOINTMENT_DATED,
    ),
    Definition(
        AppointmentsCode.BY_STATUS,
        "Rendez-vous par statut",
        "Les rendez-vous de la période selon leur statut.",
        kind=BREAKDOWN,
        codes=AppointmentStatus,
    ),
    Definition(
        AppointmentsCode.BY_KIND,
        "Rendez-vous par motif",
        "Les rendez-vous de la période selon leur motif.",
        kind=BREAKDOWN,
        codes=AppointmentKind,
    ),
    Definition(
        AppointmentsCode.NO_SHOW_RATE,
        "Rendez-vous non honorés",
        "Part des rendez-vous non honorés parmi ceux dont l'issue est connue ; un rendez-vous "
        "encore prévu ou excusé (annulé à l'avance) n'entre pas dans le calcul.",
        "rendez-vous de la période honorés ou non honorés",
        RATE,
    ),
    Definition(
        AppointmentsCode.PEOPLE,
        "Personnes reçues en rendez-vous",
        "Personnes distinctes ayant au moins un rendez-vous honoré dans la période. Un "
        "rendez-vous seul ne compte pas parmi les personnes touchées de Vill@ges connectés : "
        "l'accompagnement individuel qu'il ouvre, si.",
    ),
]

ORIENTATIONS = [
    Definition(
        OrientationsCode.COUNT,
        "Orientations vers un partenaire",
        "Orientations datées de la période, quel que soit leur statut. Avec un choix de site, "
        "une orientation compte pour le site de l'enregistrement dont elle vient (entretien de "
        "suivi ou sortie : le site de la promotion ; accompagnement individuel : son site), à "
        "défaut pour celui du partenaire.",
    ),
    Definition(
        OrientationsCode.BY_CATEGORY,
        "Orientations par type de partenaire",
        "Les orientations de la période selon la catégorie du partenaire.",
        kind=BREAKDOWN,
        codes=PartnerCategory,
    ),
    Definition(
        OrientationsCode.COMPLETED_RATE,
        "Orientations réalisées",
        "Part des orientations réalisées parmi celles de la période dont l'issue a avancé "
        "(acceptées, réalisées, refusées ou sans suite).",
        "orientations de la période qui ne sont plus au statut « proposée »",
        RATE,
    ),
]

MESSAGE_DATED = (
    "Un message est daté par le jour (heure de Paris) de son envoi, ou, s'il n'est jamais "
    "parti, de son échec ; avec un choix de site, il compte pour son propre site."
)

MESSAGES = [
    Definition(
        MessagesCode.SENT,
        "Messages envoyés",
        "SMS et e-mails envoyés (statut « envoyé » ou « remis ») dans la période, par canal. "
        + MESSAGE_DATED,
        kind=BREAKDOWN,
        codes=Channel,
    ),
    Definition(
        MessagesCode.FAILED,
        "Messages en échec",
        "SMS et e-mails en échec dans la période, par canal. " + MESSAGE_DATED,
        kind=BREAKDOWN,
        codes=Channel,
    ),
]

DEFINITIONS: dict[str, dict[str, Definition]] = {
    Programme.UNISVERS: {definition.key: definition for definition in UNISVERS},
    Programme.VILLAGES: {definition.key: definition for definition in VILLAGES},
    Section.APPOINTMENTS: {definition.key: definition for definition in APPOINTMENTS},
    Section.ORIENTATIONS: {definition.key: definition for definition in ORIENTATIONS},
    Section.MESSAGES: {definition.key: definition for definition in MESSAGES},
}

MONTHLY_COLUMNS = {
    "month": "Mois",
    "people": "Personnes touchées",
    "attended": "Présences aux ateliers",
    "individual_helps": "Accompagnements individuels",
}

CONFIDENCE_FIELDS = {
    "assessed": "Sorties avec les deux auto-évaluations",
    "mean_entry": "Note moyenne à l'entrée",
    "mean_exit": "Note moyenne à la sortie",
    "improved_rate": "Part des personnes dont la note a augmenté",
}


def definition(programme: str, key: str) -> Definition:
    return DEFINITIONS[programme][key]


def in_json_order(bilan: dict) -> dict:
    """A bilan with each breakdown's codes in the JSON's order again. The bilans stored as
    PostgreSQL's jsonb before `ceis.fields.OrderedJSONField` came back with an object's keys in
    jsonb's own order (shortest first), and the page, the charts, the spreadsheet and the open
    data list the codes in the order they come: migration reporting 0007 puts them back."""
    ordered = dict(bilan)
    for section, definitions in DEFINITIONS.items():
        figures = bilan.get(section)
        if not isinstance(figures, dict):
            continue
        figures = dict(figures)
        for key, item in definitions.items():
            counts = figures.get(key)
            if item.kind == BREAKDOWN and item.codes and isinstance(counts, dict):
                rank = {code: i for i, code in enumerate(item.code_labels())}  # unknown: last
                figures[key] = dict(
                    sorted(counts.items(), key=lambda pair: rank.get(pair[0], len(rank)))
                )
        ordered[section] = figures
    return ordered


def definitions_for_annex() -> list[dict]:
    """The catalogue as plain data for templates (PDF annex, dashboard tooltips):
    `[{"programme", "title", "indicators": [{"key", "label", "definition", "denominator"}]}]`,
    in the JSON's order."""
    return [
        {
            "programme": programme,
            "title": title,
            "indicators": [
                {
                    "key": item.key,
                    "label": item.label,
                    "definition": item.definition,
                    "denominator": item.denominator,
                }
                for item in DEFINITIONS[programme].values()
            ],
        }
        for programme, title in SECTIONS.items()
    ]
