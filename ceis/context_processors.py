from django.conf import settings

from . import perms
from .navigation import nav_bar, nav_items


def ceis(request):
    """What the layout needs on every page: the organisation, the user's role and navigation."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"ceis_organisation": settings.CEIS_ORGANISATION_NAME}
    items = nav_items(user)
    return {
        "ceis_organisation": settings.CEIS_ORGANISATION_NAME,
        "ceis_role": user.primary_role,
        "ceis_sites": user.site_list if len(user.site_list) <= 3 else [],
        # The person search of the header and the home page opens the directory of persons:
        # not for volunteers (security.md row 18).
        "ceis_can_view_persons": perms.can_view_person_file(user),
        "ceis_person_file": perms.can_view_person_file(user),
        "ceis_can_add_person": perms.can_add_person(user),
        "ceis_nav": items,
        "ceis_nav_bar": nav_bar(items),
    }
