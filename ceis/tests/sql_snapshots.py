"""SQL snapshots: the text of every query of a request, pinned in a file next to the test.

A count tells that a list does not grow with its rows; only the text tells that it still reads
the user's sites (`WHERE … site_id IN (…)`). `assert_snapshot_queries` (the fixture of the
root conftest.py) records the queries of its block, normalises what changes from one run to
the next (ids, UUIDs, dates, keys, the length of `IN (…)` lists, savepoint and cursor names) and compares
them with `snapshots/<test module>/<test name>.json` beside the test, one list per database
vendor. `pytest --snapshot-update …` writes the files instead (docs/architecture.md).
"""

import json
import re
from contextlib import contextmanager
from pathlib import Path

from django.db import connection
from django.test.utils import CaptureQueriesContext

_RULES = [
    # What a write stores (a journal entry's user, time, page) is not the query: its columns are.
    (re.compile(r"\bVALUES \(.*\)( RETURNING|$)"), r"VALUES (…)\1"),
    # Savepoints are named after the thread and a counter.
    (re.compile(r'"s\d+_x\d+"'), '"<savepoint>"'),
    # PostgreSQL's server-side cursors (iterator()) are named after the thread too.
    (re.compile(r'"_django_curs_\d+_\w+?_\d+"'), '"<cursor>"'),
    # UUIDs (hex on SQLite, dashed on PostgreSQL), session keys and other random tokens.
    (re.compile(r"'[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}'"), "'<uuid>'"),
    (re.compile(r"'[0-9a-z]{32}'"), "'<key>'"),
    # Dates and times: the tests run on the day they run.
    (
        re.compile(r"'\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}(:\d{2})?)?'"),
        "'<datetime>'",
    ),
    (re.compile(r"'\d{4}-\d{2}-\d{2}'"), "'<date>'"),
    # Long texts (a session's data, a journal payload): their content is not the query.
    (re.compile(r"'(?:[^']|''){60,}'"), "'<text>'"),
    # Ids compared to a column; LIMIT and OFFSET stay, they are the page.
    (re.compile(r"(=|<>|!=|<=|>=|<|>)\s*-?\d+\b"), r"\1 <n>"),
]
# A list of ids or values, whatever its length: the scope, not the number of sites.
_IN_LIST = re.compile(r"\bIN \((?:\s*(?:'(?:[^']|'')*'|-?\d+|%s|NULL)\s*,?)+\)")


def normalize(sql: str) -> str:
    for pattern, replacement in _RULES:
        sql = pattern.sub(replacement, sql)
    return _IN_LIST.sub("IN (…)", sql)


def snapshot_path(node) -> Path:
    """`<folder of the test>/snapshots/<module>/<test name, parameters included>.json`."""
    test_file = Path(node.path)
    name = re.sub(r"[^\w.-]+", "-", node.name).strip("-")
    return test_file.parent / "snapshots" / test_file.stem / f"{name}.json"


@contextmanager
def snapshot_queries(path: Path, *, update: bool):
    """Record the queries of the block; compare them with (or write them to) `path`."""
    with CaptureQueriesContext(connection) as captured:
        yield captured
    queries = [normalize(query["sql"]) for query in captured.captured_queries]
    stored = json.loads(path.read_text()) if path.exists() else {}
    vendor = connection.vendor
    if update:
        stored[vendor] = queries
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(stored, indent=1, ensure_ascii=False, sort_keys=True) + "\n")
        return
    assert vendor in stored, f"No {vendor} SQL snapshot in {path}: run pytest --snapshot-update"
    expected = stored[vendor]
    for index, (got, want) in enumerate(zip(queries, expected, strict=False)):
        assert got == want, f"query {index + 1} of {path.name} differs:\n{got}\n!=\n{want}"
    assert len(queries) == len(expected), (
        f"{path.name}: {len(queries)} queries instead of {len(expected)}"
    )
