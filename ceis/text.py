"""Normalisation of names, phones and search terms: one place, used by services and selectors."""

import re
import unicodedata

_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_NOT_DIGIT = re.compile(r"\D+")


def normalize_name(value: str) -> str:
    """Lower-case ASCII letters and digits only: accents, case, hyphens, apostrophes
    and spaces are ignored, so "Éloïse-Marie" and "eloise marie" give the same key."""
    decomposed = unicodedata.normalize("NFKD", value or "")
    ascii_only = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NOT_ALNUM.sub("", ascii_only.lower())


def normalize_phone(value: str) -> str:
    """Digits only, in the national form: "+33 6 12…" and "+33 (0)6 12…" become "0612…"."""
    digits = _NOT_DIGIT.sub("", value or "")
    if digits.startswith("330") and len(digits) == 12:
        digits = digits[2:]
    elif digits.startswith("33") and len(digits) == 11:
        digits = "0" + digits[2:]
    return digits
