"""Passwords are hashed with Argon2id (OWASP's parameters); older hashes are upgraded at login."""

import pytest
from django.contrib.auth.hashers import check_password, identify_hasher, make_password
from django.urls import reverse

from ceis.choices import Role
from ceis.settings import base

PASSWORD = "phrase-de-passe-2026"
ARGON2_OWASP = "argon2$argon2id$v=19$m=19456,t=2,p=1$"


@pytest.fixture
def production_hashers(settings):
    """The hashers of every real installation (the test settings use a fast MD5 hasher)."""
    settings.PASSWORD_HASHERS = base.PASSWORD_HASHERS


def test_argon2_is_the_first_hasher(production_hashers):
    encoded = make_password(PASSWORD)
    assert encoded.startswith(ARGON2_OWASP)
    assert check_password(PASSWORD, encoded)
    assert not check_password("autre-phrase-2026", encoded)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "old_hasher", ["pbkdf2_sha256", "argon2"], ids=["pbkdf2", "argon2-django-defaults"]
)
def test_an_older_hash_is_rewritten_with_argon2_at_login(
    client, make_user, production_hashers, settings, old_hasher
):
    """A PBKDF2 hash (every account before this change), or an Argon2 hash with Django's heavier
    parameters, still logs in, and is replaced by the Argon2id hash of OWASP's parameters."""
    user = make_user(Role.MEDIATEUR_NUMERIQUE, username="karim")
    if old_hasher == "argon2":
        settings.PASSWORD_HASHERS = [
            "django.contrib.auth.hashers.Argon2PasswordHasher",
            *base.PASSWORD_HASHERS,
        ]
    user.password = make_password(PASSWORD, hasher=old_hasher)
    user.save(update_fields=["password"])
    old = user.password
    settings.PASSWORD_HASHERS = base.PASSWORD_HASHERS

    refused = client.post(reverse("login"), {"username": "karim", "password": "mauvaise-2026"})
    assert refused.status_code == 200
    user.refresh_from_db()
    assert user.password == old  # a wrong password changes nothing

    login = client.post(reverse("login"), {"username": "karim", "password": PASSWORD})
    assert login.status_code == 302
    assert login["Location"] == reverse("home")
    user.refresh_from_db()
    assert user.password.startswith(ARGON2_OWASP)
    assert identify_hasher(user.password).algorithm == "argon2"
    assert check_password(PASSWORD, user.password)
