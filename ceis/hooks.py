"""Each programme's part of a cross-cutting feature, gathered by module name.

The core never imports a programme (docs/architecture.md, "floors"): the data package, retention
and the scale generator ask each app listed here for a module of the feature's name
(`<app>.package`, `<app>.retention`, `<app>.demo_scale`), as `ceis.navigation` does for
`<app>.navigation`. An app without that module takes no part in the feature.
"""

from importlib import import_module
from types import ModuleType

# In dependency order: a programme's package files may refer to the core's, reporting comes last.
# `messaging` is a core-level app (floor 0, it imports no programme) gathered like the programmes,
# after those whose records its demo messages are about.
PROGRAMMES = (
    "documents",
    "unisvers",
    "villages",
    "appointments",
    "messaging",
    "coordination",
    "reporting",
)


def app_modules(name: str) -> list[ModuleType]:
    """The `<app>.<name>` modules of the programmes that have one, in `PROGRAMMES` order."""
    modules = []
    for app in PROGRAMMES:
        try:
            modules.append(import_module(f"{app}.{name}"))
        except ModuleNotFoundError as error:
            if error.name != f"{app}.{name}":
                raise  # a module that exists but fails to import is a bug, not an absence
    return modules
