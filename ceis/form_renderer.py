"""The project's form renderer (settings.FORM_RENDERER): Django's, with French defaults that
every form of every app takes without saying so.

Django writes the empty choice of a select as "---------" (`BLANK_CHOICE_DASH` of model
fields, `ModelChoiceField.empty_label`, django-filter's default): each bound field rewrites
it as "Choisir…" when it is drawn. A label chosen by the form ("Tous les sites") is kept.
"""

from django import forms
from django.forms.renderers import DjangoTemplates

EMPTY_CHOICE_LABEL = "Choisir…"
DJANGO_EMPTY_LABEL = "---------"


def _relabelled(choices):
    for value, label in choices:
        if value in ("", None) and label == DJANGO_EMPTY_LABEL:
            yield value, EMPTY_CHOICE_LABEL
        else:
            yield value, label


def label_empty_choice(field: forms.Field) -> None:
    """Rename Django's empty choice of one field, in place."""
    if isinstance(field, forms.ModelChoiceField):
        if field.empty_label == DJANGO_EMPTY_LABEL:
            field.empty_label = EMPTY_CHOICE_LABEL
    elif isinstance(field, forms.ChoiceField):
        choices = list(field.choices)
        if any(label == DJANGO_EMPTY_LABEL for _value, label in choices):
            field.choices = list(_relabelled(choices))


class BoundField(forms.BoundField):
    def __init__(self, form, field, name):
        label_empty_choice(field)  # the form's own copy of the field
        super().__init__(form, field, name)


class FormRenderer(DjangoTemplates):
    bound_field_class = BoundField
