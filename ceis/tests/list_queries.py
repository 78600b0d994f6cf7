"""Helpers of the list query-count tests (`*/tests/test_list_queries.py`).

Each list page is rendered twice, once with a few rows and once with many (more than a page),
by each role that may open it; both renders must issue exactly the same, pinned number of
queries. Every request carries eight of them whatever the page: session, user, the two
permission reads, the roles, and the session save (SESSION_SAVE_EVERY_REQUEST) with its
transaction (SAVEPOINT/RELEASE here, BEGIN/COMMIT in production: the same count, as
`bench/list_bench.py` shows on PostgreSQL).
"""

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

FEW = 3
MANY = 30
PAGE_SIZE = 25


def get_counting(client, url, params=None):
    """(number of queries, page text) of a GET that must answer 200."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200, (url, response.status_code)
    return len(queries), response.content.decode()


def rows_shown(page: str, marker: str) -> int:
    """How many distinct rows marked `<marker>N…` (case ignored) the page shows."""
    return len({match.lower() for match in re.findall(rf"{marker}\d+", page, re.IGNORECASE)})


def assert_constant(client, url, add_rows, *, marker, expected, paginated=True, params=None):
    """Render `url` with FEW rows, then with MANY: same pinned query count, every row shown
    (a page of them when the list is paginated)."""
    add_rows(0, FEW)
    few, page = get_counting(client, url, params)
    assert rows_shown(page, marker) == FEW, f"{url}: {rows_shown(page, marker)} rows"
    add_rows(FEW, MANY)
    many, page = get_counting(client, url, params)
    assert rows_shown(page, marker) == (min(MANY, PAGE_SIZE) if paginated else MANY)
    assert (few, many) == (expected, expected), f"{url}: {few} then {many} queries"
