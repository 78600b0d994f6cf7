"""The web worker's warm-up (ceis/warmup.py, gunicorn.conf.py's post_worker_init)."""

import gc
import logging
import re
import runpy
import weakref
from pathlib import Path

from django.forms.renderers import get_default_renderer
from django.template import engines
from django.urls import URLResolver, clear_url_caches, resolve, reverse
from django.utils import translation

from ceis import warmup

ROOT = Path(__file__).resolve().parents[2]


def _cached(engine, name: str) -> bool:
    loader = engine.template_loaders[0]
    return any(key == name or key.startswith(f"{name}-") for key in loader.get_template_cache)


def test_warm_up_compiles_the_project_and_form_templates_into_the_cached_loaders():
    pages = engines["django"].engine
    forms = get_default_renderer().engine.engine
    names = ["registration/login.html", "layout/base.html", "bootstrap5/field.html"]
    for engine in (pages, forms):
        engine.template_loaders[0].reset()
    assert not any(_cached(pages, name) for name in names)
    assert not _cached(forms, "django/forms/widgets/select.html")

    done = warmup.warm_up()

    assert all(_cached(pages, name) for name in names)
    assert _cached(forms, "django/forms/widgets/select.html")
    project = len(warmup._names(ROOT / "templates"))
    assert project > 100 and done["templates"] > project + 40  # + crispy's and the widgets'
    assert not any(".venv" in str(folder) for folder in warmup.template_folders()[:-1])


PAGES = ["home", "persons:list", "unisvers:cohort_list", "reporting:dashboard"]


def _lookups_built_by_the_pages(monkeypatch) -> list:
    """The resolvers whose lookups a page's `{% url %}` and its URL's resolution had to build,
    in the language the pages run in (LocaleMiddleware's « fr »)."""
    built = []
    populate = URLResolver._populate

    def recording(resolver):
        built.append(resolver)
        populate(resolver)

    monkeypatch.setattr(URLResolver, "_populate", recording)
    with translation.override("fr"):
        for name in PAGES:
            resolve(reverse(name))
    return built


def test_without_the_warm_up_the_first_pages_build_the_url_lookups(monkeypatch):
    clear_url_caches()
    try:
        assert len(_lookups_built_by_the_pages(monkeypatch)) >= 3  # root, persons, unisvers…
    finally:
        clear_url_caches()


def test_the_warm_up_builds_every_url_lookup_in_the_pages_language(monkeypatch):
    clear_url_caches()
    try:
        warmup.warm_up()
        assert _lookups_built_by_the_pages(monkeypatch) == []
        # The root and each namespace (persons, documents, unisvers, villages…).
        assert warmup.build_url_lookups() >= 12
    finally:
        clear_url_caches()


def test_the_gunicorn_hook_warms_up_and_logs_it(monkeypatch, caplog):
    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    monkeypatch.setattr(warmup, "warm_up", lambda: {"templates": 3, "seconds": 0.5})

    class Worker:
        log = logging.getLogger("gunicorn.error")

    monkeypatch.setattr(warmup, "freeze_heap", lambda: 1234)
    with caplog.at_level(logging.INFO, logger="gunicorn.error"):
        conf["post_worker_init"](Worker())
    assert (
        "Worker warmed up: 3 templates in 0.5 s, 1234 objects set aside from the garbage collector"
        in caplog.text
    )


class _Cycle:
    """An object in a reference cycle: only the cyclic collector frees it."""

    def __init__(self):
        self.me = self


def test_the_hook_sets_the_worker_s_objects_aside_from_the_collector_after_collecting(
    monkeypatch, caplog
):
    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    monkeypatch.setattr(warmup, "warm_up", lambda: {"templates": 3, "seconds": 0.5})

    class Worker:
        log = logging.getLogger("gunicorn.error")

    garbage = weakref.ref(_Cycle())
    assert garbage() is not None and gc.get_freeze_count() == 0
    try:
        with caplog.at_level(logging.INFO, logger="gunicorn.error"):
            conf["post_worker_init"](Worker())
        frozen = gc.get_freeze_count()
        # The garbage was collected first, not set aside for the worker's life; what the
        # worker holds (this test's module, Django, the object kept) was set aside.
        assert garbage() is None
        assert frozen > 10_000
        logged = re.search(r"(\d+) objects set aside from the garbage collector", caplog.text)
        # (a frozen object that dies later leaves the count)
        assert logged and int(logged.group(1)) >= frozen
        # What is created afterwards is collected as before.
        later = weakref.ref(_Cycle())
        gc.collect()
        assert later() is None
    finally:
        gc.unfreeze()


def test_a_failed_warm_up_leaves_the_worker_serving(monkeypatch, caplog):
    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))

    def broken():
        raise OSError("templates unreadable")

    monkeypatch.setattr(warmup, "warm_up", broken)
    frozen = []
    monkeypatch.setattr(warmup, "freeze_heap", lambda: frozen.append(True) or 1)

    class Worker:
        log = logging.getLogger("gunicorn.error")

    with caplog.at_level(logging.INFO, logger="gunicorn.error"):
        assert conf["post_worker_init"](Worker()) is None
    assert "Worker warm-up failed" in caplog.text
    assert frozen == [True]  # the collector's part does not depend on the templates'


def test_a_failed_freeze_leaves_the_worker_serving(monkeypatch, caplog):
    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    monkeypatch.setattr(warmup, "warm_up", lambda: {"templates": 3, "seconds": 0.5})

    def broken():
        raise RuntimeError("collector unavailable")

    monkeypatch.setattr(warmup, "freeze_heap", broken)

    class Worker:
        log = logging.getLogger("gunicorn.error")

    with caplog.at_level(logging.INFO, logger="gunicorn.error"):
        assert conf["post_worker_init"](Worker()) is None
    assert "Setting the worker's objects aside from the collector failed" in caplog.text
    assert "Worker warmed up: 3 templates in 0.5 s, 0 objects set aside" in caplog.text
