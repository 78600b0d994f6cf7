"""Editorial texts of a bilan and the figure references they hold.

A text never holds a frozen number: it holds references such as `[[unisvers.participants]]`,
`[[unisvers.positive_exit_rate]]` or `[[unisvers.outcomes.emploi_durable]]`, replaced by the
figures of one bilan when a PDF version is built (the version's stored snapshot) or when the
editor previews the next version (the current figures). The call-outs and the texts of a PDF so
read the same figures: they cannot contradict each other.

What a reference may name comes from the catalogue of indicators (`indicators/definitions.py`):
- a count: `[[villages.people]]` → "1 532";
- a rate: `[[unisvers.dropout_rate]]` → "14 %", and its parts `.n` and `.of` → "96", "137";
- a breakdown's code: `[[unisvers.outcomes.formation]]` → "12";
- the self-ratings: `[[unisvers.confidence.mean_entry]]` → "4,2", `.improved_rate` → "78 %".
The publication rule ("moins de 5", `indicators/publication.py`) applies to what a reference
prints, as everywhere else. A text written before references existed (frozen numbers) is printed
as it is; the editor points its numbers out so that the manager replaces them.
"""

import re
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString

from ceis.templatetags.french import format_number, pourcent

from .indicators.codes import Programme
from .indicators.codes import UnisversCode as U
from .indicators.codes import VillagesCode as V
from .indicators.definitions import (
    BREAKDOWN,
    CONFIDENCE,
    CONFIDENCE_FIELDS,
    COUNT,
    DEFINITIONS,
    NULLABLE_COUNT,
    RATE,
    SECTIONS,
)
from .indicators.publication import (
    SMALL_COUNT_LABEL,
    WITHHELD_LABEL,
    breakdown_withheld,
    is_confidential,
    is_small,
)
from .labels import label_for

NOT_COMPUTABLE = "—"
HIDDEN_RATE = "moins de 5 personnes"

# `[[` … `]]`; what is inside is checked against the catalogue (anything else is refused).
REFERENCE = re.compile(r"\[\[(.*?)\]\]", re.DOTALL)
# A number typed in a text, outside any reference: "125", "94 %", "1 532", "3,5".
FROZEN_NUMBER = re.compile(r"(?<![\w.])\d+(?:[  \u202f]\d{3})*(?:,\d+)?(?:\s?%)?")

YEAR = re.compile(r"(19|20)\d\d")

TEXT_FIELDS = ("title", "introduction", "unisvers_text", "villages_text", "contact")
FIGURE_FIELDS = ("introduction", "unisvers_text", "villages_text")


def format_count(value) -> str:
    """1532 → "1 532" (narrow no-break space); `None` → "—"; a published label stays."""
    if value is None:
        return NOT_COMPUTABLE
    return value if isinstance(value, str) else format_number(value)


def format_decimal(value) -> str:
    """4.25 → "4,25"; `None` → "—"."""
    return NOT_COMPUTABLE if value is None else format_number(value)


def format_rate(rate: dict | None) -> str:
    """{"rate": 0.8667, …} → "87 %", rounded half up to the unit (the call-outs print the
    same); "—" when the denominator is zero."""
    if not rate or rate.get("rate") is None:
        return NOT_COMPUTABLE
    return pourcent(Decimal(str(rate["rate"])) * 100)


@dataclass(frozen=True)
class Reference:
    """One figure a text may name: `key` is what goes between the brackets."""

    key: str
    label: str
    programme: str
    indicator: str
    part: str = ""  # "", "n", "of", a breakdown's code or a self-rating field
    kind: str = COUNT

    @property
    def token(self) -> str:
        return f"[[{self.key}]]"

    @property
    def part_label(self) -> str:
        """A part's own name under its indicator ("effectif", "Formation")."""
        return self.label.split(" : ", 1)[1] if self.part else self.label

    def value(self, bilan: dict) -> str:
        """The text this reference prints for `bilan`, the publication rule applied."""
        if self.indicator not in bilan.get(self.programme, {}):
            return NOT_COMPUTABLE  # a bilan stored before this figure existed
        figure = bilan[self.programme][self.indicator]
        confidential = is_confidential(self.programme, self.indicator)
        if self.kind == RATE:
            if not self.part:
                if confidential and is_small(figure["n"]):
                    return HIDDEN_RATE
                return format_rate(figure)
            if self.part == "n" and confidential and is_small(figure["n"]):
                return SMALL_COUNT_LABEL
            return format_count(figure[self.part])
        if self.kind == BREAKDOWN:
            # As in the open data: when the breakdown's total is published beside it and a
            # subtraction would give a hidden count back, every code of it is withheld.
            if breakdown_withheld(self.programme, self.indicator, figure):
                return WITHHELD_LABEL
            count = figure[self.part]
            return SMALL_COUNT_LABEL if confidential and is_small(count) else format_count(count)
        if self.kind == CONFIDENCE:
            value = figure[self.part]
            if self.part == "improved_rate":
                return format_rate(value)
            if self.part == "assessed":
                return format_count(value)
            return format_decimal(value)
        return format_count(figure)


