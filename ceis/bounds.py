"""The bounds of every input (security.md row 20), declared once.

- dates between 1 January 1900 and five years ahead, birth dates not in the future;
- a cohort spans at most 24 months, a report period at most 20 years;
- text without NUL or control characters (tab and line breaks only in multi-line text), and
  with a length even where the model sets none;
- whole numbers within a range even where the form sets none.

Forms get these bounds by inheriting `BoundedForm`, `BoundedModelForm` or `BoundedFilterSet`
(a test checks that every form of the project does); models, the package importer, the
`bilan` command and the calendar views call the `check_…` and `clamp_date` functions.
Every refusal is a `ValidationError` with a French message.
"""

import datetime
import re

import django_filters
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from .templatetags.french import date_phrase

DATE_MIN = datetime.date(1900, 1, 1)
YEARS_AHEAD = 5
PERIOD_MAX_YEARS = 20
COHORT_MAX_MONTHS = 24
# Lengths of form text fields whose model sets none (search boxes, notes, texts of a bilan).
LINE_MAX_LENGTH = 500
TEXT_MAX_LENGTH = 20_000
# Whole numbers: no negative quantity exists in CEIS; a ceiling well under the database's.
NUMBER_MIN = 0
NUMBER_MAX = 1_000_000
# Tighter ranges for fields known by name, wherever they appear (forms and filters).
NAMED_NUMBER_RANGES = {
    "duration_min": (1, 24 * 60),
    "capacity": (1, 1_000),
    "monthly_income_eur": (0, 100_000),
    "persons": (0, 100_000),
}
# Year fields: from 1900 to the last year a date may reach (birth years: this year).
YEAR_FIELDS = {"year", "birth_year"}
BIRTH_DATE_FIELDS = {"birth_date"}

# C0 controls and DEL; multi-line text keeps tab, line feed and carriage return.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_CONTROL_MULTILINE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def french_date(day: datetime.date) -> str:
    """« 1er janvier 1900 », « 3 décembre 2031 » (the `date_phrase` of every page)."""
    return date_phrase(day, "sans_jour")


def add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February of a year that has none
        return day.replace(year=day.year + years, day=28)


def add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return datetime.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def date_max(today: datetime.date | None = None) -> datetime.date:
    return add_years(today or timezone.localdate(), YEARS_AHEAD)


# Dates ---------------------------------------------------------------------------------------


def check_date(value: datetime.date, *, birth: bool = False) -> None:
    """Refuse a date before 1900 or more than five years ahead (a birth date: after today)."""
    if value is None:
        return
    if isinstance(value, datetime.datetime):
        value = value.date()
    today = timezone.localdate()
    if birth:
        if value < DATE_MIN:
            raise ValidationError(
                f"La date de naissance ne peut pas être antérieure au {french_date(DATE_MIN)}.",
                code="date_min",
            )
        if value > today:
            raise ValidationError("La date de naissance est dans le futur.", code="birth_future")
        return
    if value < DATE_MIN or value > date_max(today):
        raise ValidationError(
            f"La date doit être comprise entre le {french_date(DATE_MIN)} et le "
            f"{french_date(date_max(today))}.",
            code="date_range",
        )


def check_birth_date(value: datetime.date) -> None:
    check_date(value, birth=True)


def clamp_date(value: datetime.date) -> datetime.date:
    """A date brought back within the bounds: calendars never navigate beyond them."""
    return min(max(value, DATE_MIN), date_max())


def parse_date(text, default: datetime.date) -> datetime.date:
    """A `YYYY-MM-DD` query parameter, within the bounds; `default` when absent or invalid."""
    try:
        value = datetime.date.fromisoformat(text) if text else default
    except (TypeError, ValueError):
        value = default
    return clamp_date(value)


def parse_month(text, default: datetime.date) -> datetime.date:
    """The first day of a `YYYY-MM` query parameter, within the bounds; else `default`'s."""
    try:
        year, month = (int(part) for part in str(text or "").split("-"))
        first = datetime.date(year, month, 1)
    except (TypeError, ValueError, OverflowError):
        first = default
    return clamp_date(first).replace(day=1)


# Periods and cohorts -------------------------------------------------------------------------


def check_period(start: datetime.date, end: datetime.date) -> None:
    """A report period: both ends within the date bounds, at most 20 years long."""
    for value in (start, end):
        check_date(value)
    if start and end and end >= add_years(start, PERIOD_MAX_YEARS):
        raise ValidationError(
            f"La période ne peut pas dépasser {PERIOD_MAX_YEARS} ans : avec un début le "
            f"{french_date(start)}, la fin est au plus tard le "
            f"{french_date(add_years(start, PERIOD_MAX_YEARS) - datetime.timedelta(days=1))}.",
            code="period_too_long",
        )


def check_cohort_span(start: datetime.date, end: datetime.date) -> None:
    """A cohort lasts at most 24 months (its calendar has one row per meeting day)."""
    if start and end and end >= add_months(start, COHORT_MAX_MONTHS):
        raise ValidationError(
            f"Une promotion dure au plus {COHORT_MAX_MONTHS} mois : avec un début le "
            f"{french_date(start)}, la fin est au plus tard le "
            f"{french_date(add_months(start, COHORT_MAX_MONTHS) - datetime.timedelta(days=1))}.",
            code="cohort_too_long",
        )


# Text and numbers ----------------------------------------------------------------------------


