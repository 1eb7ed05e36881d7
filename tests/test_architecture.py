"""The layout holds: stages import one way, SQL stays in store/, parsing never fetches.

Read from the source (AST), so a change that breaks the layout fails here, not in review.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "service"
# What stays at the top: what every stage shares.
SHARED = {"domain", "clock", "logs", "metrics", "cli", "__main__", "__init__"}


def _module(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def modules() -> dict[str, Path]:
    return {_module(p): p for p in ROOT.rglob("*.py")}


def _imports(name: str) -> Iterator[tuple[str, int, bool]]:
    """(imported module, line, at module level) of every import in module `name`."""
    path = modules()[name]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    top_level = {id(n) for n in tree.body}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno, id(node) in top_level
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            for alias in node.names:
                full = f"{target}.{alias.name}"
                if target.startswith("service") and full not in modules():
                    full = target  # a name defined in that module, not a submodule
                yield full, node.lineno, id(node) in top_level


def _resolve(target: str) -> str | None:
    while target and target not in modules():
        target = target.rpartition(".")[0]
    return target or None


def graph() -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for name in modules():
        edges = {_resolve(t) for t, _, _ in _imports(name) if t.startswith("service")}
        out[name] = {e for e in edges if e and e != name}
    return out


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one node (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in edges:
        if root in index:
            continue
        work = [(root, iter(sorted(edges.get(root, ()))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
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
    return found


def _stage(module: str) -> str:
    return ".".join(module.split(".")[:2])


def test_the_loop_finder_finds_loops() -> None:
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set()}
    assert _cycles(edges) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_module_imports_itself_round_a_loop() -> None:
    assert _cycles(graph()) == []


def test_stages_import_one_way() -> None:
    stages: dict[str, set[str]] = {}
    for name, targets in graph().items():
        stages.setdefault(_stage(name), set()).update(
            _stage(t) for t in targets if _stage(t) != _stage(name)
        )
    assert _cycles(stages) == []


def test_only_shared_modules_stay_at_the_top() -> None:
    top = {p.stem for p in ROOT.glob("*.py")}
    assert top <= SHARED, f"move {sorted(top - SHARED)} into the stage package it belongs to"


@pytest.mark.parametrize("name", sorted(m for m in modules() if not m.startswith("service.store")))
def test_sql_is_written_only_in_store(name: str) -> None:
    # Outside store/, SQLAlchemy may appear as a type (a Session passed along), no more.
    allowed = {"sqlalchemy.orm.Session"}
    used = {t for t, _, _ in _imports(name) if t.startswith("sqlalchemy")}
    assert used <= allowed, f"{name} builds SQL: move it behind a function in service/store/"


PARSING = ("parse", "parse_fast", "parse_json", "entries", "charset", "guard", "sandbox")


@pytest.mark.parametrize("name", [f"service.poll.{m}" for m in PARSING])
def test_parsing_knows_nothing_of_fetching(name: str) -> None:
    fetching = ("service.poll.fetch", "service.poll.classify", "service.poll.wire", "aiohttp")
    used = [t for t, _, _ in _imports(name) if t.startswith(fetching)]
    assert used == [], f"{name} imports {used}: errors live in service.poll.errors"


def test_no_import_tricks() -> None:
    # cli.py picks the command module by name; everything else imports plainly.
    tricky = [
        name
        for name, path in modules().items()
        if name != "service.cli" and "importlib.import_module" in path.read_text("utf-8")
    ]
    assert tricky == []


def test_every_stage_package_says_what_goes_in_and_out() -> None:
    for init in ROOT.glob("*/__init__.py"):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert doc and len(doc) > 40, f"{init.parent.name}/ needs a docstring"
