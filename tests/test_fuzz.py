"""Every URL with extreme and malformed input answers without a server error (security.md row
20, issue #15).

The URLs come from the URL configuration (`walk_urls()`, objects from `OBJECT_KWARGS`), so a
URL added later is covered without editing this file. For each URL and each role that may open
it:
- the query parameters the view reads are found by recording what it reads from `request.GET`
  and `request.POST` (plus the fields of the forms of its page and a list of usual names);
- the role with the most fields sends every parameter and every field of its forms with each
  extreme value of its kind (dates at year 1 and 9999, huge and negative numbers, NUL and
  control characters, 10,000-character text, wrong types), the values rotated between fields so
  that a URL costs as many requests as the longest list of values, over a filled-in form;
- then values the forms accept at their edges (every date from 1900 to five years ahead: the
  longest period or cohort; 10,000-character texts; large numbers), over the filled-in form, so
  that they reach the services;
- every other role sends a few values in every parameter and field at once.
No answer may be a 5xx. The number of requests is printed ("fuzz: N cas").
"""

import datetime
import traceback
from html.parser import HTMLParser

import pytest
from django.core.handlers.wsgi import WSGIRequest
from django.core.signals import got_request_exception
from django.db import transaction
from django.http import QueryDict
from django.test import Client
from django.urls import reverse

from ceis.bounds import date_max
from ceis.choices import Role
from ceis.tests.factories import SiteFactory, UserFactory
from tests.security_world import (
    ROLES,
    build_world,
    is_admin_url,
    remove_world_files,
    url_kwargs,
    walk_urls,
)

# Usual names of GET parameters, tried on every URL in addition to those a view was seen to read.
KNOWN_PARAMS = (
    "semaine",
    "mois",
    "date",
    "debut",
    "fin",
    "page",
    "q",
    "site",
    "periode",
    "preset",
    "date_from",
    "date_to",
)
# Django's admin answers a 500 to an empty `?_to_field=` (its own code, superusers only): left
# out here, reported as Django's.
IGNORED_PARAMS = {"_fuzz", "_to_field"}
START_NAMES = {"date_from", "debut", "start_date", "date", "first_day", "start"}

LATEST = date_max()
TOO_LATE = LATEST + datetime.timedelta(days=1)
LONG_TEXT = "x" * 10_000
HUGE = "99999999999999999999999999"
DATES = ["0001-01-01", "9999-12-31", "1899-12-31", TOO_LATE.isoformat(), "2026-02-30", "abc"]
DATETIMES = ["0001-01-01T00:00", "9999-12-31T23:59", f"{TOO_LATE}T10:00", "abc"]
NUMBERS = ["-1", "0", HUGE, "1e400", "NaN", "²", "abc"]
TEXTS = ["\x00", "a\x00b", "ligne\x1b[31mcontrôle", LONG_TEXT, ""]
WRONG_TYPES = [HUGE, "\x00", "", "-1", "²"]
# For a parameter of unknown kind (read by a view, not shown in a form).
ANY = [
    "0001-01-01",
    "9999-12-31",
    TOO_LATE.isoformat(),
    "9999-12",
    "0001-01",
    "-1",
    HUGE,
    "1e400",
    "\x00",
    LONG_TEXT,
    "[]",
    "",
]
# What the other roles send in every parameter and field at once.
SHORT = ["0001-01-01", HUGE, "\x00", LONG_TEXT]
VALUES_BY_KIND = {
    "date": DATES,
    "datetime-local": DATETIMES,
    "time": ["25:61", "\x00", ""],
    "number": NUMBERS,
    "text": TEXTS,
    "choice": WRONG_TYPES,
    "any": ANY,
}
TEXT_KINDS = {"text", "search", "email", "tel", "password", "url", "textarea"}

SUPERUSER = "superutilisateur"

URLS = walk_urls()
NAMES = sorted(URLS)

CASES = {"count": 0}


# Recording what a view reads --------------------------------------------------------------------


