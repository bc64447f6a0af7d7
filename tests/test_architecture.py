"""The layout's rules, checked on the source: small modules, and imports that flow one way.

Data flows readers -> validation -> Cohort -> endpoints -> estimators ->
compare/models/design -> plots/tables -> report/CLI.  A module-level or
function-level import is a dependency; the one exception is a thin delegate
method (``result.plot()``, ``cohort.endpoint()``, ``cohort.compare()``) that
imports lazily the module doing the work, so that a result can draw itself.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "blina_stats"
MAX_LINES = 400
#: methods allowed to import lazily against the flow: they only hand their object on
DELEGATES = frozenset({"plot", "endpoint", "compare"})
#: private modules of a subpackage that the layout shares with the others
SHARED = frozenset({"blina_stats.data._cells", "blina_stats.data._dates"})


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in sorted(SRC.rglob("*.py"))}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST, inside_delegate: bool = False) -> list[tuple[ast.AST, bool]]:
    """Every import node with whether it sits in a delegate method; TYPE_CHECKING blocks skipped."""
    found: list[tuple[ast.AST, bool]] = []
    for child in ast.iter_child_nodes(tree):
        if isinstance(child, ast.If) and _is_type_checking(child):
            for other in child.orelse:
                found += _imports(other, inside_delegate)
            continue
        if isinstance(child, ast.Import | ast.ImportFrom):
            found.append((child, inside_delegate))
        delegate = inside_delegate or (
            isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) and child.name in DELEGATES
        )
        found += _imports(child, delegate)
    return found


def dependencies(name: str, path: Path) -> set[str]:
    """The package modules `name` imports outside delegates (a package counts as its __init__)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()
    for node, in_delegate in _imports(ast.parse(path.read_text())):
        if in_delegate:
            continue
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            # `from pkg import module` depends on the module; other names on pkg itself
            modules = [f"{target}.{a.name}" for a in node.names if f"{target}.{a.name}" in MODULES]
            candidates = modules + ([target] if len(modules) < len(node.names) else [])
        else:
            assert isinstance(node, ast.Import)
            candidates = [a.name for a in node.names]
        out |= {c for c in candidates if c in MODULES and c != name}
    return out


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_cycle_finder_finds_a_cycle_and_accepts_a_tree() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b", "c"}, "b": {"c"}, "c": set()}) == []


def test_delegate_imports_are_skipped_and_others_counted() -> None:
    code = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from .b import B\n"
        "from .c import C\n"
        "class R:\n"
        "    def plot(self):\n        from .d import draw\n"
        "    def other(self):\n        from .e import thing\n"
    )
    nodes = _imports(ast.parse(code))
    seen = {(n.module, d) for n, d in nodes if isinstance(n, ast.ImportFrom) and n.level}
    assert seen == {("c", False), ("d", True), ("e", False)}


def test_every_module_is_under_400_lines() -> None:
    long = {
        name: n
        for name, path in MODULES.items()
        if (n := len(path.read_text().splitlines())) >= MAX_LINES
    }
    assert long == {}


def test_imports_flow_one_way() -> None:
    graph = {name: dependencies(name, path) for name, path in MODULES.items()}
    assert cycles(graph) == []


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_private_name_is_imported_across_packages(name: str) -> None:
    """``from ..other._private import x`` couples two packages through a private module.

    Top-level private modules (``blina_stats._constants``) serve the whole package.
    """
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node, _ in _imports(ast.parse(path.read_text())):
        if not isinstance(node, ast.ImportFrom) or not node.level:
            continue
        base = package.split(".")[: len(package.split(".")) - node.level + 1]
        target = ".".join(base + ([node.module] if node.module else []))
        own = target == package or target.startswith(package + ".")
        private_module = target not in SHARED and any(
            p.startswith("_") for p in target.split(".")[2:]
        )
        private_names = [
            a.name for a in node.names if a.name.startswith("_") and not a.name.endswith("__")
        ]
        assert own or not (private_module or private_names), (
            f"{name} imports {[a.name for a in node.names]} from {target}"
        )


#: what a figure module may import at run time: its own package and the package-wide basics
PLOTS_MAY_IMPORT = ("blina_stats.plots", "blina_stats.errors", "blina_stats._constants")


@pytest.mark.parametrize("name", sorted(n for n in MODULES if n.startswith("blina_stats.plots")))
def test_figures_read_only_the_result_they_are_given(name: str) -> None:
    """A figure gets a result (types under TYPE_CHECKING only) and imports no analysis code."""
    reached = dependencies(name, MODULES[name])
    assert [m for m in sorted(reached) if not m.startswith(PLOTS_MAY_IMPORT)] == []
