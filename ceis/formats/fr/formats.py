"""French formats of the project (settings.FORMAT_MODULE_PATH), over Django's own `fr`.

What Django writes by itself — `{{ a_date }}`, `{{ a_number }}`, `|date` without a format,
a date field's value — follows the rules of docs/ux.md: dates as 01/12/2026 (a date in a
sentence is written with `date_phrase` of `{% load french %}`, for its "1er"), times as
"14 h 30", a narrow no-break space between thousands, a comma before decimals.
"""

DATE_FORMAT = "d/m/Y"
TIME_FORMAT = "G\xa0\\h\xa0i"
DATETIME_FORMAT = "d/m/Y à G\xa0\\h\xa0i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y G\xa0\\h\xa0i"
FIRST_DAY_OF_WEEK = 1  # Monday

# What a date field accepts: typed as 01/12/2026 or 1/12/26, or sent as 2026-12-01 by a
# browser's date picker.
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d"]
DATETIME_INPUT_FORMATS = [
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
]
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\u202f"  # narrow no-break space
NUMBER_GROUPING = 3
