"""Model field helpers shared by the programme apps."""

from django.core.exceptions import ValidationError
from django.db import models


def ref_field():
    """The stable identifier of a record in data packages (`ref` columns of ceis.package/1)."""
    return models.CharField(
        "référence d'échange",
        max_length=100,
        unique=True,
        null=True,
        blank=True,
        help_text="Identifiant stable dans les paquets de données (ceis.package/1).",
    )


def validate_code_list(values, choices: type[models.TextChoices], field: str) -> None:
    """A JSON list field holds only codes of `choices`."""
    if not isinstance(values, list) or any(value not in choices.values for value in values):
        raise ValidationError({field: "Code inconnu dans la liste."})


class EncryptedTextField(models.TextField):
    """Text stored encrypted (Fernet); read back in clear. Not searchable: every value is
    encrypted with its own random IV. An empty value is stored empty."""

    description = "Texte chiffré"

    def get_prep_value(self, value):
        from .crypto import encrypt

        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return encrypt(value)

    def from_db_value(self, value, expression, connection):
        from .crypto import decrypt

        if value in (None, ""):
            return value
        return decrypt(value)
