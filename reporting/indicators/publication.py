"""Publication rules of indicators.md (dashboard, XLSX, PDF — never the JSON).

Statistical confidentiality: for `domestic_violence_rate` and the breakdown of dropout reasons, a
count between 1 and 4 is published as "moins de 5" so that a small cohort never exposes a
person. When the count of a rate is hidden, its percentage is hidden too: with the denominator
beside it, the percentage would give the count back.
"""

from .codes import Programme, UnisversCode

SMALL_COUNT_LABEL = "moins de 5"
HIDDEN_RATE_LABEL = "non publié (effectif inférieur à 5)"
SMALL_COUNT_MAX = 4

# (programme, key) of the figures under the rule.
CONFIDENTIAL = frozenset(
    {
        (Programme.UNISVERS, UnisversCode.DOMESTIC_VIOLENCE_RATE),
        (Programme.UNISVERS, UnisversCode.DROPOUT_REASONS),
    }
)


def is_confidential(programme: str, key: str) -> bool:
    return (programme, key) in CONFIDENTIAL


def is_small(count) -> bool:
    """1 to 4: zero is published as zero (it exposes nobody)."""
    return isinstance(count, int) and 1 <= count <= SMALL_COUNT_MAX


def publish_count(count):
    """A count under the rule, as it may be published: the integer, or "moins de 5" for 1–4.
    For callers that already know the figure is confidential (dashboard, PDF, charts)."""
    return SMALL_COUNT_LABEL if is_small(count) else count


def published_count(programme: str, key: str, count):
    """Any count of the bilan as it may be published: the rule applies to confidential keys."""
    return publish_count(count) if is_confidential(programme, key) else count


def published_rate(programme: str, key: str, value: dict) -> dict:
    """A rate object as it may be published: `n` as "moins de 5" and `rate` withheld when the
    count is small; `of` always stays (it describes the population, not the person)."""
    if is_confidential(programme, key) and is_small(value["n"]):
        return {"n": SMALL_COUNT_LABEL, "of": value["of"], "rate": HIDDEN_RATE_LABEL}
    return dict(value)


def published_breakdown(programme: str, key: str, counts: dict) -> dict:
    return {code: published_count(programme, key, count) for code, count in counts.items()}


WITHHELD_LABEL = "non publié"


def breakdown_withheld(programme: str, key: str, counts: dict) -> bool:
    """Whether a confidential breakdown must be withheld whole (every cell, zeros included).

    Its total is published elsewhere (the dropouts beside their reasons), so the counts shown
    "moins de 5" add up to the total minus the others: one such count alone, or several that
    can only all be 1 or all be 4, would be given back by that subtraction."""
    if not is_confidential(programme, key):
        return False
    small = [count for count in counts.values() if is_small(count)]
    hidden = len(small)
    return hidden == 1 or (hidden > 1 and sum(small) in (hidden, hidden * SMALL_COUNT_MAX))
