"""Who may see an all-sites bilan: one rule (`can_see_all_sites_bilan`), read by the list of
bilans and by the period form alike."""

from ceis.choices import Role
from reporting.forms import PeriodForm
from reporting.models import BilanDocument
from reporting.perms import can_see_all_sites_bilan
from reporting.selectors import bilan_documents_visible_to
from reporting.tests.helpers import D


def _all_sites_bilan(user):
    return BilanDocument.objects.create(
        title="Bilan",
        date_from=D(2026, 1, 1),
        date_to=D(2026, 12, 31),
        publication_date=D(2027, 1, 15),
        site=None,
        created_by=user,
    )


def test_admins_and_users_of_every_site_may_see_an_all_sites_bilan(make_user, site, other_site):
    admin = make_user(Role.ADMIN, sites=[])
    everywhere = make_user(Role.MANAGER, sites=[site, other_site])
    one_site = make_user(Role.MANAGER, sites=[site])
    nowhere = make_user(Role.MANAGER, sites=[])
    document = _all_sites_bilan(admin)
    for user, allowed in [(admin, True), (everywhere, True), (one_site, False), (nowhere, False)]:
        assert can_see_all_sites_bilan(user) is allowed
        assert (document in bilan_documents_visible_to(user)) is allowed
        assert PeriodForm(user=user).all_sites_allowed is allowed
