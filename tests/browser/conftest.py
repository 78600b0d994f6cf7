"""Browser tests: pytest-playwright driving Debian's Chromium against pytest-django's live server.

No browser is downloaded: `make test` installs the `chromium` package with apt when it is missing
and Playwright launches `/usr/bin/chromium` (or `$CEIS_CHROMIUM`). Every test here is marked
`browser` (`pytest -m browser` runs only them, `-m "not browser"` skips them).
"""

import json
import os
import re
import shutil
from pathlib import Path
from urllib.request import urlopen

import pytest
from django.conf import settings

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to run in a
# thread with a running loop unless told it is safe (it is: the loop only drives the browser).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CEIS_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--lang=fr-FR",  # date fields shown as the users see them (jj/mm/aaaa)
]
SCREENSHOTS = Path(settings.BASE_DIR) / "test-output" / "screenshots"
# The README's screenshots are rewritten only when asked (CEIS_DOC_SCREENSHOTS=1), so that a
# test run leaves the working tree as it found it; otherwise they go with the other screenshots.
DOCS_IMG = (
    Path(settings.BASE_DIR) / "docs" / "img"
    if os.environ.get("CEIS_DOC_SCREENSHOTS") == "1"
    else SCREENSHOTS / "docs-img"
)
AXE_JS = Path(settings.BASE_DIR) / "tests" / "vendor" / "axe-core" / "axe.min.js"
PASSWORD = "motdepasse-de-test"  # ceis.tests.factories.UserFactory's
DESKTOP = {"width": 1280, "height": 900}
TABLET = {"width": 768, "height": 1024}
PHONE = {"width": 390, "height": 844}


def pytest_configure(config):
    # A failing test leaves its last screen in test-output/playwright/ (pytest-playwright's
    # --screenshot/--output options, when not given on the command line).
    if config.getoption("--screenshot", "off") == "off":
        config.option.screenshot = "only-on-failure"
    if config.getoption("--output", "test-results") == "test-results":
        config.option.output = str(Path(settings.BASE_DIR) / "test-output" / "playwright")
    # pytest-base-url (a pytest-playwright dependency) defines its session fixture the old way.
    config.addinivalue_line(
        "filterwarnings", "ignore:Session-scoped fixtures defined as instance methods"
    )


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).parent == here:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def _media_url():
    """`MEDIA_URL = None` (uploads are never served at a URL) breaks Django's live server, which
    wraps its WSGI handler in one serving MEDIA_URL: give it a path nothing links to."""
    from django.test.utils import override_settings

    with override_settings(MEDIA_URL="/__aucun-media__/"):
        yield


@pytest.fixture(scope="session")
def live_server(_media_url, live_server):
    # test-output/page-timings.tsv is emptied once per run by the root conftest.py.
    _live_server[:] = [live_server]
    return live_server


_live_server = []


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium introuvable ({CHROMIUM}) : `apt-get install -y chromium`.")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": CHROMIUM_ARGS,
        "headless": True,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args, live_server):
    return {
        **browser_context_args,
        "base_url": live_server.url,
        "locale": "fr-FR",
        "timezone_id": "Europe/Paris",
        "viewport": DESKTOP,
        "accept_downloads": True,
    }


@pytest.fixture(autouse=True)
def _roles(live_server, transactional_db):
    """Transactional tests flush the database, the role groups of the data migrations too."""
    from ceis.roles import sync_all_role_groups

    sync_all_role_groups()
    if not _warm:
        # The first request imports and compiles templates: not a page's own time (timings).
        urlopen(f"{live_server.url}/connexion/", timeout=30).read()  # noqa: S310 (local URL)
        _warm.append(True)


_warm = []


@pytest.fixture
def page(page):
    # Waits, not limits on a page's speed (never asserted): `make test` runs two test processes,
    # each with its server and Chromium, on two cores, and the dashboard's figures are computed
    # at each visit; a loaded machine must not turn a slow page into a failure.
    page.set_default_timeout(20_000)
    page.set_default_navigation_timeout(30_000)
    return page


def login(page, user, password=PASSWORD):
    """Log in through the login form, as a user would."""
    page.goto("/connexion/")
    page.get_by_label("Identifiant").fill(user.username)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(re.compile(r"/$"))


def sign_in(page, user):
    """The user's session in the browser, then the home page, where the login form leads: for
    the journeys whose subject is not the login (`login` in the journeys that log in, the second
    factor's, the invited colleague's). Two requests fewer, the login page and its POST."""
    force_login(page.context, user, _live_server[0])
    page.goto("/")


def force_login(context, user, live_server):
    """A session cookie for `user` in the browser context: pages checked without the login form."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies(
        [{"name": cookie.key, "value": cookie.value, "url": live_server.url, "httpOnly": True}]
    )


def shot(page, name):
    """A full-page screenshot in test-output/screenshots/ (the journeys' key screens)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


_AXE_SOURCE = None


def axe(page, *, impacts=("serious", "critical")):
    """Run axe-core (vendored, test-only) on the page; the violations of the given impacts.

    `page.evaluate` goes through the DevTools protocol, which the page's CSP does not restrict
    (an injected <script> would be refused by `script-src 'self'`).
    """
    global _AXE_SOURCE
    # After a click that navigates, the new document may still be parsing (axe then finds no
    # `documentElement`): audit the page once it has loaded, as a user would see it.
    page.wait_for_load_state("load")
    if _AXE_SOURCE is None:
        _AXE_SOURCE = AXE_JS.read_text(encoding="utf-8")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(_AXE_SOURCE + "\n;undefined")
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {
                runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa',
                                                'best-practice']},
                resultTypes: ['violations'],
            });
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map(n => ({target: n.target.join(' '),
                                                       summary: n.failureSummary}))}));
        }"""
    )
    return [v for v in result if v["impact"] in impacts]


def assert_no_axe_violations(page, label=""):
    violations = axe(page)
    assert not violations, f"axe ({label or page.url}):\n" + json.dumps(
        violations, ensure_ascii=False, indent=1
    )


def field(scope, label):
    """The form control labelled exactly `label` (crispy adds "*" to required fields' labels).

    Given the page, waits for its load first: after a click that navigates, the new page's
    deferred scripts (htmx, the live counters) bind its fields only then, and typing earlier
    would go unseen by them.
    """
    if hasattr(scope, "wait_for_load_state"):
        scope.wait_for_load_state("load")
    return scope.get_by_label(re.compile(rf"^\s*{re.escape(label)}\s*\*?\s*$"))
