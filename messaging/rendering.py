"""The text of a message: a template's `{field}`s filled, and what an SMS may hold.

An SMS of at most 160 characters must be written in the GSM-7 alphabet (GSM 03.38); one
character outside it (« », ê, ç, a non-breaking space…) makes the whole SMS Unicode, 70
characters a part. So the SMS bodies are written in GSM-7: the editor reports a character
outside it, and the values filled in (a workshop's title, a place) are transliterated.
"""

import datetime
import string
import unicodedata

from django.utils import timezone

from ceis.templatetags.french import date_phrase, time_fr

from .choices import Channel

SMS_MAX = 160

GSM7_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡"
    "ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# Characters of the extension table: each takes two of the 160.
GSM7_EXTENDED = "^{}\\[~]|€\f"

_TYPOGRAPHY = {
    "\xa0": " ",
    "\u202f": " ",
    "«": '"',
    "»": '"',
    "’": "'",
    "‘": "'",
    "“": '"',
    "”": '"',
    "–": "-",
    "—": "-",
    "…": "...",
    "œ": "oe",
    "Œ": "OE",
}

# The fields a template may use, with the example the editor's preview fills in.
FIELDS = {
    "quoi": "Accompagnement numérique",
    "date": "mardi 1er décembre",
    "heure": "14 h 30",
    "lieu": "Maison des services, 12 rue des Lilas",
    "telephone": "04 67 00 00 00",
}


def sms_length(text: str) -> int:
    return sum(2 if char in GSM7_EXTENDED else 1 for char in text)


def non_gsm_characters(text: str) -> list[str]:
    """The characters of `text` an SMS cannot carry in GSM-7, each once, in order."""
    found = []
    for char in text:
        if char not in GSM7_BASIC and char not in GSM7_EXTENDED and char not in found:
            found.append(char)
    return found


def to_gsm(text: str) -> str:
    """`text` in GSM-7: French typography made plain, accents GSM-7 lacks dropped (ê → e)."""
    out = []
    for char in text:
        char = _TYPOGRAPHY.get(char, char)
        if all(c in GSM7_BASIC or c in GSM7_EXTENDED for c in char):
            out.append(char)
            continue
        base = unicodedata.normalize("NFKD", char)[:1]
        out.append(base if base and (base in GSM7_BASIC or base in GSM7_EXTENDED) else "?")
    return "".join(out)


def template_fields(text: str) -> list[str]:
    """The `{field}` names used in a template's text (ValueError if a brace is unbalanced)."""
    return [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]


def render(text: str, fields: dict[str, str], channel: str) -> str:
    values = {name: fields.get(name, "") for name in FIELDS}
    body = text.format_map(values)
    return to_gsm(body) if channel == Channel.SMS else body


def when_fields(moment: datetime.datetime, channel: str) -> dict[str, str]:
    """{date} and {heure}: « mardi 1er décembre » (no year: it is near) and « 14 h 30 »
    (« 14h30 » in an SMS, where every character counts)."""
    local = timezone.localtime(moment)
    phrase = date_phrase(local.date())
    suffix = f" {local.year}"
    day = phrase[: -len(suffix)] if phrase.endswith(suffix) else phrase
    hour = time_fr(local.time())
    if channel == Channel.SMS:
        hour = hour.replace("\xa0h\xa0", "h").replace("\xa0h", "h")
    return {"date": day, "heure": hour}
