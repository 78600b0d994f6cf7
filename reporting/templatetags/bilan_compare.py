"""The PDF bilan's French phrases about time: its headline and period, and the change of a
figure over one year (« (+12 % sur un an) », « (+3 points sur un an) »).

`{% load bilan_compare %}` then `{{ count|sur_un_an:previous_count }}`,
`{{ rate|sur_un_an:previous_rate }}`, `{{ texts.title|headline:bilan }}`,
`{{ bilan|period_phrase }}`, `{{ bilan.generated_at|computed_at }}`.
"""

import datetime

from django import template

from ceis.templatetags.french import NBSP, date_phrase, format_number

from ..dashboard import period_phrase as dates_phrase
from ..indicators.compare import PREVIOUS, count_change, rate_change_points

register = template.Library()

MINUS = "\u2212"  # the minus sign, not the hyphen
ONE_YEAR_LATER = "Un an après"


def _signed(number: str) -> str:
    if number.startswith("-"):
        return MINUS + number[1:]
    return number if number == "0" else f"+{number}"


def change_phrase(current, previous) -> str:
    """ "+12 % sur un an" for counts, "+3 points sur un an" for rate objects; "" when there is
    nothing to compare (no previous value, a zero, a rate unknown or withheld)."""
    if isinstance(current, dict) or isinstance(previous, dict):
        points = rate_change_points(current, previous)
        if points is None:
            return ""
        rounded = round(points)
        word = "point" if abs(rounded) < 2 else "points"
        return f"{_signed(format_number(rounded))}{NBSP}{word} sur un an"
    change = count_change(current, previous)
    if change is None:
        return ""
    return f"{_signed(format_number(round(change * 100)))}{NBSP}% sur un an"


@register.filter
def sur_un_an(current, previous) -> str:
    """ "(+12 % sur un an)", or nothing."""
    phrase = change_phrase(current, previous)
    return f"({phrase})" if phrase else ""


@register.filter
def headline(title: str, bilan: dict) -> str:
    """The title in capitals as the press release writes it; a compared bilan opens with
    "UN AN APRÈS, " (unless the title already says so)."""
    title = (title or "").strip()
    if bilan.get(PREVIOUS) and not title.lower().startswith(ONE_YEAR_LATER.lower()):
        title = f"{ONE_YEAR_LATER}, {title[:1].lower()}{title[1:]}" if title else ONE_YEAR_LATER
    return title.upper()


@register.filter
def period_phrase(bilan: dict) -> str:
    """ "du 1er janvier au 31 décembre 2026"."""
    period = bilan["period"]
    return dates_phrase(
        datetime.date.fromisoformat(period["from"]), datetime.date.fromisoformat(period["to"])
    )


@register.filter
def computed_at(value: str) -> str:
    """An ISO date-time (the bilan's `generated_at`) as "3 décembre 2026 à 14 h 05", local."""
    try:
        moment = datetime.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return ""
    return date_phrase(moment, "sans_jour avec_heure")
