"""French typography for templates, as a French public service writes (docs/ux.md).

`{% load french %}` then:

- `{{ day|date_phrase }}` "lundi 1er décembre 2026"; options, in one string:
  `"sans_jour"` (no weekday), `"sans_annee"`, `"avec_heure"` ("… à 14 h 30").
- `{{ day|date_short }}` "01/12/2026" (tables and fields); `{{ moment|datetime_short }}`
  "01/12/2026 à 14 h 30".
- `{{ moment|time_fr }}` "14 h 30", "9 h 05", "14 h".
- `{{ month|mois_phrase }}` "décembre 2026" (a date or a "2026-12" string).
- `{{ count|nombre }}` "1 532" (narrow no-break space), `{{ 3.25|nombre:1 }}` "3,3".
- `{{ rate|pourcent }}` "87 %" (the value is already a percentage), `{{ 87.46|pourcent:1 }}`.
- `{{ count|accord:"inscrit" }}` "0 inscrit", "2 inscrits"; irregular forms as
  `"journal,journaux"`; `{{ count|pluriel }}` is Django's `pluralize` with the French rule
  (0 and 1 are singular): `inscrit{{ count|pluriel }}`, `{{ count|pluriel:"al,aux" }}`.
- `{{ size|taille }}` "850 octets", "12 Ko", "1,2 Mo".
- `{{ seconds|duree }}` "1,1 s", "42 s", "2 min 05 s", "1 h 05 min"; `{{ ms|duree:"ms" }}`
  reads milliseconds.

Dates and times are turned to the local time zone first, then written with French words, so
that the result never depends on the active language nor on a capitalising filter.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.utils import timezone

register = template.Library()

MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")

NARROW_NBSP = "\u202f"  # between groups of thousands
NBSP = "\xa0"  # between a number and its unit: "87 %", "12 Ko", "14 h 30"


def _local(value):
    """A datetime in the local time zone; a date as it is; anything else None."""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value) if timezone.is_aware(value) else value
    if isinstance(value, datetime.date):
        return value
    return None


def _options(arg) -> set[str]:
    text = (arg or "").replace("é", "e").replace(",", " ").lower()
    return set(text.split())


def day_number(day: int) -> str:
    """The day of the month as the French write it: "1er", "2", … "31"."""
    return "1er" if day == 1 else str(day)


@register.filter(is_safe=False)
def date_phrase(value, arg=""):
    """ "lundi 1er décembre 2026"; `"sans_jour"`, `"sans_annee"`, `"avec_heure"` change it."""
    value = _local(value)
    if value is None:
        return ""
    options = _options(arg)
    words = []
    if "sans_jour" not in options:
        words.append(WEEKDAYS[value.weekday()])
    words += [day_number(value.day), MONTHS[value.month - 1]]
    if "sans_annee" not in options:
        words.append(str(value.year))
    text = " ".join(words)
    if "avec_heure" in options and isinstance(value, datetime.datetime):
        text += f" à {time_fr(value)}"
    return text


@register.filter
def mois_phrase(value):
    """ "décembre 2026" from a date or a "2026-12" string (a month's parameter in a URL)."""
    if isinstance(value, str):
        try:
            year, month = (int(part) for part in value.split("-")[:2])
            value = datetime.date(year, month, 1)
        except ValueError:
            return ""
    value = _local(value)
    if value is None:
        return ""
    return f"{MONTHS[value.month - 1]} {value.year}"


@register.filter
def date_short(value):
    """ "01/12/2026": the date of tables and fields."""
    value = _local(value)
    if value is None:
        return ""
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


@register.filter
def time_fr(value):
    """ "14 h 30", "9 h 05", "14 h" (a datetime in local time, or a time)."""
    if isinstance(value, datetime.datetime):
        value = _local(value)
    if not isinstance(value, (datetime.datetime, datetime.time)):
        return ""
    if value.minute == 0:
        return f"{value.hour}{NBSP}h"
    return f"{value.hour}{NBSP}h{NBSP}{value.minute:02d}"


@register.filter
def datetime_short(value):
    """ "01/12/2026 à 14 h 30"."""
    if not isinstance(value, datetime.datetime):
        return date_short(value)
    return f"{date_short(value)} à {time_fr(value)}"


def _decimal(value):
    if isinstance(value, bool) or value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None


def format_number(value, decimals=None) -> str:
    """French digits: narrow no-break spaces between thousands, a comma before decimals.
    `decimals` rounds half up; without it an integer stays whole and a decimal keeps its
    digits, trailing zeros dropped."""
    number = _decimal(value)
    if number is None:
        return "" if value is None else str(value)
    if decimals is not None:
        number = number.quantize(Decimal(1).scaleb(-int(decimals)), rounding=ROUND_HALF_UP)
    elif number == number.to_integral_value():
        number = number.quantize(Decimal(1))
    else:
        number = number.normalize()
    sign = "-" if number < 0 else ""
    whole, _, fraction = f"{abs(number):f}".partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    text = sign + NARROW_NBSP.join(groups)
    return f"{text},{fraction}" if fraction else text


@register.filter
def nombre(value, decimals=None):
    """ "1 532", "3,5"; `nombre:1` keeps one decimal."""
    return format_number(value, decimals)


@register.filter
def pourcent(value, decimals=0):
    """ "87 %" from 87 (a percentage already); "87,5 %" with `pourcent:1`."""
    if _decimal(value) is None:
        return ""
    return f"{format_number(value, decimals)}{NBSP}%"


def _plural_word(word: str) -> str:
    """One French word in the plural, for the regular cases and the app's inclusive forms."""
    if word.endswith("·e"):
        return word + "·s"  # présent·e → présent·e·s
    if word[-1:] in ("s", "x", "z") or word.endswith("·s"):
        return word
    if word.endswith(("eau", "eu", "au")):
        return word + "x"
    return word + "s"


def is_plural(count) -> bool:
    """French rule: 0 and 1 take the singular, 2 and more the plural."""
    if hasattr(count, "__len__") and not isinstance(count, str):
        count = len(count)
    number = _decimal(count)
    return number is not None and abs(number) >= 2


@register.filter
def pluriel(value, arg="s"):
    """Django's `pluralize` with the French rule: "0 inscrit", "1 inscrit", "2 inscrits".
    `pluriel:"al,aux"` gives the singular and plural endings."""
    singular, _, plural = arg.rpartition(",") if "," in arg else ("", "", arg)
    return plural if is_plural(value) else singular


@register.filter
def accord(value, arg):
    """The count and its noun agreeing: `{{ 2|accord:"inscrit" }}` "2 inscrits".
    The noun's words are all put in the plural ("séance passée" → "séances passées"); give
    both forms for anything else: `accord:"personne aidée,personnes aidées"`."""
    if isinstance(value, (list, tuple, set, dict)):
        value = len(value)
    singular, _, plural = arg.partition(",")
    if not plural:
        plural = " ".join(_plural_word(word) for word in singular.split(" "))
    return f"{format_number(value)} {plural if is_plural(value) else singular}"


@register.filter
def taille(value):
    """A size in bytes as "850 octets", "12 Ko", "1,2 Mo" (1 Ko = 1 024 octets)."""
    number = _decimal(value)
    if number is None:
        return ""
    if abs(number) < 1024:
        return accord(int(number), "octet")
    for unit in ("Ko", "Mo", "Go", "To"):
        number /= 1024
        if abs(number) < 1024 or unit == "To":
            break
    decimals = 1 if abs(number) < 10 else 0
    text = format_number(number, decimals)
    if text.endswith(",0"):
        text = text[:-2]
    return f"{text}{NBSP}{unit}"


@register.filter
def duree(value, unit="s"):
    """A duration as "1,1 s", "42 s", "2 min 05 s", "1 h 05 min". A timedelta, or a number of
    seconds (`duree:"ms"`: milliseconds)."""
    if isinstance(value, datetime.timedelta):
        seconds = Decimal(str(value.total_seconds()))
    else:
        seconds = _decimal(value)
        if seconds is None:
            return ""
        if unit == "ms":
            seconds /= 1000
    if seconds < 10:
        rounded = seconds.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        if rounded == 0 and seconds > 0:
            return f"moins de 0,1{NBSP}s"
        text = format_number(rounded, 1)
        return f"{text.removesuffix(',0')}{NBSP}s"
    whole = int(seconds.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    if whole < 60:
        return f"{whole}{NBSP}s"
    minutes, secs = divmod(whole, 60)
    if minutes < 60:
        return f"{minutes}{NBSP}min {secs:02d}{NBSP}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}{NBSP}h {minutes:02d}{NBSP}min"
