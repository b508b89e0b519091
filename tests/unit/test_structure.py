"""The package's shape: no import circle inside ``loket`` (counting imports inside functions,
and that importing ``a.b`` runs ``a`` first), and no private name used across modules."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "backend" / "loket"


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        if "migrations" in path.parts:
            continue  # Alembic loads these by file, not as modules
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


MODULES = _modules()


def _imported(module: str, node: ast.Import | ast.ImportFrom) -> list[tuple[str, str | None]]:
    """(module, name) pairs an import statement reaches inside ``loket``."""
    if isinstance(node, ast.Import):
        return [(alias.name, None) for alias in node.names]
    base = node.module or ""
    if node.level:
        package = module if MODULES[module].name == "__init__.py" else module.rpartition(".")[0]
        anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
        base = ".".join([*anchor, base] if base else anchor)
    return [(f"{base}.{alias.name}", None) if f"{base}.{alias.name}" in MODULES
            else (base, alias.name) for alias in node.names]


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {name: set() for name in MODULES}
    for module, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, (ast.Import, ast.ImportFrom)):
                continue
            for target, _name in _imported(module, node):
                while target not in MODULES and "." in target:
                    target = target.rpartition(".")[0]
                if target not in MODULES:
                    continue
                reached = [target]  # and the packages that run before it
                while "." in reached[-1]:
                    reached.append(reached[-1].rpartition(".")[0])
                graph[module] |= {t for t in reached if t in MODULES and t != module
                                  and not module.startswith(t + ".")}
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for succ in sorted(graph[node]):
            if succ not in index:
                visit(succ)
                low[node] = min(low[node], low[succ])
            elif succ in on_stack:
                low[node] = min(low[node], index[succ])
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


def test_the_graph_sees_the_package() -> None:
    graph = _graph()
    assert len(graph) > 80
    assert "loket.errors" in graph["loket.db"]          # a plain import
    assert "loket.catalog" in graph["loket.api"]         # the package runs before its module
    assert "loket.register.service" in graph["loket.register.api_manage"]


def test_the_cycle_finder_finds_one() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_circle_inside_loket() -> None:
    assert _cycles(_graph()) == []


def test_no_private_name_is_used_across_modules() -> None:
    crossings = []
    for module, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        aliases = {}
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                for alias, (target, name) in zip(node.names, _imported(module, node),
                                                 strict=True):
                    if name and name.startswith("_") and not name.startswith("__"):
                        crossings.append(f"{module} imports {target}.{name}")
                    if name is None and target.startswith("loket"):
                        aliases[alias.asname or alias.name.split(".")[-1]] = target
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                    and node.value.id in aliases and node.attr.startswith("_")
                    and not node.attr.startswith("__")):
                crossings.append(f"{module} uses {aliases[node.value.id]}.{node.attr}")
    assert crossings == []
