from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row
from django import forms
from django.core.exceptions import ValidationError

from .bounds import BoundedModelForm
from .models import Person, Site
from .selectors import neighbourhood_list
from .text import phone_e164


class PersonForm(BoundedModelForm):
    """Identity and contact of a person. The site is limited to the user's own sites."""

    confirm_not_duplicate = forms.BooleanField(
        label="Je confirme qu'il s'agit d'une autre personne",
        required=False,
    )

    class Meta:
        model = Person
        fields = [
            "site",
            "last_name",
            "first_name",
            "birth_date",
            "birth_year",
            "sex",
            "phone",
            "email",
            "postal_code",
            "commune",
            "neighbourhood",
            "education_level",
            "status",
            "france_travail_id",
        ]
        widgets = {"birth_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, user, ask_duplicate=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = Site.objects.visible_to(user)
        self.fields["neighbourhood"].queryset = neighbourhood_list()
        for name in ("sex", "education_level", "status"):
            self.fields[name].choices = [("", "Non renseigné"), *self.fields[name].choices[1:]]
        self.fields["neighbourhood"].empty_label = "Non renseigné"
        sites = list(self.fields["site"].queryset)
        if len(sites) == 1 and not self.instance.pk:
            self.fields["site"].initial = sites[0]
        if not ask_duplicate:
            del self.fields["confirm_not_duplicate"]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(
                "Identité",
                Row(Column("last_name"), Column("first_name")),
                Row(Column("birth_date"), Column("birth_year"), Column("sex")),
            ),
            Fieldset(
                "Contact et adresse",
                Row(Column("phone"), Column("email")),
                Row(Column("postal_code"), Column("commune"), Column("neighbourhood")),
            ),
            Fieldset(
                "Situation",
                Row(Column("education_level"), Column("status"), Column("france_travail_id")),
                "site",
            ),
            *(["confirm_not_duplicate"] if ask_duplicate else []),
        )

    def clean_phone(self):
        """A number that messages can reach; kept as typed (the data package carries it as
        is), written in E.164 only when a message is sent."""
        phone = self.cleaned_data.get("phone", "")
        if phone:
            try:
                phone_e164(phone)
            except ValueError:
                raise ValidationError(
                    "Ce numéro de téléphone n'est pas valide : saisissez un numéro français "
                    "(06 12 34 56 78) ou international (+32 470 12 34 56)."
                ) from None
        return phone


def apply_errors(form, error: ValidationError):
    """Show a service's refusal on the form, keeping what was typed."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)
