"""The project's form renderer writes selects itself (ceis/form_renderer.py): the markup must be
exactly what Django's `select.html` and `select_option.html` give, for every kind of select."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

from ceis.form_renderer import BoundField, FormRenderer, render_select
from ceis.models import Site
from ceis.tests.factories import SiteFactory


def _django_markup(bound):
    context = bound.field.widget.get_context(
        bound.html_name, bound.value(), bound.build_widget_attrs({})
    )
    return DjangoTemplates().render("django/forms/widgets/select.html", context), context


class Kinds(forms.Form):
    escaped = forms.ChoiceField(
        choices=[("", "---------"), ("x", "X <b>&\"'"), (1, mark_safe("<i>sûr</i>"))],
        initial="x",
    )
    grouped = forms.MultipleChoiceField(
        choices=[("Groupe <1>", [("a", "A"), ("b", "B")]), ("c", "C")],
        initial=["a", "c"],
        disabled=True,
    )
    empty = forms.ChoiceField(
        choices=[],
        required=False,
        widget=forms.Select(attrs={"data-x": 'q"1', "autofocus": True, "hidden": False}),
    )
    boolean = forms.NullBooleanField()


@pytest.mark.parametrize("name", ["escaped", "grouped", "empty", "boolean"])
def test_a_select_is_written_as_djangos_templates_write_it(name):
    expected, context = _django_markup(Kinds()[name])
    assert render_select(context["widget"]) == expected


@pytest.mark.django_db
def test_a_model_choice_select_bound_to_data_is_written_as_django_writes_it():
    SiteFactory.create_batch(3)
    site = Site.objects.order_by("pk").last()

    class SiteForm(forms.Form):
        site = forms.ModelChoiceField(queryset=Site.objects.order_by("name"))

    class Templates(DjangoTemplates):
        bound_field_class = BoundField  # the same French empty choice, Django's templates

    data = {"site": str(site.pk)}
    ours = str(SiteForm(data=data, renderer=FormRenderer())["site"])
    assert ours == str(SiteForm(data=data, renderer=Templates())["site"])
    assert f'<option value="{site.pk}" selected>' in ours


def test_a_select_whose_options_use_another_template_is_left_to_django():
    class Widget(forms.Select):
        option_template_name = "django/forms/widgets/input.html"

    class Form(forms.Form):
        choice = forms.ChoiceField(choices=[("a", "A")], widget=Widget)

    markup = str(Form(renderer=FormRenderer())["choice"])
    assert '<input type="select" name="choice" value="a"' in markup
