"""Forms of Unis'Vers (crispy-forms, explicit fields). Sensitive fields are removed from the
form, not hidden, for users who may not see them: they never reach the HTML."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Div, Fieldset, Layout, Row
from django import forms

from ceis.bounds import BoundedForm, BoundedModelForm
from ceis.models import Person, Site

from .choices import Barrier, ExitOutcome, Weekday
from .models import (
    Cohort,
    CollectiveActivity,
    Enrollment,
    Event,
    FollowUp,
    Testimonial,
)
from .perms import can_assign_referents
from .selectors import referent_candidates

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TRISTATE = [("", "Non renseigné"), (True, "Oui"), (False, "Non")]
SENSITIVE_FIELDS = ("domestic_violence", "health_problem")


def _helper(*layout):
    helper = FormHelper()
    helper.form_tag = False
    if layout:
        helper.layout = Layout(*layout)
    return helper


def _tristate():
    return forms.TypedChoiceField(
        choices=TRISTATE,
        required=False,
        coerce=lambda value: value == "True",
        empty_value=None,
    )


class CohortForm(BoundedModelForm):
    weekdays = forms.MultipleChoiceField(
        label="Jours de rencontre",
        choices=Weekday.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[Weekday.MON, Weekday.TUE, Weekday.THU],
    )

    class Meta:
        model = Cohort
        fields = ["site", "name", "start_date", "end_date", "weekdays", "capacity", "referents"]
        widgets = {
            "start_date": DATE,
            "end_date": DATE,
            "referents": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "weekdays": "Le calendrier est créé à partir des dates et des jours, sans les "
            "jours fériés ; il reste modifiable ensuite."
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = Site.objects.visible_to(user)
        sites = list(self.fields["site"].queryset)
        if len(sites) == 1 and not self.instance.pk:
            self.fields["site"].initial = sites[0]
        # Referents open the participants' notes: only managers and admins name them, never a
        # social worker (themself included) — the field is removed, so a posted value is ignored.
        if can_assign_referents(user):
            self.fields["referents"].queryset = referent_candidates(user)
            referents_layout = [Column("referents")]
        else:
            del self.fields["referents"]
            referents_layout = []
        self.helper = _helper(
            Row(Column("name"), Column("site")),
            Row(Column("start_date"), Column("end_date"), Column("capacity")),
            Row(Column("weekdays"), *referents_layout),
        )


class CohortReferentsForm(BoundedForm):
    """The referents of a cohort, named by a manager or an admin (`candidates`: the social
    workers of the cohort's site)."""

    referents = forms.ModelMultipleChoiceField(
        label="Référents",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Les référents lisent et écrivent les suivis individuels des participants de "
        "cette promotion.",
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["referents"].queryset = candidates
        self.helper = _helper("referents")


class MeetingDayForm(BoundedForm):
    date = forms.DateField(label="Date", widget=DATE)
    label = forms.CharField(label="Précision (sortie, journée spéciale…)", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Row(Column("date"), Column("label")))


class EnrollmentForm(BoundedModelForm):
    """The intake form. `sensitive=False` removes the RGPD art. 9 fields entirely."""

    barriers = forms.MultipleChoiceField(
        label="Freins périphériques",
        choices=Barrier.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    domestic_violence = _tristate()
    health_problem = _tristate()

    class Meta:
        model = Enrollment
        fields = [
            "entry_date",
            "referral_source",
            "referral_date",
            "referral_adviser",
            "minimum_income",
            "monthly_income_eur",
            "household",
            "barriers",
            "domestic_violence",
            "health_problem",
            "confidence_entry",
        ]
        widgets = {"entry_date": DATE, "referral_date": DATE}

    def __init__(self, *args, sensitive: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["domestic_violence"].label = Enrollment._meta.get_field(
            "domestic_violence"
        ).verbose_name.capitalize()
        self.fields["health_problem"].label = Enrollment._meta.get_field(
            "health_problem"
        ).verbose_name.capitalize()
        sensitive_layout = []
        if sensitive:
            sensitive_layout = [
                Fieldset(
                    "Données sensibles (visibles des seuls référents)",
                    Row(Column("domestic_violence"), Column("health_problem")),
                )
            ]
        else:
            for name in SENSITIVE_FIELDS:
                del self.fields[name]
        self.helper = _helper(
            Fieldset(
                "Orientation",
                Row(Column("entry_date"), Column("referral_source"), Column("referral_date")),
                "referral_adviser",
            ),
            Fieldset(
                "Situation à l'entrée",
                Row(Column("minimum_income"), Column("monthly_income_eur"), Column("household")),
                "barriers",
                "confidence_entry",
            ),
            *sensitive_layout,
        )


class ExitForm(BoundedModelForm):
    class Meta:
        model = Enrollment
        fields = ["exit_date", "exit_outcome", "dropout_reason", "confidence_exit"]
        widgets = {"exit_date": DATE}
        help_texts = {"dropout_reason": "Obligatoire pour un abandon."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["exit_date"].required = True
        self.fields["exit_outcome"].required = True
        self.helper = _helper(
            Row(Column("exit_date"), Column("confidence_exit")),
            "exit_outcome",
            # Shown only for an abandon once ceis.js runs; without JS it stays, with its help.
            Div(
                "dropout_reason",
                css_class="ceis-shown-if",
                data_field="exit_outcome",
                data_value=ExitOutcome.ABANDON,
            ),
        )

    def clean(self):
        data = super().clean()
        # A reason left over from an earlier choice of "abandon" is dropped, not refused.
        if data.get("exit_outcome") and data["exit_outcome"] != ExitOutcome.ABANDON:
            data["dropout_reason"] = ""
        return data


class Followup3mForm(BoundedModelForm):
    class Meta:
        model = Enrollment
        fields = ["followup_3m_date", "followup_3m_situation"]
        widgets = {"followup_3m_date": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["followup_3m_date"].required = True
        self.fields["followup_3m_situation"].required = True
        self.helper = _helper(Row(Column("followup_3m_date"), Column("followup_3m_situation")))


class Followup6mForm(BoundedModelForm):
    class Meta:
        model = Enrollment
        fields = ["followup_6m_date", "followup_6m_situation"]
        widgets = {"followup_6m_date": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["followup_6m_date"].required = True
        self.fields["followup_6m_situation"].required = True
        self.helper = _helper(Row(Column("followup_6m_date"), Column("followup_6m_situation")))


class ActivityForm(BoundedModelForm):
    class Meta:
        model = CollectiveActivity
        fields = ["date", "space", "title", "duration_min", "participants"]
        widgets = {"date": DATE, "participants": forms.CheckboxSelectMultiple}

    def __init__(self, *args, cohort, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = Person.objects.filter(
            unisvers_enrollments__cohort=cohort
        ).order_by("last_name", "first_name")
        self.fields["participants"].help_text = "Cochez les personnes qui y ont pris part."
        self.helper = _helper(
            Row(Column("date"), Column("space"), Column("duration_min")),
            "title",
            "participants",
        )


class EnrollmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, enrollment):
        return f"{enrollment.cohort} (entrée le {enrollment.entry_date:%d/%m/%Y})"


class FollowUpForm(BoundedModelForm):
    """A new entry is written in one of the enrollments the user is in charge of
    (`enrollments`); an existing entry stays in its enrollment (`enrollments=None`). An
    orientation to a partner is no longer free text here: it is made from the entry
    (« Orienter vers un partenaire », docs/coordination.md)."""

    class Meta:
        model = FollowUp
        fields = ["date", "kind", "enrollment", "note"]
        field_classes = {"enrollment": EnrollmentChoiceField}
        labels = {"enrollment": "Promotion"}
        widgets = {"date": DATE, "note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, enrollments=None, **kwargs):
        super().__init__(*args, **kwargs)
        if enrollments is None:
            del self.fields["enrollment"]
            first_row = Row(Column("date"), Column("kind"))
        else:
            self.fields["enrollment"].queryset = enrollments
            self.fields["enrollment"].required = True
            self.fields["enrollment"].empty_label = None
            first_row = Row(Column("date"), Column("kind"), Column("enrollment"))
        self.helper = _helper(first_row, "note")


class HandoverForm(BoundedForm):
    """ "Transmettre le suivi" of one enrollment to a named colleague (`candidates`)."""

    to_user = forms.ModelChoiceField(
        label="Transmettre le suivi à",
        queryset=None,
        empty_label="Choisissez une collègue ou un collègue",
    )
    confirm = forms.BooleanField(
        label="Je confirme : cette personne lira et écrira les suivis de cette inscription.",
        required=True,
        error_messages={"required": "Cochez la case pour confirmer la transmission."},
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_user"].queryset = candidates
        self.fields["to_user"].label_from_instance = lambda user: user.get_full_name() or str(user)
        self.helper = _helper("to_user", "confirm")


class EventForm(BoundedModelForm):
    class Meta:
        model = Event
        fields = ["site", "date", "kind", "title"]
        widgets = {"date": DATE}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = Site.objects.visible_to(user)
        sites = list(self.fields["site"].queryset)
        if len(sites) == 1:
            self.fields["site"].initial = sites[0]
        self.helper = _helper(Row(Column("date"), Column("kind"), Column("site")), "title")


class TestimonialForm(BoundedModelForm):
    class Meta:
        model = Testimonial
        fields = ["date", "display_name", "quote", "publication_consent"]
        widgets = {"date": DATE, "quote": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "publication_consent": "Seuls les témoignages avec un consentement écrit peuvent "
            "paraître dans un bilan."
        }

    def __init__(self, *args, **kwargs):
        # Shown beside the follow-up form on a participant's file: ids of its own, so that each
        # "Date" label names its own field.
        kwargs.setdefault("auto_id", "id_temoignage_%s")
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Row(Column("date"), Column("display_name")), "quote", "publication_consent"
        )


class TargetForm(BoundedForm):
    """A plain form: saving the target of an existing site and year updates it (target_set)."""

    site = forms.ModelChoiceField(label="Site", queryset=None)
    year = forms.IntegerField(label="Année", min_value=2000, max_value=2100)
    persons = forms.IntegerField(label="Personnes à accompagner", min_value=0)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = Site.objects.visible_to(user)
        self.helper = _helper(Row(Column("site"), Column("year"), Column("persons")))
