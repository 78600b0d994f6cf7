"""The one scoping rule: `Model.objects.visible_to(user)` (security.md row 2).

Everything a programme records belongs to one site, and a user sees only the sites they belong
to (admins: every site). Each scoped model declares once, in `site_path`, the lookup from itself
to its site ("site", "session__site", "enrollment__cohort__site"…); its manager is
`SiteScopedQuerySet.as_manager()` (or a subclass adding the model's own reads). Selectors, form
querysets, filters and exports all start from `visible_to(user)`, so a forbidden row is never
read, and the page of another site's object is a 404 (`get_visible_or_404`).
"""

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.http import Http404


def site_ids(user) -> list[int]:
    """The ids of the user's sites (admins: every site), read once per request object."""
    if not user.is_authenticated:
        return []
    return [site.pk for site in user.site_list]


def _crosses_many(model, path: str) -> bool:
    """Whether the lookup `path` goes through a to-many relation (rows would repeat)."""
    for name in path.split("__"):
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            return False
        if field.many_to_many or field.one_to_many:
            return True
        model = field.related_model
        if model is None:
            return False
    return False


class SiteScopedQuerySet(models.QuerySet):
    """A queryset whose model declares `site_path`, the lookup from the model to its `Site`."""

    def visible_to(self, user):
        """The rows of the user's sites; none for an anonymous user."""
        if not user.is_authenticated:
            return self.none()
        return self.on_sites(site_ids(user))

    def on_sites(self, sites):
        """The rows that belong to one of `sites` (ids or sites), by the model's `site_path`."""
        path = self.model.site_path
        rows = self.filter(**{f"{path}__in": sites})
        # A path through a to-many relation (a person's enrollments) would repeat a row.
        return rows.distinct() if _crosses_many(self.model, path) else rows


def get_visible_or_404(queryset, message: str, **lookup):
    """The one row of an already scoped `queryset` matching `lookup`; 404 with `message`
    otherwise (another site's object, an unknown or malformed id)."""
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, ValidationError):
        raise Http404(message) from None
