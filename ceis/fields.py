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
