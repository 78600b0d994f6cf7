"""French labels of the codes that appear in the bilan, short enough for charts and tables."""

from unisvers.choices import DropoutReason, ExitOutcome, FollowupSituation
from villages.choices import SkillLevel

_CHOICES = {
    "outcome": ExitOutcome,
    "dropout_reason": DropoutReason,
    "followup_3m": FollowupSituation,
    "skill_level": SkillLevel,
}

# The outcome labels of domain.md carry their legal definition; charts need the name only.
_SHORT = {
    "outcome": {
        ExitOutcome.EMPLOI_DURABLE: "Emploi durable",
        ExitOutcome.EMPLOI_TRANSITION: "Emploi de transition",
        ExitOutcome.IAE: "Insertion par l'activité économique",
        ExitOutcome.FORMATION: "Formation",
        ExitOutcome.PROJET_PROFESSIONNEL: "Projet professionnel validé",
        ExitOutcome.SANS_SOLUTION: "Sans solution",
        ExitOutcome.ABANDON: "Abandon",
    },
}


def label_for(kind: str, code: str) -> str:
    short = _SHORT.get(kind, {}).get(code)
    if short:
        return short
    choices = _CHOICES.get(kind)
    if choices and code in choices.values:
        return choices(code).label
    return code
