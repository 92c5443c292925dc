"""The code version of a study: what must not change between the chunks of one sweep.

A sweep resumed after an edit to its model would mix two models' results in
one table. :func:`code_version` fingerprints everything a study's results
depend on: the module defining its point function, every labcdn module its ``modules``
import (followed through ``import`` statements, transitively, from the source
files themselves), the input files it declares, and the seed derivation in
:mod:`labcdn.sweep.grid`. An edit anywhere else (a chart, another study)
leaves it unchanged; so does an edit to the sweep machinery other than
the seed derivation.
"""

from __future__ import annotations

import hashlib
import inspect
import re
from pathlib import Path

import labcdn

_ROOT = Path(labcdn.__file__).resolve().parent


def _spec_file(name: str) -> Path | None:
    """Source file of labcdn module ``name`` (``None`` if it names no module, e.g. a function)."""
    parts = name.split(".")[1:]
    base = _ROOT.joinpath(*parts)
    for path in (base / "__init__.py", base.with_suffix(".py") if parts else None):
        if path is not None and path.is_file():
            return path
    return None


_FROM = re.compile(r"^[ \t]*from[ \t]+(\.*[\w.]*)[ \t]+import[ \t]+(\([^)]*\)|[^\n]*)", re.M)
_IMPORT = re.compile(r"^[ \t]*import[ \t]+([\w., \t]+)", re.M)


def _imports(path: Path, module: str) -> set[str]:
    """labcdn modules named by the import statements of one source file (read as text: fast, conservative)."""
    text = path.read_text()
    is_package = path.name == "__init__.py"
    package = module if is_package else module.rpartition(".")[0]
    found = set()
    for match in _IMPORT.finditer(text):
        found.update(n.split(" as ")[0].strip() for n in match[1].split(","))
    for match in _FROM.finditer(text):
        source = match[1]
        level = len(source) - len(source.lstrip("."))
        if level:
            base = package.rsplit(".", level - 1)[0] if level > 1 else package
            base = f"{base}.{source[level:]}" if source[level:] else base
        else:
            base = source
        found.add(base)
        names = re.sub(r"#[^\n]*", "", match[2]).strip("()")
        found.update(f"{base}.{n.split(' as ')[0].strip()}" for n in names.split(",") if n.strip())
    return {n for n in found if n == "labcdn" or n.startswith("labcdn.")}


def module_closure(roots) -> dict[str, Path]:
    """Every labcdn module reachable from ``roots`` by import statements.

    Parameters
    ----------
    roots : iterable of str
        Module names, e.g. ``["labcdn.popularity.ranking"]``.

    Returns
    -------
    dict
        Module name -> source file, sorted by name; packages of submodules included.
    """
    todo, seen = list(roots), {}
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        path = _spec_file(name)
        if path is None:
            continue
        seen[name] = path
        todo.extend(_imports(path, name) - set(seen))
        parent = name.rpartition(".")[0]
        if parent and parent not in seen:
            todo.append(parent)  # importing a submodule runs its package's __init__
    return dict(sorted(seen.items()))


def code_version(study) -> str:
    """``"<labcdn version>+<16 hex digits>"`` fingerprinting what ``study``'s results depend on.

    Parameters
    ----------
    study : labcdn.sweep.Study

    Returns
    -------
    str
    """
    h = hashlib.sha256()
    h.update(Path(inspect.getsourcefile(study.point)).read_bytes())  # the point function's whole module
    files = {**module_closure(study.modules), "labcdn.sweep.grid": Path(__file__).with_name("grid.py")}
    for name, path in sorted(files.items()):
        h.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    for path in study.data:
        path = Path(path)
        h.update(path.name.encode() + b"\0" + (path.read_bytes() if path.is_file() else b"<missing>") + b"\0")
    return f"{labcdn.__version__}+{h.hexdigest()[:16]}"
