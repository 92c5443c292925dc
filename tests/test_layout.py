"""The package's shape, read from the source with ``ast``: no import cycles, no private names across packages.

Every ``import`` statement counts, at module level or inside a function: a
function-level import only postpones a cycle to the first call. A module's
*package* is ``labcdn.<first part>`` (``labcdn.popularity``, ``labcdn.cli``,
``labcdn._validation`` …); a name starting with ``_`` may be imported, or read
as ``module._name``, only by a module of the same package.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import labcdn

ROOT = Path(labcdn.__file__).resolve().parent


def _module_name(path: Path) -> str:
    parts = ["labcdn", *path.relative_to(ROOT).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in sorted(ROOT.rglob("*.py"))}
TREES = {name: ast.parse(path.read_text(), filename=str(path)) for name, path in MODULES.items()}


def _package(module: str) -> str:
    return ".".join(module.split(".")[:2])


def _absolute(module: str, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".")
    if MODULES[module].name != "__init__.py":
        base = base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _imports(module: str):
    """``(imported module, name or None, local alias)`` for every import statement of ``module``."""
    for node in ast.walk(TREES[module]):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("labcdn"):
                    # "import labcdn.x.y" binds "labcdn"; "import labcdn.x.y as z" binds z to labcdn.x.y
                    yield alias.name, None, alias.asname
        elif isinstance(node, ast.ImportFrom):
            source = _absolute(module, node)
            if source == "labcdn" or source.startswith("labcdn."):
                for alias in node.names:
                    yield source, alias.name, alias.asname or alias.name


def _edges(module: str) -> dict[str, set[str]]:
    """Modules ``module`` imports -> the names it takes from each (submodules count as modules)."""
    out: dict[str, set[str]] = {}
    for source, name, _ in _imports(module):
        target = f"{source}.{name}" if name and f"{source}.{name}" in MODULES else source
        while target not in MODULES and "." in target:
            target = target.rpartition(".")[0]
        out.setdefault(target, set())
        if name and target == source:
            out[target].add(name)
    return out


GRAPH = {m: set(_edges(m)) - {m} for m in MODULES}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index, low, on_stack, stack, found, counter = {}, {}, set(), [], [], [0]
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter[0]
                    counter[0] += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    top = stack.pop()
                    on_stack.discard(top)
                    component.append(top)
                    if top == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_the_graph_sees_the_imports():
    assert "labcdn.popularity.catalogue" in GRAPH["labcdn.popularity.demand"]
    assert "labcdn.cli.commands" in GRAPH["labcdn.cli.main"]
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles_between_labcdn_modules():
    assert _cycles(GRAPH) == []


def _private_reads(module: str):
    """``(module read from, private name)`` for ``alias._name`` reads of an imported labcdn module."""
    aliases = {}
    for source, name, alias in _imports(module):
        if name is None:
            aliases[alias] = source if alias else None
        elif f"{source}.{name}" in MODULES:
            aliases[alias] = f"{source}.{name}"
    for node in ast.walk(TREES[module]):
        if not isinstance(node, ast.Attribute):
            continue
        chain, inner = [node.attr], node.value
        while isinstance(inner, ast.Attribute):
            chain.append(inner.attr)
            inner = inner.value
        if not isinstance(inner, ast.Name):
            continue
        chain.reverse()
        if inner.id == "labcdn":
            target, rest = "labcdn", chain
        elif aliases.get(inner.id):
            target, rest = aliases[inner.id], chain
        else:
            continue
        for attr in rest:
            if f"{target}.{attr}" in MODULES:
                target = f"{target}.{attr}"
                continue
            if attr.startswith("_") and not attr.startswith("__"):
                yield target, attr
            break


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_private_names_across_packages(module):
    mine = _package(module)
    bad = []
    for source, name, _ in _imports(module):
        if name and name.startswith("_") and _package(source) != mine and f"{source}.{name}" not in MODULES:
            bad.append(f"from {source} import {name}")
    bad += [f"{source}.{name}" for source, name in _private_reads(module) if _package(source) != mine]
    assert not bad, f"{module} uses private names of other packages: {bad}"


def test_the_private_name_check_can_fail(tmp_path):
    tree = ast.parse("from labcdn.caching.policies import _prepare\nfrom labcdn import caching\ncaching.policies._x\n")
    TREES["labcdn.prediction.probe"] = tree
    MODULES["labcdn.prediction.probe"] = tmp_path / "probe.py"
    try:
        with pytest.raises(AssertionError, match=r"_prepare.*labcdn\.caching\.policies\._x"):
            test_no_private_names_across_packages("labcdn.prediction.probe")
    finally:
        del TREES["labcdn.prediction.probe"], MODULES["labcdn.prediction.probe"]