def _catalogue() -> dict[str, Reference]:
    references = []
    for programme, definitions in DEFINITIONS.items():
        for item in definitions.values():
            base, label = f"{programme}.{item.key}", item.label
            parts = []  # (part, label)
            if item.kind in (COUNT, NULLABLE_COUNT, RATE):
                parts.append(("", label))
            if item.kind == RATE:
                parts += [("n", f"{label} : effectif"), ("of", f"{label} : dénominateur")]
            elif item.kind == BREAKDOWN:
                parts += [(code, f"{label} : {name}") for code, name in item.code_labels().items()]
            elif item.kind == CONFIDENCE:
                parts += [(field, f"{label} : {name}") for field, name in CONFIDENCE_FIELDS.items()]
            # The monthly list has no single value to print.
            for part, part_label in parts:
                key = f"{base}.{part}" if part else base
                kind = item.kind if item.kind != NULLABLE_COUNT else COUNT
                references.append(Reference(key, part_label, programme, item.key, part, kind))
    return {reference.key: reference for reference in references}


REFERENCES: dict[str, Reference] = _catalogue()


def references_by_programme() -> list[dict]:
    """The catalogue for the editor's list of insertable references: by programme, then by
    indicator (its own reference, if it has one, and its parts: a rate's count and denominator,
    a breakdown's codes), in the JSON's order."""
    groups = []
    for programme, title in SECTIONS.items():
        indicators = {}
        for reference in REFERENCES.values():
            if reference.programme != programme:
                continue
            label = DEFINITIONS[programme][reference.indicator].label
            entry = indicators.setdefault(
                reference.indicator, {"label": label, "main": None, "parts": []}
            )
            if reference.part:
                entry["parts"].append(reference)
            else:
                entry["main"] = reference
        groups.append(
            {"programme": programme, "title": title, "indicators": list(indicators.values())}
        )
    return groups


def unknown_references(text: str) -> list[str]:
    """The references of `text` that name no figure, as typed (`[[unisvers.participant]]`),
    and an unclosed `[[`, in the order they appear."""
    unknown = []
    for match in REFERENCE.finditer(text or ""):
        if match.group(1).strip() not in REFERENCES:
            unknown.append(match.group(0))
    rest = REFERENCE.sub("", text or "")
    if "[[" in rest:
        unknown.append(rest[rest.index("[[") :][:40].split("\n")[0])
    return unknown


def frozen_numbers(text: str) -> list[str]:
    """Numbers typed by hand outside any reference: they will not follow the data. A year
    ("en 2019") is not a figure."""
    found = (m.group(0).strip() for m in FROZEN_NUMBER.finditer(REFERENCE.sub(" ", text or "")))
    return [number for number in found if not YEAR.fullmatch(number)]


def render_text(text: str, bilan: dict) -> str:
    """`text` with each reference replaced by its figure in `bilan` (plain text, for the PDF).
    An unknown reference (only an old text could hold one: the form refuses them) stays as it
    is written, so that it shows."""

    def replace(match):
        reference = REFERENCES.get(match.group(1).strip())
        return reference.value(bilan) if reference else match.group(0)

    return REFERENCE.sub(replace, text or "")


