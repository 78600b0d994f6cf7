"""Forms of Vill@ges connectés: crispy, explicit fields, sites limited to the user's own."""

import datetime

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.utils import timezone

from ceis.bounds import BoundedForm, BoundedModelForm
from ceis.models import Person, Site
from ceis.selectors import neighbourhood_list, persons_visible_to

from .assessment import QUESTIONS
from .choices import (
    AnonymousAgeBand,
    AnonymousSex,
    Autonomy,
    DigitalTheme,
    Orientation,
    Procedure,
    SkillDomain,
)
from .models import IndividualHelp, Session, Workshop

YES_NO = [("1", "Oui"), ("0", "Non")]
YES_NO_UNKNOWN = [("1", "Oui"), ("0", "Non"), ("", "Ne sait pas")]


def _helper(*layout):
    helper = FormHelper()
    helper.form_tag = False
    if layout:
        helper.layout = Layout(*layout)
    return helper


def _limit_sites(form, user):
    form.fields["site"].queryset = Site.objects.visible_to(user)
    sites = user.site_list  # read once per request; the field's queryset is read when rendered
    if len(sites) == 1 and not form.initial.get("site"):
        form.fields["site"].initial = sites[0]


class PersonChoiceField(forms.ModelChoiceField):
    """A person chosen by UUID among those the user may see (search results are radios)."""

    def __init__(self, *, user, **kwargs):
        kwargs.setdefault("widget", forms.RadioSelect)
        super().__init__(queryset=persons_visible_to(user), to_field_name="public_id", **kwargs)
        self.error_messages["invalid_choice"] = "Choisissez une personne dans la liste."


class WorkshopForm(BoundedModelForm):
    class Meta:
        model = Workshop
        fields = ["title", "description", "theme", "format", "level", "partner"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            "title",
            "description",
            Row(Column("theme"), Column("format"), Column("level")),
            "partner",
        )


