"""Helpers shared by the views of Unis'Vers."""

import datetime

from django.core.exceptions import ValidationError
from django.http import Http404


def apply_errors(form, error: ValidationError):
    """Show a service's refusal on the form, keeping what was typed."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def parse_day(value: str):
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise Http404("Date invalide.") from None


def cohort_fields(form):
    return {name: value for name, value in form.cleaned_data.items() if name != "referents"}
