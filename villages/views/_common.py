"""Helpers shared by the views of Vill@ges connectés."""

from ceis import bounds

# One way to show a service's refusal on a form, shared with every app's views.
from ceis.forms import apply_errors as apply_errors

FORM_ERROR = (
    "Le formulaire contient des erreurs : elles sont indiquées sous chaque champ. "
    "Rien de ce que vous avez saisi n'est perdu."
)


def parse_date(value, default):
    # Within the bounds of every date: `?semaine=0001-01-01` was a 500.
    return bounds.parse_date(value, default)
