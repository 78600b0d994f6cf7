"""Formatting of bilan figures in templates: percentages and press-style call-outs."""

from django import template
from django.utils.formats import number_format

from ..indicators.publication import HIDDEN_RATE_LABEL
from ..texts import HIDDEN_RATE, format_rate

register = template.Library()


@register.filter
def pct(rate: dict) -> str:
    """A rate object as "87 %", or "—" when its denominator is zero: the same text as a
    figure reference of the editorial texts prints (`texts.format_rate`)."""
    if rate and rate.get("rate") == HIDDEN_RATE_LABEL:
        return HIDDEN_RATE
    return format_rate(rate)


@register.filter
def of_text(rate: dict) -> str:
    """The denominator stated in words: "96 sur 137"."""
    if not rate:
        return ""
    return f"{rate['n']} sur {rate['of']}"


@register.filter
def plus_de(count: int) -> str:
    """Press-release style: 1 532 → "+ DE 1 500"; small counts are printed as they are."""
    if not isinstance(count, int) or count < 100:
        return str(count)
    step = 100 if count < 1000 else 500 if count < 10000 else 1000
    return f"+ DE {number_format(count // step * step, force_grouping=True)}"


@register.filter
def thousands(count) -> str:
    return number_format(count, force_grouping=True) if isinstance(count, int) else str(count)
