"""Cells of files meant for spreadsheets never carry a live formula (security.md row 22).

A spreadsheet runs a cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return
(`=HYPERLINK(…)`, `=cmd|…`). Such a text is written with a leading apostrophe, the spreadsheets'
own "this is text" mark; a text that really starts with an apostrophe gets a second one, so
`restore_cell()` is the exact inverse and the data package's round trip stays exact.
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MARK = "'"


def neutralise_cell(value: str) -> str:
    """The text as written in a CSV or XLSX cell."""
    if value.startswith((*FORMULA_STARTS, MARK)):
        return MARK + value
    return value


def restore_cell(value: str) -> str:
    """The text written by `neutralise_cell()`. An apostrophe followed by anything else is kept:
    a file written by another tool stays as it was typed."""
    if value.startswith(MARK) and value[1:].startswith((*FORMULA_STARTS, MARK)):
        return value[1:]
    return value
