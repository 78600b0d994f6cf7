"""Read a form from a rendered page and post it as a browser would (test helper).

The double-submit tests fill the real form the page drew — its hidden token included — rather
than a hand-written dict, so that a form whose template lost `{% submission_token %}` fails.
"""

from html.parser import HTMLParser

from ceis.submissions import FIELD

SKIPPED_INPUTS = {"submit", "button", "reset", "file", "image"}


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []
        self._form = None
        self._select = None
        self._option = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._form = {
                "action": attrs.get("action") or "",
                "method": (attrs.get("method") or "get").lower(),
                "fields": [],
            }
        elif self._form is None:
            return
        elif tag == "input" and attrs.get("name"):
            kind = (attrs.get("type") or "text").lower()
            if kind in SKIPPED_INPUTS:
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            default = "on" if kind in ("checkbox", "radio") else ""
            self._form["fields"].append((attrs["name"], attrs.get("value", default) or ""))
        elif tag == "select" and attrs.get("name"):
            self._select = {"name": attrs["name"], "first": None, "selected": []}
        elif tag == "option" and self._select is not None:
            value = attrs.get("value")
            if self._select["first"] is None:
                self._select["first"] = value or ""
            if "selected" in attrs:
                self._select["selected"].append(value or "")
        elif tag == "textarea" and attrs.get("name"):
            self._textarea = [attrs["name"], ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if self._form is None:
            return
        if tag == "select" and self._select is not None:
            values = self._select["selected"] or [self._select["first"] or ""]
            self._form["fields"].extend((self._select["name"], v) for v in values)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self._form["fields"].append((self._textarea[0], self._textarea[1].lstrip("\n")))
            self._textarea = None
        elif tag == "form":
            self.forms.append(self._form)
            self._form = None


def post_forms(html: str) -> list[dict]:
    parser = _FormParser()
    parser.feed(html)
    return [form for form in parser.forms if form["method"] == "post"]


def form_data(html: str, *, action: str, overrides: dict | None = None) -> dict:
    """The fields of the post form of `html` that sends to `action` ("" = the page itself),
    with `overrides` (a value of None removes the field). Fails if the form has no token."""
    forms = [f for f in post_forms(html) if f["action"] == action]
    assert forms, f"no post form to {action!r} on the page"
    data: dict[str, list[str]] = {}
    for name, value in forms[0]["fields"]:
        data.setdefault(name, []).append(value)
    assert FIELD in data, f"the form to {action!r} carries no submission token"
    for name, value in (overrides or {}).items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value if isinstance(value, list) else [value]
    return data
