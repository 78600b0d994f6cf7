"""Structured logs for production: one JSON object per line, without personal data.

Only a fixed set of record attributes is written. The `extra` that Django attaches to its
request records (the whole request, with cookies and query string) is never serialised, and
gunicorn's access records keep only the method, the path without its query string, the
status, the size and the duration: no client address, no user agent, no referer.
"""

import datetime
import json
import logging

# gunicorn's access atoms (see gunicorn.glogging.Logger.atoms) that may be written.
ACCESS_FIELDS = {"m": "method", "U": "path", "s": "status", "B": "bytes", "M": "duration_ms"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": datetime.datetime.fromtimestamp(record.created, datetime.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
        }
        if record.name == "gunicorn.access" and isinstance(record.args, dict):
            entry["message"] = "request"
            for atom, field in ACCESS_FIELDS.items():
                value = record.args.get(atom)
                if value not in (None, "-"):
                    entry[field] = _number(value) if field != "path" else value
        else:
            entry["message"] = record.getMessage()
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def _number(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return value