def check_line(value: str) -> None:
    """One line of text: no control character at all (NUL, tab, line break…)."""
    if value and _CONTROL.search(str(value)):
        raise ValidationError(
            "Ce champ contient un caractère de contrôle (tabulation, retour à la ligne ou "
            "caractère invisible) : retirez-le.",
            code="control_character",
        )


def check_text(value: str) -> None:
    """Multi-line text: tab and line breaks allowed, other control characters refused."""
    if value and _CONTROL_MULTILINE.search(str(value)):
        raise ValidationError(
            "Ce texte contient un caractère de contrôle invisible (par exemple NUL) : retirez-le.",
            code="control_character",
        )


def clean_query(value, max_length: int = LINE_MAX_LENGTH) -> str:
    """A free-text GET parameter read without a form (`?q=`): control characters become
    spaces and the text is cut, so that a search never fails on what was typed."""
    return _CONTROL.sub(" ", str(value or ""))[:max_length].strip()


# Forms ---------------------------------------------------------------------------------------


def _number_range(name: str):
    if name in YEAR_FIELDS:
        last = timezone.localdate().year if name == "birth_year" else date_max().year
        return DATE_MIN.year, last
    return NAMED_NUMBER_RANGES.get(name, (NUMBER_MIN, NUMBER_MAX))


def _widget_attrs(field, **attrs):
    # `type="date"` inputs read min/max: the browser already helps before the server refuses.
    field.widget.attrs.update({k: v for k, v in attrs.items() if k not in field.widget.attrs})


# Keys of a multiple choice of records: a number beyond 64 bits made SQLite raise (a 500).
_KEY_MAX = 2**63 - 1
_INTEGER = re.compile(r"-?[0-9]+")


class _KeyCheckMixin:
    def _check_values(self, value):
        meta = self.queryset.model._meta
        key = meta.get_field(self.to_field_name) if self.to_field_name else meta.pk
        if isinstance(key, models.IntegerField | models.AutoField):
            for item in value if isinstance(value, list | tuple) else [value]:
                text = str(item).strip()
                if not _INTEGER.fullmatch(text) or abs(int(text)) > _KEY_MAX:
                    raise ValidationError(
                        self.error_messages["invalid_pk_value"],
                        code="invalid_pk_value",
                        params={"pk": text[:50]},
                    )
        return super()._check_values(value)


_KEY_CHECKED = {}


def _key_checked(field):
    cls = type(field)
    if cls not in _KEY_CHECKED:
        _KEY_CHECKED[cls] = type(cls.__name__, (_KeyCheckMixin, cls), {})
    field.__class__ = _KEY_CHECKED[cls]


def bound_field(name: str, field: forms.Field) -> None:
    """Add the bounds of its kind (and of its name) to one form field, once."""
    if getattr(field, "_ceis_bounded", False):
        return
    field._ceis_bounded = True
    if isinstance(field, forms.ModelMultipleChoiceField):
        _key_checked(field)
    elif isinstance(field, forms.DateTimeField):
        field.validators.append(check_date)
    elif isinstance(field, forms.DateField):
        birth = name in BIRTH_DATE_FIELDS
        field.validators.append(check_birth_date if birth else check_date)
        last = timezone.localdate() if birth else date_max()
        _widget_attrs(field, min=DATE_MIN.isoformat(), max=last.isoformat())
    elif isinstance(field, forms.IntegerField):  # also DecimalField and FloatField
        low, high = _number_range(name)
        if field.min_value is None or field.min_value < low:
            field.min_value = low
            field.validators.append(MinValueValidator(low))
        if field.max_value is None or field.max_value > high:
            field.max_value = high
            field.validators.append(MaxValueValidator(high))
        field.widget.attrs.update(min=field.min_value, max=field.max_value)
    elif isinstance(field, forms.CharField):
        multiline = isinstance(field.widget, forms.Textarea)
        field.validators.append(check_text if multiline else check_line)
        if field.max_length is None:
            field.max_length = TEXT_MAX_LENGTH if multiline else LINE_MAX_LENGTH
            field.validators.append(MaxLengthValidator(field.max_length))
            _widget_attrs(field, maxlength=str(field.max_length))


def bound_fields(form) -> None:
    for name, field in form.fields.items():
        bound_field(name, field)


class BoundedFormMixin:
    """Bounds every field of the form: those of `__init__` for the page (HTML min/max), and
    those a subclass adds after `__init__` before validation."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bound_fields(self)

    def full_clean(self):
        bound_fields(self)
        super().full_clean()


class BoundedForm(BoundedFormMixin, forms.Form):
    pass


class BoundedModelForm(BoundedFormMixin, forms.ModelForm):
    def _update_errors(self, errors):
        # A model rule that names a field this form does not show (the exit date on the intake
        # form) is shown above the form: Django raises ValueError for it, a 500.
        if hasattr(errors, "error_dict"):
            moved = {}
            for field, field_errors in errors.error_dict.items():
                key = field if field in self.fields else NON_FIELD_ERRORS
                moved.setdefault(key, []).extend(field_errors)
            errors = ValidationError(moved)
        super()._update_errors(errors)


class BoundedFilterSet(django_filters.FilterSet):
    """A list filter whose form is bounded: a bad value is shown as an error and ignored."""

    def get_form_class(self):
        form_class = super().get_form_class()
        return type(form_class.__name__, (BoundedFormMixin, form_class), {})
