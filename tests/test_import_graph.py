"""The project's modules import each other without a cycle, and only downwards across floors.

Floors: the core (`ceis`) ← the programmes (`unisvers`, `villages`) ← `coordination` (partners
and orientations, made from the programmes' records) ← `reporting`. A module may
import its own floor or a lower one, never a higher one. Every import counts, at module level or
inside a function: an import hidden in a function still ties the two modules together, it only
moves the failure to run time. Tests and migrations are left out (they may use everything).
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLOORS = {
    "ceis": 0,
    "messaging": 0,
    "documents": 0,
    "unisvers": 1,
    "villages": 1,
    "coordination": 2,
    "reporting": 3,
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _project_modules() -> dict[str, Path]:
    modules = {}
    for package in FLOORS:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).parts
            if "tests" in parts or "migrations" in parts:
                continue
            modules[_module_name(path)] = path
    return modules


def _imported(node: ast.AST, module: str, is_package: bool, modules: dict) -> set[str]:
    """The project modules that one import statement loads (a name imported from a package is
    its submodule when there is one)."""
    if isinstance(node, ast.Import):
        return {alias.name for alias in node.names if alias.name in modules}
    if node.level:
        base = module.split(".") if is_package else module.split(".")[:-1]
        base = base[: len(base) - node.level + 1]
        target = ".".join(base + ([node.module] if node.module else []))
    else:
        target = node.module or ""
    found = set()
    for alias in node.names:
        if f"{target}.{alias.name}" in modules:
            found.add(f"{target}.{alias.name}")
        elif target in modules:
            found.add(target)
    return found


def import_graph() -> dict[str, set[str]]:
    modules = _project_modules()
    graph = {}
    for module, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        is_package = path.name == "__init__.py"
        edges = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                edges |= _imported(node, module, is_package, modules)
        graph[module] = edges - {module}
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_graph_sees_imports_inside_functions_and_relative_ones():
    graph = import_graph()
    # services.py imports ceis.services at module level, and the PDF module inside a function.
    assert "ceis.services" in graph["reporting.services"]
    assert "reporting.pdf" in graph["reporting.services"]
    assert "reporting.services" in graph["reporting.tasks"]


def test_no_import_cycle_between_project_modules():
    assert _cycles(import_graph()) == []


def test_no_import_runs_upward_across_floors():
    upward = sorted(
        f"{module} → {target}"
        for module, targets in import_graph().items()
        for target in targets
        if FLOORS[target.split(".")[0]] > FLOORS[module.split(".")[0]]
    )
    assert upward == []
