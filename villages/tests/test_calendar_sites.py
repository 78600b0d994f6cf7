"""The week and month calendars of a user of several sites: every site, or one chosen site; an
administrator of many sites starts on their first site (a month of every site is megabytes)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from ceis.choices import Role
from ceis.tests.factories import SiteFactory
from villages.views import CALENDAR_ALL_SITES_MAX

from .factories import SessionFactory

pytestmark = pytest.mark.django_db


def _titles(page: str, titles) -> set[str]:
    return {title for title in titles if title in page}


@pytest.mark.parametrize("view", ["villages:session_week", "villages:session_month"])
def test_a_user_of_two_sites_sees_both_then_the_one_chosen(client_for, site, other_site, view):
    client = client_for(Role.MEDIATEUR_NUMERIQUE, sites=[site, other_site])
    SessionFactory(site=site, today=True, workshop__title="Atelier ici")
    SessionFactory(site=other_site, today=True, workshop__title="Atelier là-bas")
    titles = {"Atelier ici", "Atelier là-bas"}

    page = client.get(reverse(view)).content.decode()
    assert _titles(page, titles) == titles
    assert '<option value="tous" selected>Tous les sites</option>' in page

    page = client.get(reverse(view), {"site": other_site.pk}).content.decode()
    assert _titles(page, titles) == {"Atelier là-bas"}
    # Previous and next keep the chosen site.
    assert f"&amp;site={other_site.pk}" in page


def test_a_site_outside_the_users_sites_shows_nothing_of_it(client_for, site, other_site):
    client = client_for(Role.MEDIATEUR_NUMERIQUE, sites=[site])
    SessionFactory(site=other_site, today=True, workshop__title="Atelier là-bas")
    page = client.get(reverse("villages:session_week"), {"site": other_site.pk}).content
    assert "Atelier là-bas" not in page.decode()


def test_an_admin_of_many_sites_starts_on_the_first_and_may_ask_for_all(client_for):
    created = [SiteFactory(code=f"S{i:02}") for i in range(CALENDAR_ALL_SITES_MAX + 1)]
    client = client_for(Role.ADMIN, sites=created)
    sites = client.user.site_list  # an admin works for every site
    assert len(sites) > CALENDAR_ALL_SITES_MAX
    first = sites[0]
    for index, site in enumerate(sites):
        SessionFactory(site=site, today=True, workshop__title=f"Atelier {index:02}")
    titles = {f"Atelier {index:02}" for index in range(len(sites))}
    month = timezone.localdate().strftime("%Y-%m")

    page = client.get(reverse("villages:session_month"), {"mois": month}).content.decode()
    shown = _titles(page, titles)
    assert len(shown) == 1
    assert SessionFactory._meta.model.objects.get(workshop__title=shown.pop()).site == first

    page = client.get(reverse("villages:session_month"), {"mois": month, "site": "tous"})
    assert _titles(page.content.decode(), titles) == titles
