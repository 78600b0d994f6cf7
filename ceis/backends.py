"""Authentication backend: Django's, with a user's permissions read in one query.

Django's `ModelBackend` reads the permissions given to the user and those of the user's groups
(the roles) in two queries on every request that checks a permission: every page. One query
with both sources gives the same set (ceis/tests/test_backends.py)."""

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.db.models import Q


class PermissionBackend(ModelBackend):
    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            if user_obj.is_superuser:
                permissions = Permission.objects.all()
            else:
                given = type(user_obj).user_permissions.through.objects.filter(user=user_obj)
                by_role = Group.permissions.through.objects.filter(group__user=user_obj)
                permissions = Permission.objects.filter(
                    Q(pk__in=given.values("permission")) | Q(pk__in=by_role.values("permission"))
                )
            user_obj._perm_cache = {
                f"{app_label}.{codename}"
                for app_label, codename in permissions.values_list(
                    "content_type__app_label", "codename"
                ).order_by()
            }
        return user_obj._perm_cache
