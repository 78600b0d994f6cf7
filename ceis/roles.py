"""Roles are groups named by their `Role` code. Each app states, in its `perms.py`, which model
permissions each role gets, and grants them in a data migration through `grant_role_permissions`.
"""

from django.contrib.auth.management import create_permissions

from .choices import Role


def grant_role_permissions(apps, app_label: str, mapping: dict[str, list[str]]):
    """Create the role groups if needed and give them `mapping`'s codenames of `app_label`.

    Called from data migrations: permissions are normally created after migrations run, so the
    app's are created here first.
    """
    # Migration state apps hold stubs without `models_module`, which create_permissions checks.
    app_config = apps.get_app_config(app_label)
    app_config.models_module = True
    try:
        create_permissions(app_config, verbosity=0, apps=apps)
    finally:
        app_config.models_module = None
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
