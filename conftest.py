"""Fixtures shared by every app's tests: two sites and a logged-in client per role."""

import os
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker

from ceis.choices import Role
from ceis.tests.factories import SiteFactory, UserFactory


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Transactional tests (live server, real worker) last, as Django orders them.

    pytest-django sorts them last first thing; pytest's own reordering by higher-scoped
    parametrized fixtures (Playwright's session-wide browser name) runs after it and can move
    them back among ordinary tests. A transactional test flushes the database at its end, the
    role groups of the data migrations too, and every ordinary test after it then gets 403s."""

    def transactional(item):
        marker = item.get_closest_marker("django_db")
        names = getattr(item, "fixturenames", ())
        return bool(
            (marker and marker.kwargs.get("transaction"))
            or "transactional_db" in names
            or "live_server" in names
        )

    items.sort(key=transactional)


def pytest_configure(config):
    """The browser tests' page timings (test-output/page-timings.tsv) start empty at each run that
    may hold them: emptied here, once, by the process that runs the session — with pytest-xdist
    the controller, which loads no test folder's conftest; its workers only append to the file.
    A run whose `-m` leaves the browser tests out never empties it: `make test` runs them beside
    the others, in a pytest run of their own (Makefile)."""
    from _pytest.mark.expression import Expression

    if hasattr(config, "workerinput"):
        return
    root = Path(__file__).resolve().parent
    browser = root / "tests" / "browser"

    def reaches_browser(arg):
        path = (config.invocation_params.dir / arg.split("::")[0]).resolve()
        return path == browser or browser in path.parents or path in browser.parents

    markexpr = config.option.markexpr
    if markexpr and not Expression.compile(markexpr).evaluate(lambda name, **_: name == "browser"):
        return
    if any(reaches_browser(arg) for arg in config.args):
        (root / "test-output" / "page-timings.tsv").unlink(missing_ok=True)


def pytest_sessionfinish(session):
    """Each test process (two with `make test`'s pytest-xdist workers) has its own folders under
    var/ (ceis/settings/test.py): they go with it, so that runs do not pile them up."""
    import shutil

    from django.conf import settings

    var = Path(settings.BASE_DIR) / "var"
    for folder in (settings.MEDIA_ROOT, settings.CELERY_DATA_DIR):
        folder = Path(folder)
        if folder.parent in (var / "test-media", var / "celery-test"):
            shutil.rmtree(folder, ignore_errors=True)


def pytest_addoption(parser):
    parser.addoption(
        "--snapshot-update",
        action="store_true",
        help="write the SQL snapshots of the tests run instead of comparing them",
    )


@pytest.fixture
def assert_snapshot_queries(request):
    """`with assert_snapshot_queries(): client.get(url)`: the SQL of the block must be the one
    pinned in the test's snapshot file (ceis/tests/sql_snapshots.py)."""
    from ceis.tests.sql_snapshots import snapshot_path, snapshot_queries

    update = request.config.getoption("--snapshot-update")
    return lambda: snapshot_queries(snapshot_path(request.node), update=update)


@pytest.fixture(scope="session", autouse=True)
def _static_files_listed_once():
    """WhiteNoise (WHITENOISE_USE_FINDERS in tests) lists and stats every static file each time a
    middleware chain is built — at the first request of each test client, so once per test:
    about 20 ms each, a minute of processor time over the suite. The listing is kept per process
    and per static configuration (a test that changes STATICFILES_DIRS gets its own); the files
    are served exactly as before."""
    from django.conf import settings
    from whitenoise.middleware import WhiteNoiseMiddleware

    original = WhiteNoiseMiddleware.add_files_from_finders
    listed = {}

    def add_files_from_finders(self):
        key = repr(
            (
                self.static_prefix,
                settings.STATICFILES_DIRS,
                settings.STATICFILES_FINDERS,
                settings.INSTALLED_APPS,
                settings.DEBUG,
                sorted(
                    (name, getattr(settings, name))
                    for name in dir(settings)
                    if name.startswith("WHITENOISE")
                ),
            )
        )
        if key not in listed:
            kept, self.files = self.files, {}
            original(self)
            listed[key], self.files = self.files, kept
        self.files.update(listed[key])

    WhiteNoiseMiddleware.add_files_from_finders = add_files_from_finders
    yield
    WhiteNoiseMiddleware.add_files_from_finders = original


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, request):
    """A run that selects `faults` tests puts SQLite's test database in a file: threads then
    share it with the application's real options (WAL, busy timeout, IMMEDIATE transactions),
    where the in-memory database would lock whole tables and hide what `make run` does."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3" and any(
        item.get_closest_marker("faults") for item in request.session.items
    ):
        folder = Path(__file__).resolve().parent / "var"
        folder.mkdir(exist_ok=True)
        database.setdefault("TEST", {})["NAME"] = str(folder / f"test-faults-{os.getpid()}.sqlite3")


@pytest.fixture
def site(db):
    return SiteFactory(code="CEIS", name="CEIS des Arceaux")


@pytest.fixture
def other_site(db):
    return SiteFactory(code="AUTRE", name="Autre site")


@pytest.fixture
def make_user(db, site):
    """`make_user(Role.MANAGER)` → a user with that role on the main site (or `sites=[...]`)."""

    def make(role=None, *, sites=None, **kwargs):
        return UserFactory(role=role, sites=[site] if sites is None else sites, **kwargs)

    return make


@pytest.fixture
def client_for(client, make_user):
    """`client_for(Role.VOLONTAIRE)` → the test client logged in as a new user with that role."""

    def login(role, **kwargs):
        user = make_user(role, **kwargs)
        client.force_login(user)
        client.user = user
        return client

    return login


@pytest.fixture
def ts_user(make_user):
    return make_user(Role.TRAVAILLEUR_SOCIAL)


@pytest.fixture
def live_worker(transactional_db):
    """A real Celery worker, in a thread, consuming the configured broker (Redis in CI)."""
    import celery.contrib.testing.tasks  # noqa: F401  (registers celery.ping, used by start_worker)

    from ceis.celery import app
    from ceis.roles import sync_all_role_groups

    # A transactional test before this one flushed the role groups of the data migrations.
    sync_all_role_groups()
    app.conf.task_always_eager = False
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING"):
            yield
    finally:
        app.conf.task_always_eager = True
