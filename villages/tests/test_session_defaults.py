"""A new session is prefilled with its site and facilitator (issue #21)."""

import pytest
from django.urls import reverse

from ceis.choices import Role
from ceis.tests.factories import SiteFactory
from villages.tests.factories import SessionFactory

pytestmark = pytest.mark.django_db


def form_initial(client):
    return client.get(reverse("villages:session_create")).context["form"].initial


def test_a_mediator_leads_the_sessions_they_plan(client_for, site):
    client = client_for(Role.MEDIATEUR_NUMERIQUE, first_name="Karim", last_name="Benali")
    initial = form_initial(client)
    assert initial["facilitator"] == "Karim Benali"
    assert initial["site"] == site.pk  # their only site
    html = client.get(reverse("villages:session_create")).content.decode()
    assert 'value="Karim Benali"' in html


def test_the_site_is_that_of_the_last_session_the_mediator_led(client_for, site):
    other = SiteFactory(code="MOSSON", name="CEIS de la Mosson")
    client = client_for(
        Role.MEDIATEUR_NUMERIQUE, sites=[site, other], first_name="Karim", last_name="Benali"
    )
    SessionFactory(site=site, facilitator="Karim Benali")
    SessionFactory(site=other, facilitator="Karim Benali")
    SessionFactory(site=site, facilitator="Quelqu'un d'autre")
    assert form_initial(client)["site"] == other.pk


def test_an_admin_is_not_made_the_facilitator(client_for):
    initial = form_initial(client_for(Role.ADMIN, first_name="Claire", last_name="Admin"))
    assert "facilitator" not in initial