def render_text_html(text: str, bilan: dict | None) -> SafeString:
    """The editor's preview: `text` escaped, each figure highlighted (`<mark>`) with its label
    as a tooltip; without figures (`bilan` None), the reference's label stands in its place."""
    parts, last = [], 0
    for match in REFERENCE.finditer(text or ""):
        parts.append(escape(text[last : match.start()]))
        last = match.end()
        reference = REFERENCES.get(match.group(1).strip())
        if reference is None:
            parts.append(
                format_html(
                    '<mark class="ceis-ref ceis-ref-unknown" title="Référence inconnue">{}</mark>',
                    match.group(0),
                )
            )
        elif bilan is None:
            parts.append(format_html('<mark class="ceis-ref">{}</mark>', reference.label))
        else:
            parts.append(
                format_html(
                    '<mark class="ceis-ref" title="{}">{}</mark>',
                    reference.label,
                    reference.value(bilan),
                )
            )
    parts.append(escape((text or "")[last:]))
    return format_html_join("", "{}", ((part,) for part in parts))


def reference_values(bilan: dict | None) -> dict[str, str]:
    """Every reference's figure in `bilan`, for the editor's live preview (a JSON script)."""
    if bilan is None:
        return {}
    return {key: reference.value(bilan) for key, reference in REFERENCES.items()}


def _period_phrase(bilan: dict) -> str:
    start, end = bilan["period"]["from"], bilan["period"]["to"]
    if start[5:] == "01-01" and end[5:] == "12-31" and start[:4] == end[:4]:
        return "En une année"
    return "Sur la période"


def _ref(programme: str, key: str, part: str = "") -> str:
    return f"[[{programme}.{key}{'.' + part if part else ''}]]"


def prefill_texts(bilan: dict) -> dict[str, str]:
    """The first draft of a bilan's texts: sentences chosen from the figures of `bilan` (a
    sentence whose rate cannot be computed is left out), holding references, not numbers."""
    uv, vc = bilan[Programme.UNISVERS], bilan[Programme.VILLAGES]
    UV, VC = Programme.UNISVERS, Programme.VILLAGES
    when = _period_phrase(bilan)

    unisvers = [f"{when}, {_ref(UV, U.PARTICIPANTS)} demandeurs d'emploi ont intégré le programme"]
    if uv[U.TARGET]:
        unisvers[0] += f" (objectif : {_ref(UV, U.TARGET)})"
    unisvers[0] += "."
    if uv[U.POSITIVE_EXIT_RATE_COMPLETERS]["rate"] is not None:
        unisvers.append(
            f"{_ref(UV, U.POSITIVE_EXIT_RATE_COMPLETERS)} des participants allés au bout de "
            "l'action en sortent avec un emploi, une formation ou un projet professionnel."
        )
    if uv[U.DROPOUT_RATE]["rate"] is not None:
        reasons = {code: n for code, n in uv[U.DROPOUT_REASONS].items() if n}
        sentence = f"{_ref(UV, U.DROPOUT_RATE)} des sorties sont des abandons en cours de route"
        if reasons:
            main = max(reasons, key=reasons.get)
            sentence += (
                f", le plus souvent pour un motif « {label_for('dropout_reason', main).lower()} »"
            )
        unisvers.append(sentence + ".")
    if uv[U.INDIVIDUAL_FOLLOWUP_RATE]["rate"] is not None:
        unisvers.append(
            f"{_ref(UV, U.INDIVIDUAL_FOLLOWUP_RATE)} du public a bénéficié d'un accompagnement "
            "social individuel."
        )

    villages = [
        f"{when}, {_ref(VC, V.PEOPLE)} personnes ont été accompagnées au Vill@ges connectés : "
        f"{_ref(VC, V.REGISTRATIONS)} inscriptions à {_ref(VC, V.SESSIONS)} ateliers, "
        f"{_ref(VC, V.INDIVIDUAL_HELPS)} accompagnements individuels et "
        f"{_ref(VC, V.FREE_ACCESS_VISITS)} passages en accès libre."
    ]
    if vc[V.CENTRE_VILLE_RATE]["rate"] is not None:
        villages.append(
            f"{_ref(VC, V.CENTRE_VILLE_RATE)} des personnes accueillies habitent le centre-ville."
        )
    if vc[V.ILLECTRONISME_RATE]["rate"] is not None:
        villages.append(
            f"{_ref(VC, V.ILLECTRONISME_RATE)} des personnes ayant passé un diagnostic sont en "
            "situation d'illectronisme."
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
