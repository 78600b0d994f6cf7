"""Helpers shared by the views of Vill@ges connectés."""

from django.core.exceptions import ValidationError

from ceis import bounds

FORM_ERROR = (
    "Le formulaire contient des erreurs : elles sont indiquées sous chaque champ. "
    "Rien de ce que vous avez saisi n'est perdu."
)


def parse_date(value, default):
    # Within the bounds of every date: `?semaine=0001-01-01` was a 500.
    return bounds.parse_date(value, default)


def apply_errors(form, error: ValidationError):
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)
