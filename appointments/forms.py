"""Forms of the agendas: booking (and moving) in one form, opening hours, absences."""

import datetime

from django import forms
from django.utils import timezone

from ceis.bounds import BoundedForm
from ceis.models import Site

from .choices import AppointmentKind, Weekday
from .models import DURATION_MAX, DURATION_MIN, PHONE_PLACE
from .perms import SOCIAL_KINDS, sees_social_appointments

DURATIONS = [
    (15, "15 min"),
    (30, "30 min"),
    (45, "45 min"),
    (60, "1 h"),
    (90, "1 h 30"),
    (120, "2 h"),
]


class AgentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return str(obj)


class AppointmentForm(BoundedForm):
    """One screen to book or move: who with, where, what, when, how long, where exactly."""

    agent = AgentChoiceField(
        label="Avec", queryset=None, to_field_name="username", empty_label="Choisir…"
    )
    site = forms.ModelChoiceField(
        label="Site", queryset=Site.objects.none(), empty_label="Choisir…"
    )
    kind = forms.ChoiceField(label="Motif", choices=[("", "Choisir…"), *AppointmentKind.choices])
    date = forms.DateField(
        label="Date", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    time = forms.TimeField(
        label="Heure", widget=forms.TimeInput(attrs={"type": "time", "step": 300}, format="%H:%M")
    )
    duration_min = forms.TypedChoiceField(label="Durée", choices=DURATIONS, coerce=int, initial=30)
    by_phone = forms.BooleanField(label="Par téléphone", required=False)
    place = forms.CharField(
        label="Lieu",
        max_length=200,
        required=False,
        help_text="Laisser vide pour l'accueil du site.",
    )

    def __init__(self, *args, agents, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agent"].queryset = agents
        self.fields["site"].queryset = Site.objects.visible_to(user).order_by("name")
        if not sees_social_appointments(user):
            # A social interview is Unis'Vers data (security.md row 3).
            self.fields["kind"].choices = [
                choice for choice in self.fields["kind"].choices if choice[0] not in SOCIAL_KINDS
            ]

    def clean_duration_min(self):
        value = self.cleaned_data["duration_min"]
        if not DURATION_MIN <= value <= DURATION_MAX:
            raise forms.ValidationError("Durée hors des limites.")
        return value

    def clean(self):
        data = super().clean()
        day, time = data.get("date"), data.get("time")
        if day and time:
            data["start"] = datetime.datetime.combine(
                day, time, tzinfo=timezone.get_current_timezone()
            )
        if data.get("by_phone"):
            data["place"] = PHONE_PLACE
        return data

    def appointment_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "agent": data["agent"],
            "site": data["site"],
            "kind": data["kind"],
            "start": data["start"],
            "duration_min": data["duration_min"],
            "place": data.get("place", ""),
        }


class OpeningHoursForm(BoundedForm):
    site = forms.ModelChoiceField(
        label="Site", queryset=Site.objects.none(), empty_label="Choisir…"
    )
    weekday = forms.TypedChoiceField(label="Jour", choices=Weekday.choices, coerce=int)
    start = forms.TimeField(
        label="De", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    end = forms.TimeField(label="À", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = Site.objects.visible_to(user).order_by("name")

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] <= data["start"]:
            self.add_error("end", "La fin doit être après le début.")
        return data


class AbsenceForm(BoundedForm):
    start_date = forms.DateField(
        label="Du", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end_date = forms.DateField(
        label="Au (inclus)", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    reason = forms.CharField(
        label="Motif", max_length=100, required=False, help_text="Facultatif : congé, formation…"
    )

    def clean(self):
        data = super().clean()
        if (
            data.get("start_date")
            and data.get("end_date")
            and data["end_date"] < data["start_date"]
        ):
            self.add_error("end_date", "La fin de l'absence doit être après son début.")
        return data

    def bounds(self):
        tz = timezone.get_current_timezone()
        data = self.cleaned_data
        return (
            datetime.datetime.combine(data["start_date"], datetime.time.min, tzinfo=tz),
            datetime.datetime.combine(
                data["end_date"] + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz
            ),
        )
