"""The core imports no programme (docs/architecture.md, "floors": ceis ← unisvers, villages ←
reporting). A programme's part of a cross-cutting feature is gathered by module name
(ceis.hooks, ceis.navigation, ceis.imports), never imported by the core.

Every module of `ceis/` is read, its migrations and its own tests included: the tests that need
the programmes live in the top-level `tests/` package.
"""

import ast
from pathlib import Path

import ceis

PROGRAMMES = ("unisvers", "villages", "reporting")
CORE = Path(ceis.__file__).resolve().parent


def _is_programme(name: str | None) -> bool:
    return bool(name) and name.split(".")[0] in PROGRAMMES


def programme_imports(source: str) -> list[tuple[int, str]]:
    """(line, module) of every import of a programme in `source`, at any depth (inside a
    function too), and of `import_module("…")` called with a programme's name in full."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [
                (node.lineno, alias.name) for alias in node.names if _is_programme(alias.name)
            ]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and _is_programme(node.module):
            found.append((node.lineno, node.module))
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "id", getattr(node.func, "attr", None)) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
            and _is_programme(node.args[0].value)
        ):
            found.append((node.lineno, node.args[0].value))
    return found


def test_no_module_of_ceis_imports_a_programme():
    modules = sorted(CORE.rglob("*.py"))
    assert len(modules) > 50  # the walk found the package, migrations and tests included
    offenders = [
        f"{path.relative_to(CORE.parent)}:{line}: {module}"
        for path in modules
        for line, module in programme_imports(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_the_walk_sees_every_kind_of_import():
    source = (
        "import unisvers.models\n"
        "from villages.choices import Attendance\n"
        "from . import models\n"
        "import ceis.models\n"
        "def late():\n"
        "    from reporting.indicators import compute_bilan\n"
        "    import_module('unisvers.package')\n"
        "    importlib.import_module(f'{app}.package')\n"
    )
    assert programme_imports(source) == [
        (1, "unisvers.models"),
        (2, "villages.choices"),
        (6, "reporting.indicators"),
        (7, "unisvers.package"),
    ]
