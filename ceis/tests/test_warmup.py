"""The web worker's warm-up (ceis/warmup.py, gunicorn.conf.py's post_worker_init)."""

import logging
import runpy
from pathlib import Path

from django.forms.renderers import get_default_renderer
from django.template import engines

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


def test_the_gunicorn_hook_warms_up_and_logs_it(monkeypatch, caplog):
    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    monkeypatch.setattr(warmup, "warm_up", lambda: {"templates": 3, "seconds": 0.5})

    class Worker:
        log = logging.getLogger("gunicorn.error")

    with caplog.at_level(logging.INFO, logger="gunicorn.error"):
        conf["post_worker_init"](Worker())
    assert "Worker warmed up: 3 templates in 0.5 s" in caplog.text


def test_a_failed_warm_up_leaves_the_worker_serving(monkeypatch, caplog):
    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))

    def broken():
        raise OSError("templates unreadable")

    monkeypatch.setattr(warmup, "warm_up", broken)

    class Worker:
        log = logging.getLogger("gunicorn.error")

    with caplog.at_level(logging.INFO, logger="gunicorn.error"):
        assert conf["post_worker_init"](Worker()) is None
    assert "Worker warm-up failed" in caplog.text
