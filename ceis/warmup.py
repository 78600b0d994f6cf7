"""A web process's one-time costs, paid before its first request (gunicorn.conf.py,
`post_worker_init`).

A new gunicorn worker imports the URL configuration and every view module on its first
request, and compiles each template the first time one of its pages draws it: measured at 100×
through the test client, the first request of a process took 0.8 s of CPU where the next ones
took 6 ms. Every worker pays it after a start, a reload and each recycling
(`GUNICORN_MAX_REQUESTS`), and the users who arrive then wait behind it — in the load test, 50
users logging in within 5 s while the five workers were still cold. `warm_up()` pays it when the
worker starts instead: the URL configuration, the project's templates and the form templates the
pages draw, compiled into the cached loader of this process.
"""

import gc
import importlib
import sys
import time
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.forms.renderers import get_default_renderer
from django.template import TemplateDoesNotExist, TemplateSyntaxError, engines
from django.urls import get_resolver

# crispy-forms' Bootstrap 5 pack: every form field of the pages is drawn by its templates.
CRISPY_PACKAGE = "crispy_bootstrap5"


def _names(folder: Path) -> list[str]:
    return sorted(
        path.relative_to(folder).as_posix() for path in folder.rglob("*.html") if path.is_file()
    )


def _package_templates(package: str) -> Path:
    return Path(importlib.import_module(package).__file__).parent / "templates"


def template_folders() -> list[Path]:
    """The template folders the pages draw from through the template engine: the settings'
    DIRS, the project's own apps (not the installed packages of the virtualenv) and
    crispy-forms' Bootstrap 5 pack."""
    base = Path(settings.BASE_DIR).resolve()
    environment = Path(sys.prefix).resolve()
    folders = [Path(folder) for engine in settings.TEMPLATES for folder in engine.get("DIRS", [])]
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if path.is_relative_to(base) and not path.is_relative_to(environment):
            folders.append(path / "templates")
    folders.append(_package_templates(CRISPY_PACKAGE))
    unique = []
    for folder in folders:
        if folder.is_dir() and folder.resolve() not in {known.resolve() for known in unique}:
            unique.append(folder)
    return unique


def _compile(engine, names) -> int:
    compiled = 0
    for name in names:
        try:
            engine.get_template(name)
        except (TemplateDoesNotExist, TemplateSyntaxError):
            continue
        compiled += 1
    return compiled


def warm_up() -> dict:
    """Import the URL configuration and compile the templates; returns what was done and how
    long it took (logged by gunicorn.conf.py). A template that does not compile is left for its
    page to report, as it would have been. The form widgets' templates are compiled in the form
    renderer's own engine, which is the one that draws them."""
    began = time.perf_counter()
    get_resolver().url_patterns  # noqa: B018 (imports every urls and views module)
    compiled = sum(_compile(engines["django"], _names(folder)) for folder in template_folders())
    compiled += _compile(get_default_renderer().engine, _names(_package_templates("django.forms")))
    return {"templates": compiled, "seconds": round(time.perf_counter() - began, 3)}


def freeze_heap() -> int:
    """Set the objects the worker holds after its warm-up (modules, URL patterns, compiled
    templates: about 200,000 at 100×) aside from Python's cyclic garbage collector, after one
    full collection so that no garbage is set aside with them; returns how many.

    Without it, the collector's full pass walks all of them about once every 400 requests of a
    worker, and the request that triggers it waits about 140 ms more (20 ms once they are set
    aside: `bench/gc_bench.py`, docs/performance.md), on cores the other workers share. The
    collector goes on
    collecting everything created afterwards; what is set aside lives as long as the worker,
    as it would have anyway. Python's documentation suggests `gc.freeze()` for the same
    reason in pre-fork servers."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
