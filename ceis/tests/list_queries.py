"""Helpers of the list query-count tests (`*/tests/test_list_queries.py`).

Each list page is rendered with a few rows and with many (more than a page), by each role that
may open it: the first page, the last page and a deep page read in two steps must each issue
the same pinned number of queries (the deep page one more), at most MAX_QUERIES. Every request
carries six queries whatever the page: session, user, permissions (ceis.backends), roles, the
user's sites, and the session's save (one UPDATE, ceis.sessions).
"""

import re
from unittest import mock

from django.db import connection
from django.test.utils import CaptureQueriesContext

from ceis import pagination

FEW = 3
MANY = 30
PAGE_SIZE = 25
# Issue #17: every list page, for every role, at any size.
MAX_QUERIES = 12


def get_counting(client, url, params=None):
    """(number of queries, page text) of a GET that must answer 200."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200, (url, response.status_code)
    return len(queries), response.content.decode()


def rows_marked(page: str, marker: str) -> set[str]:
    """The distinct rows marked `<marker>N…` (case ignored) that the page shows."""
    return {match.lower() for match in re.findall(rf"{marker}\d+", page, re.IGNORECASE)}


def rows_shown(page: str, marker: str) -> int:
    return len(rows_marked(page, marker))


def assert_constant(
    client, url, add_rows, *, marker, expected, paginated=True, params=None, two_steps=True
):
    """Render `url` with FEW rows, then with MANY: the same pinned query count, every row shown
    (a page of them when the list is paginated). A paginated list is also read at its last page
    (the other rows, the same count) and at a deep page, read in two steps (one query more;
    `two_steps=False`: a list of distinct rows, read in one)."""
    assert expected <= MAX_QUERIES, f"{url}: {expected} queries pinned, over {MAX_QUERIES}"
    params = params or {}
    add_rows(0, FEW)
    few, page = get_counting(client, url, params)
    assert rows_shown(page, marker) == FEW, f"{url}: {rows_shown(page, marker)} rows"
    add_rows(FEW, MANY)
    many, page = get_counting(client, url, params)
    assert rows_shown(page, marker) == (min(MANY, PAGE_SIZE) if paginated else MANY)
    assert (few, many) == (expected, expected), f"{url}: {few} then {many} queries"
    if not paginated:
        return
    first = rows_marked(page, marker)
    last_count, last_page = get_counting(client, url, {**params, "page": "999"})
    last = rows_marked(last_page, marker)
    assert len(last) == MANY - PAGE_SIZE and not last & first, f"{url}: last page {last}"
    assert last_count == expected, f"{url}: {last_count} queries on the last page"
    with mock.patch.object(pagination, "DEFERRED_FROM", 0):
        deep_count, deep_page = get_counting(client, url, {**params, "page": "2"})
    assert rows_marked(deep_page, marker) == last
    deep_expected = expected + 1 if two_steps else expected
    assert deep_count == deep_expected <= MAX_QUERIES, f"{url}: {deep_count} on a deep page"
