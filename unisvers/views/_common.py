"""Helpers shared by the views of Unis'Vers."""

import datetime

from django.http import Http404

# One way to show a service's refusal on a form, shared with every app's views.
from ceis.forms import apply_errors as apply_errors


def parse_day(value: str):
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise Http404("Date invalide.") from None


def cohort_fields(form):
    return {name: value for name, value in form.cleaned_data.items() if name != "referents"}
