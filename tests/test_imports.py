"""The project's import graph: dependencies point down (ingest ← index ← assistant ← eval ← webapp ← app), no cycles,
no private names taken from another module.

Every import counts, at the top of a module or inside a function (an import moved into a function
to dodge a cycle is still a cycle), and so do imports under `if TYPE_CHECKING:`.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("ingest", "index", "assistant", "eval", "webapp")
# What each layer may not import: ingest ← index ← assistant ← app/eval; the app's parts (webapp/)
# sit above all of them and below app.py alone.
FORBIDDEN = {
    "ingest": ("index", "assistant", "eval", "webapp", "app"),
    "index": ("assistant", "eval", "webapp", "app"),
    "assistant": ("webapp",),
    "eval": ("webapp", "app"),
    "webapp": ("app",),
}


def module_files() -> dict[str, Path]:
    """Project module name → its file: every .py of the packages, and app.py."""
    files = {"app": ROOT / "app.py"}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            files[name] = path
    return files


MODULES = module_files()


def _absolute(module: str, node: ast.ImportFrom) -> str:
    """The absolute module name a `from` import names (resolving `from . import x`)."""
    if not node.level:
        return node.module or ""
    package = module.split(".") if MODULES[module].name == "__init__.py" else module.split(".")[:-1]
    base = package[: len(package) - (node.level - 1)]
    return ".".join([*base, *([node.module] if node.module else [])])


def imports(module: str) -> list[tuple[str, str | None, int]]:
    """(imported project module, name taken from it or None, line) for every import in `module`."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"), filename=str(MODULES[module]))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                target = _project(alias.name)
                if target:
                    found.append((target, None, node.lineno))
        elif isinstance(node, ast.ImportFrom):
            source = _absolute(module, node)
            for alias in node.names:
                if f"{source}.{alias.name}" in MODULES:  # `from index import glossary`: the module itself
                    found.append((f"{source}.{alias.name}", None, node.lineno))
                elif _project(source):
                    found.append((_project(source), alias.name, node.lineno))
    return found


def _project(name: str) -> str | None:
    """The project module `name` is, or lies in (a module's attribute); None outside the project."""
    parts = name.split(".")
    for n in range(len(parts), 0, -1):
        if ".".join(parts[:n]) in MODULES:
            return ".".join(parts[:n])
    return None


def graph() -> dict[str, set[str]]:
    return {m: {target for target, _, _ in imports(m) if target != m} for m in MODULES}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """One cycle per strongly connected component of more than one module (Tarjan's algorithm).

    >>> cycles({"a": {"b"}, "b": {"a"}, "c": {"a"}})
    [['a', 'b']]
    """
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def test_the_graph_sees_top_level_and_function_level_imports():
    edges = graph()
    assert "index.normalise" in edges["index.glossary"]  # top level
    assert "ingest.parse" in edges["index.build"]  # inside a function
    assert "index.store" in edges["assistant.open_index"]


def test_the_cycle_finder_finds_a_cycle_through_three_modules():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == [["a", "b", "c"]]


def test_there_are_no_import_cycles_among_the_project_modules():
    found = cycles(graph())
    assert not found, "import cycles (move what both need into a module both can import): " + "; ".join(
        " ↔ ".join(c) for c in found)


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_lower_layers_never_import_higher_ones(layer):
    wrong = [f"{m}:{line} imports {target}"
             for m in MODULES if m.split(".")[0] == layer
             for target, _, line in imports(m) if target.split(".")[0] in FORBIDDEN[layer]]
    assert not wrong, f"{layer}/ must not import {', '.join(FORBIDDEN[layer])}: " + "; ".join(wrong)


def test_no_module_imports_another_modules_private_names():
    wrong = [f"{m}:{line} takes {name} from {target}"
             for m in MODULES for target, name, line in imports(m)
             if name and name.startswith("_") and not name.startswith("__") and target != m]
    assert not wrong, "private names used across modules (make them public or move them): " + "; ".join(wrong)
