"""Pagination of every list page (25 rows unless a view asks otherwise)."""

from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Paginator
from django.db import models
from django.db.models import F, OrderBy, QuerySet, Value
from django.db.models.functions import Concat

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


def sorted_apart(rows):
    """`rows` in the same order, its first key, a text field, read through an expression
    (the text followed by an empty text) that no index provides.

    A list ordered by an indexed key (the persons by name) is read by walking that index in
    order and dropping the rows the filters do not keep, until a page is full. When the kept
    rows sit together in that order, PostgreSQL's planner, which takes them as spread evenly,
    misjudges it: searching « Picard » among all the sites' 200,000 persons at 100× walked
    108,000 names before the first « Picard » (84 ms, where the matching rows are found by the
    trigram index and sorted in 7 ms). The same order through an expression leaves the planner
    one way: find the kept rows, then sort them. Worth it for a few thousand rows at most
    (`DeferredPaginator`'s `sort_kept_up_to`); for many kept rows the walk is the faster one.
    Concatenating an empty text keeps the value and its collation, so the order is the same."""
    if not isinstance(rows, QuerySet):
        return rows
    ordering = list(rows.query.order_by)
    if not ordering and rows.query.default_ordering:
        ordering = list(rows.model._meta.ordering)
    if not ordering or not isinstance(ordering[0], str):
        return rows
    name = ordering[0].lstrip("-")
    try:
        field = rows.model._meta.get_field(name)
    except FieldDoesNotExist:  # a related lookup or an annotation: left as it is
        return rows
    if not isinstance(field, models.CharField | models.TextField):
        return rows
    text = Concat(F(name), Value(""), output_field=models.TextField())
    first = text.desc() if ordering[0].startswith("-") else text.asc()
    return rows.order_by(first, *ordering[1:])


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
      the database joins and computes every skipped row before dropping it.
    - With `sort_kept_up_to` (a search), when the filters keep at most that many rows, they are
      sorted rather than read by walking the index of the list's order (`sorted_apart`)."""

    def __init__(self, *args, sort_kept_up_to: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.sort_kept_up_to = sort_kept_up_to

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        rows = self.object_list
        if not isinstance(rows, QuerySet):
            return self._get_page(rows[bottom:top], number, self)
        if self.sort_kept_up_to is not None and self.count <= self.sort_kept_up_to:
            rows = sorted_apart(rows)
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


def paginate(request, queryset, per_page=None, *, sort_kept_up_to=None):
    paginator = DeferredPaginator(
        total_order(queryset), per_page or PAGE_SIZE, sort_kept_up_to=sort_kept_up_to
    )
    return paginator.get_page(request.GET.get("page"))
