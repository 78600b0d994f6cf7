from django import forms
from django.conf import settings

from ceis.bounds import BoundedForm
from ceis.uploads import UploadRefused, size_mo

from .models import DocumentKind, DocumentProgramme
from .services import document_check

ACCEPT = ".pdf,.jpg,.jpeg,.png,.odt,.docx,application/pdf,image/jpeg,image/png"


class DocumentForm(BoundedForm):
    programme = forms.ChoiceField(
        label="Dossier",
        choices=DocumentProgramme.choices,
        help_text="Le document n'est visible que de qui peut ouvrir ce dossier de la personne.",
    )
    kind = forms.ChoiceField(label="Type de document", choices=DocumentKind.choices)
    title = forms.CharField(label="Titre", max_length=120)
    file = forms.FileField(
        label="Fichier",
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
        error_messages={
            "required": "Choisissez le fichier à joindre.",
            "empty": "Ce fichier est vide.",
        },
    )

    def __init__(self, *args, programmes: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["programme"]
        field.choices = [c for c in DocumentProgramme.choices if c[0] in programmes]
        self.only_programme = field.choices[0][0] if len(field.choices) == 1 else None
        if self.only_programme:
            # One programme file only (a social worker, the mediator): no choice to make, and
            # whatever a forged form says is ignored (clean_programme).
            self.fields["programme"] = forms.CharField(required=False, widget=forms.HiddenInput)
        limit = size_mo(settings.CEIS_DOCUMENT_MAX_BYTES)
        self.fields["file"].help_text = f"PDF, JPEG, PNG, ODT ou DOCX, {limit} Mo au plus."

    def clean_programme(self):
        return self.only_programme or self.cleaned_data["programme"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            self.file_type = document_check(upload)
        except UploadRefused as refused:
            raise forms.ValidationError(str(refused)) from None
        return upload
