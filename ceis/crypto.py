"""Encryption of free-text notes at rest (security.md row 10).

Keys come from `CEIS_FIELD_ENCRYPTION_KEYS` (Fernet keys, newest first): the first key encrypts,
every key decrypts, so a new key can be put in front and the old ones kept until
`manage.py reencrypt_notes --wet-run` has rewritten every note under the new one.
"""

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def _fernet() -> MultiFernet:
    keys = list(settings.CEIS_FIELD_ENCRYPTION_KEYS)
    if not keys:
        raise ImproperlyConfigured("Set the CEIS_FIELD_ENCRYPTION_KEYS environment variable")
    return MultiFernet([Fernet(key.encode() if isinstance(key, str) else key) for key in keys])


def encrypt(text: str) -> str:
    return _fernet().encrypt(text.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise ImproperlyConfigured(
            "Une note chiffrée ne peut pas être lue : la clé qui l'a chiffrée n'est plus dans "
            "CEIS_FIELD_ENCRYPTION_KEYS."
        ) from None


def rotate(token: str) -> str:
    """The same text encrypted under the newest key."""
    return _fernet().rotate(token.encode()).decode()


def generate_key() -> str:
    return Fernet.generate_key().decode()
