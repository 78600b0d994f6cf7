"""The mediator and volunteers never reach Unis'Vers (security.md row 3). Written against the
URL configuration only, so that it holds whatever Unis'Vers contains."""

import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from ceis.choices import Role


def _unisvers_urls():
    for entry in get_resolver().url_patterns:
        if isinstance(entry, URLResolver) and entry.namespace == "unisvers":
            for pattern in entry.url_patterns:
                if not isinstance(pattern, URLPattern) or not pattern.name:
                    continue
                kwargs = {
                    name: uuid.uuid4() if "UUID" in type(conv).__name__ else "2026-01-05"
                    for name, conv in pattern.pattern.converters.items()
                }
                yield reverse(f"unisvers:{pattern.name}", kwargs=kwargs)


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.MEDIATEUR_NUMERIQUE, Role.VOLONTAIRE])
def test_no_unisvers_page_answers_the_mediator_or_a_volunteer(client_for, role):
    client = client_for(role)
    for url in _unisvers_urls():
        response = client.get(url)
        assert response.status_code in (403, 404, 405), (url, response.status_code)


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.MEDIATEUR_NUMERIQUE, Role.VOLONTAIRE])
def test_no_unisvers_entry_in_the_header_of_the_mediator_or_a_volunteer(client_for, role):
    client = client_for(role)
    response = client.get(reverse("home"))
    names = [item.url_name for item in response.context["ceis_nav"]]
    assert not [name for name in names if name.startswith("unisvers:")]
    assert "Unis&#x27;Vers" not in response.content.decode()
