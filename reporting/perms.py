"""Who may see dashboards and prepare bilans: managers and admins (aggregates only)."""

from ceis.choices import Role

ROLE_PERMISSIONS = {
    Role.MANAGER: [
        "view_bilandocument",
        "add_bilandocument",
        "change_bilandocument",
        "view_bilanversion",
        "add_bilanversion",
        "change_bilanversion",
    ],
    Role.ADMIN: [
        "view_bilandocument",
        "add_bilandocument",
        "change_bilandocument",
        "delete_bilandocument",
        "view_bilanversion",
        "add_bilanversion",
        "change_bilanversion",
    ],
}


def can_view_reporting(user) -> bool:
    return user.has_perm("reporting.view_bilandocument")


def can_prepare_bilan(user) -> bool:
    return user.has_perm("reporting.add_bilandocument")


def can_publish_bilan(user) -> bool:
    """Marking a version "publiée" freezes it for good: managers and admins."""
    return user.has_perm("reporting.change_bilanversion")


def can_see_all_sites_bilan(user) -> bool:
    """An all-sites bilan aggregates every site: only admins and users of every site may open
    one or ask for one (the documents' list and the period form both ask here)."""
    from ceis.models import Site

    if user.is_ceis_admin:
        return True
    own = [site.pk for site in user.site_list]
    return bool(own) and not Site.objects.exclude(pk__in=own).exists()