class SessionCreateForm(BoundedForm):
    """One session, or a weekly series from its first date to `until` (same weekday, same time)."""

    workshop = forms.ModelChoiceField(label="Atelier", queryset=Workshop.objects.all())
    site = forms.ModelChoiceField(label="Site", queryset=None)
    date = forms.DateField(
        label="Date (la première, pour une série)",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    time = forms.TimeField(
        label="Heure", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    duration_min = forms.IntegerField(label="Durée (minutes)", min_value=1, initial=120)
    capacity = forms.IntegerField(label="Places", min_value=1, initial=10)
    facilitator = forms.CharField(label="Animé par", max_length=200, required=False)
    repeat_weekly = forms.BooleanField(
        label="Répéter chaque semaine, le même jour à la même heure", required=False
    )
    until = forms.DateField(
        label="Jusqu'au (inclus)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        _limit_sites(self, user)
        self.helper = _helper(
            Row(Column("workshop"), Column("site")),
            Row(Column("date"), Column("time"), Column("duration_min"), Column("capacity")),
            "facilitator",
            Row(Column("repeat_weekly"), Column("until")),
        )

    def clean(self):
        data = super().clean()
        if data.get("repeat_weekly"):
            until, first = data.get("until"), data.get("date")
            if not until:
                self.add_error("until", "Indiquez la date de la dernière séance de la série.")
            elif first and until < first:
                self.add_error("until", "La fin de la série est avant sa première date.")
        return data

    def session_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "workshop": data["workshop"],
            "site": data["site"],
            "duration_min": data["duration_min"],
            "capacity": data["capacity"],
            "facilitator": data["facilitator"],
        }

    def start(self) -> datetime.datetime:
        data = self.cleaned_data
        return datetime.datetime.combine(
            data["date"], data["time"], tzinfo=timezone.get_current_timezone()
        )


class SessionForm(BoundedModelForm):
    class Meta:
        model = Session
        fields = ["workshop", "site", "start", "duration_min", "capacity", "facilitator"]
        widgets = {
            "start": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        _limit_sites(self, user)
        self.fields["start"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        self.helper = _helper(
            Row(Column("workshop"), Column("site")),
            Row(Column("start"), Column("duration_min"), Column("capacity")),
            "facilitator",
        )


class MinimalPersonForm(BoundedModelForm):
    """Minimal identity for a registration or a walk-in: name, phone, birth, neighbourhood."""

    confirm_not_duplicate = forms.BooleanField(
        label="Je confirme qu'il s'agit d'une autre personne", required=False
    )

    class Meta:
        model = Person
        fields = [
            "last_name",
            "first_name",
            "phone",
            "birth_date",
            "birth_year",
            "neighbourhood",
            "site",
        ]
        widgets = {"birth_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, user, session_site=None, **kwargs):
        kwargs.setdefault("prefix", "nouvelle")
        super().__init__(*args, **kwargs)
        self.fields["neighbourhood"].queryset = neighbourhood_list()
        _limit_sites(self, user)
        if session_site is not None:
            self.fields["site"].initial = session_site
        self.helper = _helper(
            Row(Column("last_name"), Column("first_name")),
            Row(Column("phone"), Column("birth_date"), Column("birth_year")),
            Row(Column("neighbourhood"), Column("site")),
            "confirm_not_duplicate",
        )


class HelpForm(BoundedModelForm):
    """The fast form: person, then chips for themes and procedures; everything else prefilled."""

    person = forms.Field(label="Personne")  # replaced in __init__, declared for the order
    themes = forms.MultipleChoiceField(
        label="Thèmes",
        choices=DigitalTheme.choices,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "btn-check"}),
        required=False,
    )
    procedures = forms.MultipleChoiceField(
        label="Démarches administratives",
        choices=Procedure.choices,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "btn-check"}),
        required=False,
    )
    autonomy = forms.ChoiceField(
        label="Autonomie atteinte",
        choices=Autonomy.choices,
        widget=forms.RadioSelect(attrs={"class": "btn-check"}),
        required=False,
    )
    orientation = forms.ChoiceField(
        label="Orientation", choices=[("", "Aucune"), *Orientation.choices], required=False
    )

    class Meta:
        model = IndividualHelp
        fields = [
            "person",
            "site",
            "date",
            "duration_min",
            "themes",
            "procedures",
            "urgent",
            "autonomy",
            "orientation",
        ]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"] = PersonChoiceField(user=user, label="Personne")
        self.fields["duration_min"].min_value = 1
        self.fields["duration_min"].widget.attrs.update(min=1, step=5)
        self.fields["urgent"].label = "Urgence numérique (CAF, impôts, actualisation…)"
        self.fields["urgent"].widget.attrs.update({"class": "form-check-input", "role": "switch"})
        _limit_sites(self, user)

    def clean_duration_min(self):
        value = self.cleaned_data.get("duration_min")
        if value is not None and value <= 0:
            raise forms.ValidationError("La durée doit être d'au moins une minute.")
        return value


ANONYMOUS_MAX = 500


class AnonymousAttendeesForm(BoundedForm):
    """A grid of numbers, one per age band and sex: who came to a session without a name."""

    def __init__(self, *args, session, **kwargs):
        recorded = {
            (row.age_band, row.sex): row.count for row in session.anonymous_attendances.all()
        }
        super().__init__(*args, **kwargs)
        for band in AnonymousAgeBand:
            for sex in AnonymousSex:
                self.fields[self.field_name(band, sex)] = forms.IntegerField(
                    label=f"{band.label}, {sex.label.lower()}",
                    min_value=0,
                    max_value=ANONYMOUS_MAX,
                    required=False,
                    initial=recorded.get((band.value, sex.value), 0),
                    error_messages={
                        "invalid": "Saisissez un nombre entier.",
                        "min_value": "Le nombre ne peut pas être négatif.",
                        "max_value": f"Au plus {ANONYMOUS_MAX} personnes par case.",
                    },
                    widget=forms.NumberInput(
                        attrs={"class": "form-control", "inputmode": "numeric"}
                    ),
                )

    @staticmethod
    def field_name(band, sex) -> str:
        return f"anonyme_{band.value}_{sex.value}"

    sex_labels = AnonymousSex.labels

    def rows(self):
        """The grid for the template: one row per age band, one bound field per sex."""
        return [
            (band, [self[self.field_name(band, sex)] for sex in AnonymousSex])
            for band in AnonymousAgeBand
        ]

    def counts(self) -> dict[tuple[str, str], int]:
        return {
            (band.value, sex.value): self.cleaned_data[self.field_name(band, sex)] or 0
            for band in AnonymousAgeBand
            for sex in AnonymousSex
        }


class VisitForm(BoundedForm):
    site = forms.ModelChoiceField(label="Site", queryset=None, empty_label=None)
    person = forms.Field(label="Personne (facultatif)", required=False)
    volunteer_help = forms.BooleanField(
        label="Aidé·e par un volontaire",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input", "role": "switch"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"] = PersonChoiceField(
            user=user, label="Personne (facultatif)", required=False
        )
        _limit_sites(self, user)


def _yes_no(label, *, unknown=False, required=True):
    return forms.TypedChoiceField(
        label=label,
        choices=YES_NO_UNKNOWN if unknown else YES_NO,
        coerce=lambda value: value == "1",
        empty_value=None,
        widget=forms.RadioSelect(attrs={"class": "btn-check"}),
        required=required,
    )


EQUIPMENT_FIELDS = {
    "owns_smartphone": "Possède un smartphone",
    "owns_tablet": "Possède une tablette",
    "owns_computer": "Possède un ordinateur",
    "internet_home": "A internet à la maison",
    "tiers_aidant": "S'appuie sur un proche pour le numérique (tiers aidant)",
    "aidants_connect_mandate": "A un mandat Aidants Connect",
}


class AssessmentForm(BoundedForm):
    """One page: internet use, then the yes/no questions of each domain, then equipment."""

    site = forms.ModelChoiceField(label="Site", queryset=None, empty_label=None)
    date = forms.DateField(
        label="Date",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    internet_use_3m = _yes_no("A utilisé internet au cours des 3 derniers mois")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        _limit_sites(self, user)
        self.fields["date"].initial = timezone.localdate()
        for questions in QUESTIONS.values():
            for key, text in questions:
                self.fields[f"q_{key}"] = _yes_no(text)
        for name, label in EQUIPMENT_FIELDS.items():
            self.fields[name] = _yes_no(label, unknown=True, required=False)

    def domains(self):
        """(domain label, bound fields) for the template: one fieldset per domain."""
        return [
            (SkillDomain(domain).label, [self[f"q_{key}"] for key, _ in questions])
            for domain, questions in QUESTIONS.items()
        ]

    def equipment(self):
        return [self[name] for name in EQUIPMENT_FIELDS]

    def answers(self) -> dict[str, bool]:
        return {
            key: bool(self.cleaned_data[f"q_{key}"])
            for questions in QUESTIONS.values()
            for key, _ in questions
        }

    def equipment_values(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in EQUIPMENT_FIELDS}