class RecordingQueryDict(QueryDict):
    """A QueryDict that notes every key a view asks for (while `recorded` is a set)."""

    recorded = None

    def _note(self, key):
        if RecordingQueryDict.recorded is not None and isinstance(key, str):
            RecordingQueryDict.recorded.add(key)

    def __getitem__(self, key):
        self._note(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        self._note(key)
        return super().__contains__(key)

    def get(self, key, default=None):
        self._note(key)
        return super().get(key, default)

    def getlist(self, key, default=None):
        self._note(key)
        return super().getlist(key, default)


@pytest.fixture(scope="module")
def recording():
    """`request.GET` and `request.POST` as recording dicts for the module (restored after)."""
    get_descriptor = WSGIRequest.__dict__["GET"]
    post_descriptor = WSGIRequest.__dict__["POST"]

    def read_get(request):
        if "_fuzz_get" not in request.__dict__:
            data = get_descriptor.func(request)
            data.__class__ = RecordingQueryDict
            request.__dict__["_fuzz_get"] = data
        return request.__dict__["_fuzz_get"]

    def set_get(request, value):
        request.__dict__["_fuzz_get"] = value

    def read_post(request):
        data = post_descriptor.fget(request)
        if type(data) is QueryDict:
            data.__class__ = RecordingQueryDict
        return data

    WSGIRequest.GET = property(read_get, set_get)
    WSGIRequest.POST = property(read_post, post_descriptor.fset)
    yield
    WSGIRequest.GET = get_descriptor
    WSGIRequest.POST = post_descriptor


# The forms of a page ----------------------------------------------------------------------------


class FormFields(HTMLParser):
    """The fields of a page's forms: name → (kind, current value, choices), by form method."""

    def __init__(self):
        super().__init__()
        self.fields = {"get": {}, "post": {}}
        self.method = None
        self.select = None
        self.textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.method = (attrs.get("method") or "get").lower()
            return
        if self.method not in self.fields:
            return
        fields = self.fields[self.method]
        name = attrs.get("name")
        if tag == "input" and name and name != "csrfmiddlewaretoken":
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            value = attrs.get("value", "on" if kind in ("checkbox", "radio") else "")
            if kind in ("checkbox", "radio"):
                entry = fields.setdefault(name, ["choice", [], []])
                entry[2].append(value)
                if "checked" in attrs:
                    entry[1].append(value)
            else:
                kind = "text" if kind in TEXT_KINDS or kind == "hidden" else kind
                fields[name] = [kind, [value] if value else [], []]
        elif tag == "select" and name:
            self.select = fields.setdefault(name, ["choice", [], []])
        elif tag == "option" and self.select is not None:
            value = attrs.get("value", "")
            self.select[2].append(value)
            if "selected" in attrs:
                self.select[1].append(value)
        elif tag == "textarea" and name:
            self.textarea = fields[name] = ["text", [], []]

    def handle_data(self, data):
        if self.textarea is not None and data.strip():
            self.textarea[1] = [data.strip("\n")]

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None
        elif tag == "form":
            self.method = None


def page_fields(response) -> dict:
    if "html" not in response.get("Content-Type", ""):
        return {"get": {}, "post": {}}
    parser = FormFields()
    parser.feed(response.content.decode(errors="replace"))
    return parser.fields


def filled(fields: dict) -> dict:
    """The form as a user would send it: what the page shows, required gaps filled in."""
    data = {}
    for name, (kind, values, choices) in fields.items():
        if values:
            data[name] = values
        elif kind == "choice" and choices:
            data[name] = [next((c for c in choices if c), choices[0])]
        elif kind == "date":
            data[name] = [datetime.date.today().isoformat()]
        elif kind == "datetime-local":
            data[name] = [f"{datetime.date.today()}T14:00"]
        elif kind == "time":
            data[name] = ["14:00"]
        elif kind == "number":
            data[name] = ["1"]
        else:
            data[name] = ["Essai"]
    return data


# The requests -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        built = build_world(SiteFactory(code="CEIS"), SiteFactory(code="AUTRE"))
        # Django's admin opens to superusers only.
        built.users[SUPERUSER] = UserFactory(
            role=Role.ADMIN,
            sites=[built.own_site],
            username="fuzz-superuser",
            is_staff=True,
            is_superuser=True,
        )
        yield built
        transaction.set_rollback(True)
    remove_world_files(built)


@pytest.fixture(scope="module", autouse=True)
def print_count(request):
    """The number of requests sent, shown even when pytest captures the output."""
    yield
    capture = request.config.pluginmanager.getplugin("capturemanager")
    with capture.global_and_fixture_disabled():
        print(f"\nfuzz: {CASES['count']} cas")


class Fuzzer:
    def __init__(self, world, url):
        self.client = Client(raise_request_exception=False)
        self.url = url
        self.world = world
        self.errors = []
        self.last_exception = None
        got_request_exception.connect(self._exception, weak=False, dispatch_uid="fuzz")

    def _exception(self, sender, request=None, **kwargs):
        self.last_exception = traceback.format_exc(limit=-3)

    def close(self):
        got_request_exception.disconnect(dispatch_uid="fuzz")

    def login(self, role):
        self.client.force_login(self.world.users[role])

    def send(self, method, data, label):
        CASES["count"] += 1
        self.last_exception = None
        sid = transaction.savepoint()
        try:
            response = getattr(self.client, method)(self.url, data)
        finally:
            transaction.savepoint_rollback(sid)
        if response.status_code >= 500:
            self.errors.append(
                f"{method.upper()} {self.url} {label} → {response.status_code}\n"
                f"{self.last_exception or ''}"
            )
        return response


def _values(kind):
    return VALUES_BY_KIND.get(kind, VALUES_BY_KIND["any"])


def _widest(names, base=None) -> dict:
    """Dates from 1900 (the start-like names) to five years ahead (the others): the longest
    period or cohort the bounds allow."""
    data = dict(base or {})
    for name in names:
        data[name] = "1900-01-01" if name in START_NAMES else LATEST.isoformat()
    if "preset" in data or "preset" in names:
        data["preset"] = "custom"
    return data


def _date_like(names) -> list:
    return [name for name in names if name in START_NAMES or "date" in name or name == "fin"]


def _discover(fuzzer, role):
    """What the page shows and what the view reads, for one role (None: the role may not)."""
    fuzzer.login(role)
    RecordingQueryDict.recorded = set()
    get = fuzzer.send("get", {"_fuzz": "1"}, "découverte")
    get_keys = RecordingQueryDict.recorded
    RecordingQueryDict.recorded = set()
    post = fuzzer.send("post", {"_fuzz": "1"}, "découverte")
    post_keys = RecordingQueryDict.recorded
    RecordingQueryDict.recorded = None
    allowed_get = get.status_code not in (403, 404, 405, 429)
    allowed_post = post.status_code not in (403, 404, 405, 429)
    if not (allowed_get or allowed_post):
        return None
    fields = page_fields(get) if allowed_get else {"get": {}, "post": {}}
    get_params = {}
    if allowed_get:
        get_params = {
            name: "any" for name in (*KNOWN_PARAMS, *get_keys) if name not in IGNORED_PARAMS
        }
        get_params.update({name: f[0] for name, f in fields["get"].items()})
        # Dates the view reads without showing them in a form (a download's period).
        for name in _date_like(get_keys):
            fields["get"].setdefault(name, ["date", [], []])
    post_fields = {}
    if allowed_post:
        post_fields = dict(fields["post"])
        for name in post_keys - IGNORED_PARAMS - set(post_fields):
            post_fields[name] = ["any", [], []]
    return get_params, fields["get"], post_fields


def _rotation(kinds: dict) -> list[dict]:
    """Requests in which every parameter takes each value of its kind once, the values shifted
    from one parameter to the next: as many requests as the longest list of values, not one per
    parameter and value."""
    names = sorted(kinds)
    lists = [_values(kinds[name]) for name in names]
    rounds = max((len(values) for values in lists), default=0)
    return [
        {
            name: values[(i + j) % len(values)]
            for j, (name, values) in enumerate(zip(names, lists, strict=True))
        }
        for i in range(rounds)
    ]


def _edges(fields: dict, base: dict) -> list[tuple[str, dict]]:
    """A filled-in form with dates at the edges, and values the form accepts at its edges (these
    reach the service)."""
    dates = [name for name, field in fields.items() if field[0] == "date"]
    numbers = [name for name, field in fields.items() if field[0] == "number"]
    texts = [name for name, field in fields.items() if field[0] == "text"]
    cases = []
    if dates:
        first = [name for name in dates if name in START_NAMES] or dates[:1]
        for low, high in (("0001-01-01", "9999-12-31"), ("1900-01-01", "9999-12-31")):
            data = {**base, **dict.fromkeys(dates, high), **dict.fromkeys(first, low)}
            cases.append((f"dates de {low} à {high}", _widest([], data)))
        cases += [
            ("dates les plus éloignées", _widest(dates, base)),
            ("dates au 1er janvier 1900", {**base, **dict.fromkeys(dates, "1900-01-01")}),
            ("dates à 5 ans", {**base, **dict.fromkeys(dates, LATEST.isoformat())}),
        ]
    if numbers:
        cases.append(("nombres très grands", {**base, **dict.fromkeys(numbers, "2147483647")}))
    if texts:
        cases.append(("textes de 10 000 caractères", {**base, **dict.fromkeys(texts, LONG_TEXT)}))
    return cases


def _fuzz_each_value(fuzzer, get_params, get_fields, post_fields):
    for data in _rotation(get_params):
        fuzzer.send("get", data, repr({k: v[:20] for k, v in data.items()}))
    base = {**filled(get_fields), **({"preset": "custom"} if "preset" in get_params else {})}
    for label, data in _edges(get_fields, base):
        fuzzer.send("get", data, label)
    if not post_fields:
        return
    base = filled(post_fields)
    kinds = {name: field[0] for name, field in post_fields.items()}
    for data in _rotation(kinds):
        fuzzer.send("post", {**base, **data}, repr({k: v[:20] for k, v in data.items()}))
    for label, data in _edges(post_fields, base):
        fuzzer.send("post", data, label)
    fuzzer.send("post", {**base, **{name: ["a", "b"] for name in post_fields}}, "champs répétés")


def _fuzz_all_at_once(fuzzer, get_params, _get_fields, post_fields):
    for value in SHORT:
        if get_params:
            fuzzer.send("get", dict.fromkeys(get_params, value), f"tout={value[:20]!r}")
        if post_fields:
            fuzzer.send("post", dict.fromkeys(post_fields, value), f"tout={value[:20]!r}")


@pytest.mark.django_db
@pytest.mark.parametrize("name", NAMES)
def test_no_server_error(world, recording, name):
    """Extreme values in every parameter and field of the URL, as every role that may open it."""
    roles = (SUPERUSER,) if is_admin_url(name) else ROLES
    url = reverse(name, kwargs=url_kwargs(name, URLS[name], world.own))
    fuzzer = Fuzzer(world, url)
    try:
        seen = {}
        for role in roles:
            found = _discover(fuzzer, role)
            if found is not None:
                seen[role] = found
        if seen:
            # The role that sees the most fields (the admin, who sees every site, on a tie)
            # sends every value of every field; the others, a few values in every field at once.
            first = max(
                seen,
                key=lambda role: (len(seen[role][0]) + len(seen[role][2]), role == Role.ADMIN),
            )
            fuzzer.login(first)
            _fuzz_each_value(fuzzer, *seen[first])
            for role, found in seen.items():
                if role != first:
                    fuzzer.login(role)
                    _fuzz_all_at_once(fuzzer, *found)
    finally:
        fuzzer.close()
    assert not fuzzer.errors, "\n".join(fuzzer.errors[:5])
