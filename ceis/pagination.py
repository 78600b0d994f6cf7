"""Pagination of every list page (25 rows unless a view asks otherwise)."""

from django.core.paginator import Paginator
from django.db.models import OrderBy, QuerySet

PAGE_SIZE = 25
# Rows skipped beyond which a page is read in two steps (see `DeferredPaginator`).
DEFERRED_FROM = 500


def total_order(rows):
    """`rows` ordered as they were, then by primary key in the direction of the last key.

    Without a unique last key, rows that tie (namesakes, helps of the same day) may come in any
    order on each query, so a row can show on two pages and another on none; and a page read
    from the end (see `DeferredPaginator`) must be the exact mirror of the page read from the
    start. The direction follows the last key so that one index serves the whole ordering."""
    if not isinstance(rows, QuerySet):
        return rows
    query = rows.query
    ordering = list(query.order_by)
    if not ordering and query.default_ordering:
        ordering = list(rows.model._meta.ordering)
    if "?" in ordering:
        return rows
    pk_names = {"pk", rows.model._meta.pk.name}
    if any(isinstance(key, str) and key.lstrip("-") in pk_names for key in ordering):
        return rows
    last = ordering[-1] if ordering else None
    descending = (isinstance(last, str) and last.startswith("-")) or (
        isinstance(last, OrderBy) and last.descending
    )
    return rows.order_by(*ordering, "-pk" if descending else "pk")


class DeferredPaginator(Paginator):
    """Deep pages without reading every skipped row.

    - A page in the second half of the list is read from the end: the query's order is reversed
      and only the rows after the page are skipped (the last page skips none), then the page's
      rows are put back in order. The ordering is total (`total_order`), so both ways give the
      same rows.
    - When more than DEFERRED_FROM rows must still be skipped (the middle of a long list), the
      page is read in two queries: the primary keys of its rows alone (no join, no per-row
      subquery: the skipped rows cost only an index, a covering one for the long lists, see
      bench/index_explain.py), then those rows with everything the list shows. With one query,
      the database joins and computes every skipped row before dropping it."""

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        rows = self.object_list
        if not isinstance(rows, QuerySet):
            return self._get_page(rows[bottom:top], number, self)
        after = self.count - top  # rows after the page
        backwards = after < bottom
        if backwards:
            rows, start, stop = rows.reverse(), after, self.count - bottom
        else:
            start, stop = bottom, top
        if start < DEFERRED_FROM or rows.query.distinct:
            found = list(rows[start:stop])
        else:
            ids = list(rows.values_list("pk", flat=True)[start:stop])
            by_pk = {row.pk: row for row in rows.filter(pk__in=ids)}
            found = [by_pk[pk] for pk in ids if pk in by_pk]
        if backwards:
            found.reverse()
        return self._get_page(found, number, self)


def paginate(request, queryset, per_page=None):
    paginator = DeferredPaginator(total_order(queryset), per_page or PAGE_SIZE)
    return paginator.get_page(request.GET.get("page"))
