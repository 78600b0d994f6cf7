"""Editorial sentences written from the figures, to prefill a bilan (the manager edits them)."""

from django.utils.formats import number_format

from .indicators.codes import Programme
from .indicators.codes import UnisversCode as U
from .indicators.codes import VillagesCode as V
from .labels import label_for


def _pct(rate: dict) -> str | None:
    if rate["rate"] is None:
        return None
    return f"{number_format(round(rate['rate'] * 100))} %"


def _n(value: int) -> str:
    return number_format(value, force_grouping=True)


def _period_phrase(bilan: dict) -> str:
    start, end = bilan["period"]["from"], bilan["period"]["to"]
    if start[5:] == "01-01" and end[5:] == "12-31" and start[:4] == end[:4]:
        return "En une année"
    return "Sur la période"


def prefill_texts(bilan: dict) -> dict[str, str]:
    uv, vc = bilan[Programme.UNISVERS], bilan[Programme.VILLAGES]
    when = _period_phrase(bilan)

    unisvers = [f"{when}, {_n(uv[U.PARTICIPANTS])} demandeurs d'emploi ont intégré le programme"]
    if uv[U.TARGET]:
        unisvers[0] += f" (objectif : {_n(uv[U.TARGET])})"
    unisvers[0] += "."
    completers = _pct(uv[U.POSITIVE_EXIT_RATE_COMPLETERS])
    if completers:
        unisvers.append(
            f"{completers} des participants allés au bout de l'action en sortent avec un emploi, "
            "une formation ou un projet professionnel."
        )
    dropout = _pct(uv[U.DROPOUT_RATE])
    if dropout:
        reasons = {code: n for code, n in uv[U.DROPOUT_REASONS].items() if n}
        sentence = f"{dropout} des sorties sont des abandons en cours de route"
        if reasons:
            main = max(reasons, key=reasons.get)
            sentence += (
                f", le plus souvent pour un motif « {label_for('dropout_reason', main).lower()} »"
            )
        unisvers.append(sentence + ".")
    followup = _pct(uv[U.INDIVIDUAL_FOLLOWUP_RATE])
    if followup:
        unisvers.append(f"{followup} du public a bénéficié d'un accompagnement social individuel.")

    villages = [f"{when}, {_n(vc[V.PEOPLE])} personnes ont été accompagnées au Vill@ges connectés"]
    villages[0] += (
        f" : {_n(vc[V.REGISTRATIONS])} inscriptions à {_n(vc[V.SESSIONS])} ateliers, "
        f"{_n(vc[V.INDIVIDUAL_HELPS])} accompagnements individuels et "
        f"{_n(vc[V.FREE_ACCESS_VISITS])} passages en accès libre."
    )
    centre = _pct(vc[V.CENTRE_VILLE_RATE])
    if centre:
        villages.append(f"{centre} des personnes accueillies habitent le centre-ville.")
    illectronisme = _pct(vc[V.ILLECTRONISME_RATE])
    if illectronisme:
        villages.append(
            f"{illectronisme} des personnes ayant passé un diagnostic sont en situation "
            "d'illectronisme."
        )

    introduction = (
        "Le Centre d'Expérimentations et d'Innovation Sociale (CEIS) accueille deux dispositifs : "
        "Unis'Vers, qui accompagne des groupes de demandeurs d'emploi éloignés de l'emploi, et "
        "le Vill@ges connectés, qui lutte contre la fracture numérique. Voici le bilan de leur "
        "activité."
    )
    return {
        "title": "Point sur les dispositifs Unis'Vers et Vill@ges connectés",
        "introduction": introduction,
        "unisvers": " ".join(unisvers),
        "villages": " ".join(villages),
    }
