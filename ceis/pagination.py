"""Pagination of every list page (25 rows unless a view asks otherwise)."""

from django.core.paginator import Paginator
from django.db.models import QuerySet

PAGE_SIZE = 25
# Rows skipped beyond which a page is read in two steps (see `DeferredPaginator`).
DEFERRED_FROM = 500


class DeferredPaginator(Paginator):
    """A deep page (OFFSET ≥ DEFERRED_FROM) is read in two queries: the primary keys of its rows
    alone (no join, no per-row subquery: the skipped rows cost only an index or a sort), then
    those rows with everything the list shows. With one query, the database joins and computes
    every skipped row before dropping it: seconds at the last page of 500,000 rows."""

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        rows = self.object_list
        if bottom < DEFERRED_FROM or not isinstance(rows, QuerySet) or rows.query.distinct:
            return self._get_page(rows[bottom:top], number, self)
        ids = list(rows.values_list("pk", flat=True)[bottom:top])
        found = {row.pk: row for row in rows.filter(pk__in=ids)}
        return self._get_page([found[pk] for pk in ids if pk in found], number, self)


def paginate(request, queryset, per_page=PAGE_SIZE):
    return DeferredPaginator(queryset, per_page).get_page(request.GET.get("page"))
