"""Roles are groups named by their `Role` code. Each app states, in its `perms.py`, which model
permissions each role gets, and grants them in a data migration through `grant_role_permissions`.
"""

from importlib import import_module

from django.contrib.auth.management import create_permissions

from .choices import Role
from .hooks import PROGRAMMES


def grant_role_permissions(apps, app_label: str, mapping: dict[str, list[str]]):
    """Create the role groups if needed and give them `mapping`'s codenames of `app_label`.

    Called from data migrations: permissions are normally created after migrations run, so the
    app's are created here first.
    """
    # Migration state apps hold stubs without `models_module`, which create_permissions checks.
    app_config = apps.get_app_config(app_label)
    if getattr(app_config, "models_module", None) is None:
        app_config.models_module = True
        try:
            create_permissions(app_config, verbosity=0, apps=apps)
        finally:
            app_config.models_module = None
    else:
        create_permissions(app_config, verbosity=0, apps=apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role in Role.values:
        group, _ = Group.objects.get_or_create(name=role)
        codenames = mapping.get(role, [])
        perms = Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
        missing = set(codenames) - set(perms.values_list("codename", flat=True))
        if missing:
            raise LookupError(f"Permissions inconnues pour {app_label}: {sorted(missing)}")
        group.permissions.add(*perms)


def sync_all_role_groups():
    """Re-create every role group with the permissions that each app's `perms.py` declares.

    The data migrations do this once; tests that flush the database (transactional tests,
    such as those with a live worker) call it to get the groups back.
    """
    from django.apps import apps as global_apps

    for app_label in ("ceis", *PROGRAMMES):
        module = import_module(f"{app_label}.perms")
        grant_role_permissions(global_apps, app_label, module.ROLE_PERMISSIONS)
