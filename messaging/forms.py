from django import forms
from django.utils import timezone

from ceis.bounds import BoundedForm
from ceis.text import phone_e164

from .choices import Channel


class ConsentForm(BoundedForm):
    channel = forms.ChoiceField(label="Canal", choices=Channel.choices, widget=forms.HiddenInput)
    given = forms.TypedChoiceField(
        label="Consentement",
        choices=[("1", "Accepte"), ("0", "Refuse ou retire")],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        error_messages={"required": "Indiquez si la personne accepte ou refuse."},
    )
    date = forms.DateField(
        label="Date",
        initial=timezone.localdate,
        widget=forms.DateInput(
            attrs={"type": "date", "class": "form-control form-control-sm"}, format="%Y-%m-%d"
        ),
    )


class TemplateForm(forms.Form):
    subject = forms.CharField(label="Objet de l'e-mail", max_length=200, required=False)
    body = forms.CharField(
        label="Texte",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=2000,
        error_messages={"required": "Le texte du message est obligatoire."},
    )

    def __init__(self, *args, channel: str, **kwargs):
        super().__init__(*args, **kwargs)
        if channel == Channel.SMS:
            del self.fields["subject"]
            self.fields["body"].widget.attrs["data-sms-counter"] = "sms-compteur"
        else:
            self.fields["subject"].required = True
            self.fields["subject"].error_messages["required"] = (
                "L'objet de l'e-mail est obligatoire."
            )


class SitePhoneForm(forms.Form):
    site = forms.IntegerField(widget=forms.HiddenInput)
    phone = forms.CharField(label="Téléphone du site", max_length=30, required=False)

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        if phone:
            try:
                phone_e164(phone)
            except ValueError:
                raise forms.ValidationError(
                    "Ce numéro de téléphone n'est pas valide : saisissez par exemple "
                    "04 67 00 00 00."
                ) from None
        return phone
