"""The manager compares the dashboard with the year before (issue #18): each key figure beside
its value a year earlier and the change; the README's screenshot of it."""

import datetime

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from ceis.choices import Role
from villages.tests.factories import IndividualHelpFactory, VisitFactory

from .conftest import DOCS_IMG, assert_no_axe_violations, sign_in

pytestmark = pytest.mark.browser


def test_the_manager_compares_the_year_with_the_year_before(page, make_user, site):
    manager = make_user(Role.MANAGER, first_name="Claire", last_name="Manager")
    this_year = datetime.date.today().year
    for year, helps, visits in ((this_year - 1, 4, 10), (this_year, 6, 15)):
        for _ in range(helps):
            IndividualHelpFactory(site=site, date=datetime.date(year, 1, 12))
        for _ in range(visits):
            VisitFactory(site=site, date=datetime.date(year, 1, 13))
    sign_in(page, manager)
    page.goto(f"{reverse('reporting:dashboard')}?preset=this_year&comparer=1")
    table = page.get_by_role("table").filter(has=page.get_by_text("Un an plus tôt"))
    expect(table).to_be_visible(timeout=60_000)
    helps = table.get_by_role("row").filter(has_text="ccompagnements individuels")
    expect(helps).to_contain_text("6")
    expect(helps).to_contain_text("4")
    expect(helps).to_contain_text("+50 %")
    assert_no_axe_violations(page, "tableau de bord comparé")
    DOCS_IMG.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(DOCS_IMG / "tableau-de-bord-compare.png"), full_page=True)
