"""Permissions read in one query, the same as Django's two (given to the user, and by role)."""

import pytest
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission

from ceis.backends import PermissionBackend
from ceis.choices import Role
from ceis.models import User

pytestmark = pytest.mark.django_db


def _fresh(user):
    return User.objects.get(pk=user.pk)


@pytest.mark.parametrize("role", [*Role.values, None])
def test_the_same_permissions_as_django_in_one_query(make_user, role, django_assert_num_queries):
    user = make_user(role)
    # A permission given to the user directly, beside the role's.
    user.user_permissions.add(Permission.objects.get(codename="view_journalentry"))
    expected = ModelBackend().get_all_permissions(_fresh(user))
    assert "ceis.view_journalentry" in expected
    fresh = _fresh(user)
    with django_assert_num_queries(1):
        found = PermissionBackend().get_all_permissions(fresh)
        assert PermissionBackend().has_perm(fresh, "ceis.view_journalentry")
    assert found == expected


def test_a_mediator_has_the_mediators_permissions_only(make_user):
    mediator = _fresh(make_user(Role.MEDIATEUR_NUMERIQUE))
    backend = PermissionBackend()
    assert backend.has_perm(mediator, "villages.view_individualhelp")
    assert not backend.has_perm(mediator, "unisvers.view_followup")


def test_an_inactive_user_or_a_superuser(make_user):
    inactive = make_user(Role.ADMIN, is_active=False)
    assert PermissionBackend().get_all_permissions(_fresh(inactive)) == set()
    superuser = make_user(None, is_superuser=True)
    assert len(PermissionBackend().get_all_permissions(_fresh(superuser))) == (
        Permission.objects.count()
    )
