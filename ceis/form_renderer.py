"""The project's form renderer (settings.FORM_RENDERER): Django's, with French defaults that
every form of every app takes without saying so.

Django writes the empty choice of a select as "---------" (`BLANK_CHOICE_DASH` of model
fields, `ModelChoiceField.empty_label`, django-filter's default): each bound field rewrites
it as "Choisir…" when it is drawn. A label chosen by the form ("Tous les sites") is kept.

Selects are written here rather than by Django's two templates (`select.html`, which
includes `select_option.html` for every option), with exactly their markup: an
administrator's list filters offer a hundred sites and every site's mediators, and the
template include of each option made most of the page's rendering (the admin's helps at 100×:
about 500 includes per page). A select whose options use another template is left to Django.
"""

from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape

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


SELECT_TEMPLATE = "django/forms/widgets/select.html"
OPTION_TEMPLATE = "django/forms/widgets/select_option.html"


def _value(value) -> str:
    """`{{ value|stringformat:'s' }}`: the value's text, escaped unless marked safe."""
    return conditional_escape(f"{value}")


def _attrs(attrs: dict) -> str:
    """Django's `attrs.html`: ` name="value"`, a bare ` name` for True, nothing for False."""
    return "".join(
        f" {conditional_escape(name)}" + ("" if value is True else f'="{_value(value)}"')
        for name, value in attrs.items()
        if value is not False
    )


def _option(option: dict) -> str:
    return (
        f'<option value="{_value(option["value"])}"'
        f"{_attrs(option['attrs'])}>{conditional_escape(option['label'])}</option>"
    )


def render_select(widget: dict) -> str:
    """The markup of Django's `select.html` and `select_option.html` for a widget's context."""
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        # The option template's file ends with a newline, kept by the include.
        parts.extend(f"\n  {_option(option)}\n" for option in options)
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)  # the renderer strips what the template gives: nothing to strip


class FormRenderer(DjangoTemplates):
    bound_field_class = BoundField

    def render(self, template_name, context, request=None):
        widget = context.get("widget") if template_name == SELECT_TEMPLATE else None
        if widget is not None and all(
            option["template_name"] == OPTION_TEMPLATE
            for _name, options, _index in widget["optgroups"]
            for option in options
        ):
            return render_select(widget)
        return super().render(template_name, context, request)
