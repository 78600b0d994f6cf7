"""A web process's one-time costs, paid before its first request (gunicorn.conf.py,
`post_worker_init`).

A new gunicorn worker imports the URL configuration and every view module on its first
request, and compiles each template the first time one of its pages draws it: measured at 100×
through the test client, the first request of a process took 0.8 s of CPU where the next ones
took 6 ms. Every worker pays it after a start, a reload and each recycling
(`GUNICORN_MAX_REQUESTS`), and the users who arrive then wait behind it — in the load test, 50
users logging in within 5 s while the five workers were still cold. `warm_up()` pays it when the
worker starts instead: the URL configuration and its lookups, the project's templates and the
form templates the pages draw, compiled into the cached loader of this process.
"""

import contextlib
import gc
import importlib
import sys
import time
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.forms.renderers import get_default_renderer
from django.template import TemplateDoesNotExist, TemplateSyntaxError, engines
from django.urls import NoReverseMatch, get_resolver, reverse
from django.utils import translation

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


def build_url_lookups() -> int:
    """Build the reverse lookups of the URL configuration in each language of the pages: the
    root's (which builds every included module's), and the one `reverse()` keeps for each
    namespace (« persons: », « unisvers: »…); returns how many were built.

    Django builds them, compiling the patterns' regular expressions, on the first `reverse()`
    (a `{% url %}`) that needs each, and keeps them per language: the pages run in the one
    LocaleMiddleware picks (« fr »), while the warm-up runs in LANGUAGE_CODE (« fr-fr »).
    Measured in gunicorn at 100×, a worker's first page (the login form) took 30 ms of CPU
    where the next took under 10, and its first home page built the lookups of each namespace
    it links to."""
    built = 0
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            root = get_resolver()
            root.reverse_dict  # noqa: B018 (builds the root's and every included module's)
            built += 1
            pending = [("", root)]
            while pending:
                prefix, resolver = pending.pop()
                for namespace, (_pattern, included) in resolver.namespace_dict.items():
                    path = f"{prefix}{namespace}:"
                    pending.append((path, included))
                    name = next(
                        (key for key in included.reverse_dict if isinstance(key, str)), None
                    )
                    if name is None:
                        continue
                    # A name that wants arguments fails, once the namespace's lookups are built.
                    with contextlib.suppress(NoReverseMatch):
                        reverse(path + name)
                    built += 1
    return built


def warm_up() -> dict:
    """Import the URL configuration, build its lookups and compile the templates; returns what
    was done and how long it took (logged by gunicorn.conf.py). A template that does not
    compile is left for its page to report, as it would have been. The form widgets' templates
    are compiled in the form renderer's own engine, which is the one that draws them."""
    began = time.perf_counter()
    get_resolver().url_patterns  # noqa: B018 (imports every urls and views module)
    build_url_lookups()
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
