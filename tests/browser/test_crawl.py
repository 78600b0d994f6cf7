"""The crawl: every role, from its home page, follows the links it is shown (breadth first, GET
only) on the demo data, and every page it reaches must hold up — no server error, no console
error, no serious or critical axe violation, and French as docs/ux.md writes it: no ISO date
and no capitalised month or weekday in the visible text, "1er" for the first of a month, no
Django "---------" empty choice, no « Kio » nor « ms » (« 12 Ko », « 1,1 s »), no placeholder
cut by its field.

Bounded: one page per view and role (the same view with other ids or another query is not
visited again), at most MAX_PAGES per role; downloads, exports, logout, Django's admin and the
pages of destructive actions are not followed. A view is drawn and checked whole in Chromium
once (by the first role that reaches it) and on every role's home page; the other roles fetch
it for its status and its links (docs/browser-tests.md).
"""

import html
import io
import json
import re
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.urls import Resolver404, resolve
from playwright.sync_api import Error as PlaywrightError

from ceis.choices import Role
from ceis.models import User

from .conftest import axe, force_login

pytestmark = pytest.mark.browser

MAX_PAGES = 60
ROLES = {  # the demo's login of each role (ceis/demo.py)
    Role.VOLONTAIRE: "volontaire",
    Role.MEDIATEUR_NUMERIQUE: "mediateur",
    Role.TRAVAILLEUR_SOCIAL: "travailleur",
    Role.MANAGER: "manager",
    Role.ADMIN: "admin",
}
# URL names not followed: files, leaving, and the confirmation pages of destructive actions.
SKIPPED_NAMES = re.compile(
    r"logout|download|export|pdf|xlsx|json|delete|remove|cancel|deactivate|reset|retry"
)
SKIPPED_PATHS = ("/administration/", "/static/", "/deconnexion/")

MONTHS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]
DAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
NOT_TEXT = re.compile(r"<(script|style|template)\b.*?</\1>", re.S | re.I)
TAG = re.compile(r"<[^>]*>")
HREF = re.compile(r'<a\b[^>]*\bhref="([^"]+)"')
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
CAPITALISED = re.compile(r"\b(" + "|".join(w.capitalize() for w in MONTHS + DAYS) + r")\b")
UNITS = re.compile(r"\b\d+(?:[,.]\d+)?\s?(Kio|Mio|Gio|ms)\b")  # « 12 Ko », « 1,1 s »
FIRST_OF_MONTH = re.compile(r"(?<![\d/])\b1 (" + "|".join(MONTHS) + r")\b", re.IGNORECASE)
# A capitalised name may open a line, a cell, a sentence or a part of a title after these.
OPENERS = tuple('.!?:·—–-|(«"\n\t')

# What the page shows: its visible text (input values are not text), the options still
# reading "---------", and the placeholders wider than their field.
PAGE_FACTS = r"""() => {
    const canvas = document.createElement('canvas').getContext('2d');
    const cut = [];
    for (const input of document.querySelectorAll('input[placeholder], textarea[placeholder]')) {
        if (!input.offsetParent) continue;
        const s = getComputedStyle(input);
        canvas.font = `${s.fontStyle} ${s.fontWeight} ${s.fontSize} ${s.fontFamily}`;
        const room = input.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);
        const width = canvas.measureText(input.placeholder).width;
        if (width > room + 1) cut.push(`${input.placeholder} (${Math.ceil(width)} px dans ${room})`);
    }
    return {
        text: document.body.innerText,
        dashes: [...document.querySelectorAll('option')]
            .filter(o => o.textContent.trim() === '---------').length,
        cut: cut,
    };
}"""


def french_problems(text: str, *, capitals: bool = True) -> list[str]:
    """What the visible text writes against docs/ux.md: ISO dates, capitalised months or days
    inside a sentence (unless `capitals` is false: a text without its layout cannot tell),
    "1 décembre" for "1er décembre", « Kio » and « ms »."""
    problems = [f"date ISO « {m.group()} »" for m in ISO_DATE.finditer(text)]
    for match in CAPITALISED.finditer(text) if capitals else []:
        before = text[: match.start()].rstrip(" \xa0")
        if before and not before.endswith(OPENERS):
            context = text[max(0, match.start() - 30) : match.end()].replace("\n", " ")
            problems.append(f"majuscule au milieu d'une phrase « …{context} »")
    problems += [f"unité « {m.group()} » (Ko, Mo, s)" for m in UNITS.finditer(text)]
    for match in FIRST_OF_MONTH.finditer(text):
        problems.append(f"« {match.group()} » au lieu de « 1er {match.group(1)} »")
    return problems


