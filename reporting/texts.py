"""Editorial sentences written from the figures, to prefill a bilan (the manager edits them)."""

from django.utils.formats import number_format

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
    uv, vc = bilan["unisvers"], bilan["villages"]
    when = _period_phrase(bilan)

    unisvers = [f"{when}, {_n(uv['participants'])} demandeurs d'emploi ont intégré le programme"]
    if uv["target"]:
        unisvers[0] += f" (objectif : {_n(uv['target'])})"
    unisvers[0] += "."
    completers = _pct(uv["positive_exit_rate_completers"])
    if completers:
        unisvers.append(
            f"{completers} des participants allés au bout de l'action en sortent avec un emploi, "
            "une formation ou un projet professionnel."
        )
    dropout = _pct(uv["dropout_rate"])
    if dropout:
        reasons = {code: n for code, n in uv["dropout_reasons"].items() if n}
        sentence = f"{dropout} des sorties sont des abandons en cours de route"
        if reasons:
            main = max(reasons, key=reasons.get)
            sentence += (
                f", le plus souvent pour un motif « {label_for('dropout_reason', main).lower()} »"
            )
        unisvers.append(sentence + ".")
    followup = _pct(uv["individual_followup_rate"])
    if followup:
        unisvers.append(f"{followup} du public a bénéficié d'un accompagnement social individuel.")

    villages = [f"{when}, {_n(vc['people'])} personnes ont été accompagnées au Vill@ges connectés"]
    villages[0] += (
        f" : {_n(vc['registrations'])} inscriptions à {_n(vc['sessions'])} ateliers, "
        f"{_n(vc['individual_helps'])} accompagnements individuels et "
        f"{_n(vc['free_access_visits'])} passages en accès libre."
    )
    centre = _pct(vc["centre_ville_rate"])
    if centre:
        villages.append(f"{centre} des personnes accueillies habitent le centre-ville.")
    illectronisme = _pct(vc["illectronisme_rate"])
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
