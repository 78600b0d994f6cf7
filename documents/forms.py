from django import forms
from django.conf import settings

from ceis.bounds import BoundedForm
from ceis.uploads import UploadRefused, size_mo

from .models import DocumentKind
from .services import document_check

ACCEPT = ".pdf,.jpg,.jpeg,.png,.odt,.docx,application/pdf,image/jpeg,image/png"


class DocumentForm(BoundedForm):
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit = size_mo(settings.CEIS_DOCUMENT_MAX_BYTES)
        self.fields["file"].help_text = f"PDF, JPEG, PNG, ODT ou DOCX, {limit} Mo au plus."

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            self.file_type = document_check(upload)
        except UploadRefused as refused:
            raise forms.ValidationError(str(refused)) from None
        return upload
