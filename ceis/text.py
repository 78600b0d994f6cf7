"""Normalisation of names, phones and search terms: one place, used by services and selectors."""

import re
import unicodedata

import phonenumbers

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


def phone_e164(value: str) -> str:
    """The number in E.164 ("+33612345678"), read as French unless it starts with "+" or "00".
    Raises ValueError if it is not a number: a French one has 9 digits after the 0 (the
    operators' ranges are not checked, they change), another country's must be valid."""
    text = (value or "").strip()
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        number = phonenumbers.parse(text, "FR")
    except phonenumbers.NumberParseException as error:
        raise ValueError(str(error)) from error
    national = str(number.national_number)
    french = number.country_code == 33 and len(national) == 9 and national[0] != "0"
    if not (french or phonenumbers.is_valid_number(number)):
        raise ValueError("invalid number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def is_mobile_e164(e164: str) -> bool:
    """Whether an E.164 number can receive an SMS: a French mobile (06, 07), or elsewhere a
    number of a mobile range."""
    if e164.startswith("+33"):
        return e164[3:4] in ("6", "7")
    number_type = phonenumbers.number_type(phonenumbers.parse(e164))
    return number_type in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    )
