import calendar
import datetime

from crispy_forms.helper import FormHelper
from django import forms
from django.utils import timezone

from ceis.bounds import BoundedForm, BoundedModelForm, check_period
from ceis.models import Site

from .models import BilanDocument
from .perms import can_see_all_sites_bilan
from .texts import TEXT_FIELDS, unknown_references

PRESETS = [
    ("this_year", "Cette année"),
    ("last_year", "L'année dernière"),
    ("since_january", "Depuis janvier"),
    ("this_month", "Ce mois-ci"),
    ("custom", "Période personnalisée"),
]


def preset_period(preset: str, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    if preset == "last_year":
        return datetime.date(today.year - 1, 1, 1), datetime.date(today.year - 1, 12, 31)
    if preset == "since_january":
        return datetime.date(today.year, 1, 1), today
    if preset == "this_month":
        last_day = calendar.monthrange(today.year, today.month)[1]
        return today.replace(day=1), today.replace(day=last_day)
    return datetime.date(today.year, 1, 1), datetime.date(today.year, 12, 31)


class PeriodForm(BoundedForm):
    """Period and site of a dashboard or a new bilan; the site list is the user's own."""

    preset = forms.ChoiceField(label="Période", choices=PRESETS, initial="this_year")
    date_from = forms.DateField(
        label="Du", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="Au", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    site = forms.ModelChoiceField(label="Site", queryset=Site.objects.none(), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = Site.objects.visible_to(user)
        self.all_sites_allowed = can_see_all_sites_bilan(user)
        self.fields["site"].empty_label = "Tous les sites" if self.all_sites_allowed else None
        self.fields["site"].required = not self.all_sites_allowed
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean(self):
        cleaned = super().clean()
        preset = cleaned.get("preset") or "this_year"
        if preset == "custom":
            start, end = cleaned.get("date_from"), cleaned.get("date_to")
            if {"date_from", "date_to"} & set(self.errors):
                return cleaned  # a date out of bounds is already shown under its field
            if not start or not end:
                raise forms.ValidationError("Indiquez le début et la fin de la période.")
            if start > end:
                raise forms.ValidationError("La fin de la période précède son début.")
            check_period(start, end)
        else:
            start, end = preset_period(preset, timezone.localdate())
        cleaned["date_from"], cleaned["date_to"] = start, end
        return cleaned


class BilanTextsForm(BoundedModelForm):
    class Meta:
        model = BilanDocument
        fields = [
            "title",
            "publication_date",
            "introduction",
            "unisvers_text",
            "villages_text",
            "contact",
            "compare",
            "testimonials",
        ]
        widgets = {
            "publication_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "introduction": forms.Textarea(attrs={"rows": 4}),
            "unisvers_text": forms.Textarea(attrs={"rows": 6}),
            "villages_text": forms.Textarea(attrs={"rows": 6}),
            "contact": forms.Textarea(attrs={"rows": 2}),
            "testimonials": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "testimonials": "Seuls les témoignages avec un consentement écrit sont proposés.",
        }

    def __init__(self, *args, testimonials, **kwargs):
        super().__init__(*args, **kwargs)
        for name in TEXT_FIELDS:
            widget = self.fields[name].widget
            # The editor's list of figures inserts references into these fields, and the preview
            # under each shows the figures the next version will print (static/js/reporting.js).
            widget.attrs.update({"data-references": "", "aria-describedby": f"apercu-{name}"})
        self.fields["testimonials"].queryset = testimonials
        self.fields["testimonials"].label_from_instance = lambda t: (
            f"« {t.quote[:90]}{'…' if len(t.quote) > 90 else ''} » — {t.display_name}"
        )
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean(self):
        cleaned = super().clean()
        for name in TEXT_FIELDS:
            unknown = unknown_references(cleaned.get(name) or "")
            if unknown:
                self.add_error(name, _unknown_message(unknown))
        return cleaned


def _unknown_message(unknown: list[str]) -> str:
    names = ", ".join(f"« {token} »" for token in unknown)
    if len(unknown) == 1:
        start = f"La référence {names} ne correspond à aucun chiffre du bilan"
        pronoun = "la"
    else:
        start = f"Les références {names} ne correspondent à aucun chiffre du bilan"
        pronoun = "les"
    return (
        f"{start}. Choisissez-{pronoun} dans la liste « Chiffres du bilan » ou "
        f"corrigez-{pronoun} (forme attendue : [[unisvers.participants]])."
    )
