"""Keep the committed notebooks executed, small and reviewable.

``python -m labcdn.notebooks execute notebooks/*.ipynb`` runs each notebook
top to bottom in a fresh kernel (saving widget state, so the static book shows
the widgets), then strips what changes on every run: execution timestamps and
other volatile cell metadata. The result is nbval's reference.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat

VOLATILE_CELL_METADATA = ("execution", "collapsed", "scrolled", "ExecuteTime")
MAX_NOTEBOOK_BYTES = 2_000_000


def strip_volatile(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Remove per-run metadata so a re-execution only shows what changed in the study."""
    for cell in nb.cells:
        for key in VOLATILE_CELL_METADATA:
            cell.metadata.pop(key, None)
    nb.metadata.pop("toc-autonumbering", None)
    return nb


def execute(path: Path, timeout: int = 900) -> int:
    """Execute ``path`` in place; return its size in bytes."""
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        store_widget_state=True,
    )
    client.execute()
    strip_volatile(nb)
    nbformat.validate(nb)
    nbformat.write(nb, path)
    return path.stat().st_size


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m labcdn.notebooks", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("execute", help="execute notebooks in place and strip volatile metadata")
    run.add_argument("paths", nargs="+", type=Path)
    args = parser.parse_args(argv)
    status = 0
    for path in args.paths:
        size = execute(path)
        flag = "" if size <= MAX_NOTEBOOK_BYTES else "  (over the 2 MB budget: make its outputs smaller)"
        print(f"{path}: executed, {size / 1e6:.2f} MB{flag}")
        status |= size > MAX_NOTEBOOK_BYTES
    return status


if __name__ == "__main__":
    sys.exit(main())
