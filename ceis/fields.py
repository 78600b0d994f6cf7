"""Model field helpers shared by the programme apps."""

import json

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


class OrderedJSONField(models.JSONField):
    """A JSON document read back exactly as it was written, each object's keys in their order:
    PostgreSQL's `json` type (the text, checked) instead of `jsonb`, which keeps an object's keys
    in an order of its own (shortest first). For documents stored and read whole, never queried
    inside (a bilan's figures, whose breakdowns list their codes in the catalogue's order for
    the page, the charts, the spreadsheet, the JSON and the open data). SQLite keeps the text."""

    description = "Document JSON (ordre des clés conservé)"

    def db_type(self, connection):
        if connection.vendor == "postgresql":
            return "json"
        return super().db_type(connection)

    def get_db_prep_value(self, value, connection, prepared=False):
        if connection.vendor != "postgresql":
            return super().get_db_prep_value(value, connection, prepared)
        if not prepared:
            value = self.get_prep_value(value)
        # The text as written: Django's adapter would cast it to jsonb on the way in.
        return json.dumps(value, cls=self.encoder)

    def from_db_value(self, value, expression, connection):
        # psycopg2 decodes the `json` type itself (`json.loads`, which keeps the keys' order).
        if value is not None and not isinstance(value, str):
            return value
        return super().from_db_value(value, expression, connection)
