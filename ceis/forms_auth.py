from django.contrib.auth.forms import AuthenticationForm

from .bounds import BoundedFormMixin


class LoginForm(BoundedFormMixin, AuthenticationForm):
    error_messages = {
        "invalid_login": (
            "Identifiant ou mot de passe incorrect. Après 5 échecs, la connexion est bloquée "
            "30 minutes."
        ),
        "inactive": "Ce compte est désactivé. Adressez-vous à l'administrateur.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Identifiant"
        self.fields["username"].widget.attrs["autocomplete"] = "username"
        self.fields["password"].widget.attrs["autocomplete"] = "current-password"