def test_french_problems_finds_what_the_issue_listed():
    assert french_problems("Séances De Décembre 2026 (16 Séances)") == [
        "majuscule au milieu d'une phrase « …Séances De Décembre »"
    ]
    assert french_problems("Mardi 1 Décembre")[0].startswith("majuscule")
    assert french_problems("créée le 2026-12-01.") == ["date ISO « 2026-12-01 »"]
    assert french_problems("le 1 décembre 2026") == ["« 1 décembre » au lieu de « 1er décembre »"]
    assert french_problems("PDF (12,1\xa0Kio) · générée en 1108 ms") == [
        "unité « 12,1\xa0Kio » (Ko, Mo, s)",
        "unité « 1108 ms » (Ko, Mo, s)",
    ]
    assert french_problems("Mardi 1er décembre 2026 · Lundi 7 décembre\tJeudi") == []
    assert french_problems("Séances de décembre 2026 (16 séances) 01/12/2026") == []


def pattern_of(url: str) -> str:
    """A page's kind: its view, whatever its ids and query (the same template)."""
    path = urlsplit(url).path
    try:
        return resolve(path).view_name
    except Resolver404:
        return path


def followed(url: str, origin: str) -> str | None:
    """The path and query of a same-origin link to follow, or None."""
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}" != origin or parts.path.startswith(SKIPPED_PATHS):
        return None
    try:
        name = resolve(parts.path).url_name or ""
    except Resolver404:
        name = ""
    if SKIPPED_NAMES.search(name):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def check_in_browser(page, url: str, errors: list) -> tuple[list[str], list[str]]:
    """Open the page in Chromium: its problems and its links."""
    errors.clear()
    response = page.goto(url)
    problems = []
    if response is None or response.status >= 500:
        problems.append(f"statut {response.status if response else 'aucun'}")
    facts = page.evaluate(PAGE_FACTS)
    problems += french_problems(facts["text"])
    if facts["dashes"]:
        problems.append(f"{facts['dashes']} choix vide « --------- »")
    problems += [f"texte d'aide coupé « {text} »" for text in facts["cut"]]
    refused = response is not None and response.status >= 400  # its own load is no error
    problems += [
        f"console : {error}"
        for error in errors
        if not (refused and error.startswith("Failed to load resource"))
    ]
    for violation in axe(page):
        targets = ", ".join(node["target"] for node in violation["nodes"])
        problems.append(f"axe {violation['impact']} {violation['id']} : {targets}")
    return problems, page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")


def check_by_request(page, url: str) -> tuple[list[str], list[str]]:
    """Fetch the page with the role's cookies, without drawing it: its status, the French of
    its text (all but the capitals, which need the page's layout) and its links."""
    response = page.request.get(url)
    problems = [f"statut {response.status}"] if response.status >= 500 else []
    if "text/html" not in response.headers.get("content-type", ""):
        return problems, []
    page_html = response.text()
    # Its text without tags (attributes, input values included, are not text).
    text = html.unescape(TAG.sub(" ", NOT_TEXT.sub(" ", page_html)))
    problems += french_problems(text, capitals=False)
    links = [urljoin(response.url, href) for href in HREF.findall(page_html)]
    return problems, [html.unescape(link) for link in links]


def crawl(page, origin: str, drawn: set) -> dict:
    """Visit the role's pages breadth first; the problems found, by page.

    Each role's home page, and every view no role has reached yet, is drawn in Chromium and
    checked whole; a view already drawn for another role (the same template) is fetched only,
    for its status and its links: the crawl of five roles stays within a minute or two."""
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    queue, seen, report = ["/"], set(), {}
    while queue and len(seen) < MAX_PAGES:
        url = queue.pop(0)
        kind = pattern_of(url)
        if kind in seen:
            continue
        seen.add(kind)
        if kind == "home" or kind not in drawn:
            try:
                problems, links = check_in_browser(page, url, errors)
            except PlaywrightError as error:
                if "Download is starting" not in error.message:
                    raise
                continue  # a file (the package's template), not a page
            drawn.add(kind)
        else:
            problems, links = check_by_request(page, url)
        if problems:
            report[url] = problems
        for link in links:
            target = followed(link.split("#")[0], origin)
            if target and pattern_of(target) not in seen:
                queue.append(target)
    return {"pages": len(seen), "problems": report}


def test_crawl_every_role_from_its_home_page(browser, browser_context_args, live_server):
    call_command("seed_demo", persons=40, stdout=io.StringIO())
    results, drawn = {}, set()
    for role, username in ROLES.items():
        context = browser.new_context(**browser_context_args)
        force_login(context, User.objects.get(username=username), live_server)
        results[role.label] = crawl(context.new_page(), live_server.url, drawn)
        context.close()
    failures = {role: r["problems"] for role, r in results.items() if r["problems"]}
    assert not failures, json.dumps(failures, ensure_ascii=False, indent=1)
    # Every role reached more than its home page (a crawl that stops at "/" proves nothing).
    assert all(r["pages"] >= 5 for r in results.values()), results
