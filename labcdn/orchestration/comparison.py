"""The feature comparison, Kubernetes against Mesos + Marathon, with a source for every cell.

The table lives in ``data/orchestrators.csv`` (committed): one row per aspect, the
two systems' answers, the sources of each, and -- where a model in this package
quantifies the row -- the dotted name of that model.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import polars as pl

from labcdn.datasets import MalformedLine

COLUMNS = ("aspect", "kubernetes", "mesos_marathon", "source_kubernetes", "source_mesos_marathon", "model")
PATH = Path(__file__).resolve().parents[2] / "data" / "orchestrators.csv"


def comparison(path=PATH) -> pl.DataFrame:
    """The comparison table, checked.

    Parameters
    ----------
    path : str or pathlib.Path
        The CSV (default ``data/orchestrators.csv`` in the repository).

    Returns
    -------
    polars.DataFrame
        Columns ``aspect``, ``kubernetes``, ``mesos_marathon``, ``source_kubernetes``,
        ``source_mesos_marathon`` (all non-empty) and ``model`` (null where no model
        quantifies the row; otherwise an importable ``labcdn.orchestration`` name).

    Raises
    ------
    MalformedLine
        Naming the file and line of a row with an empty cell, a repeated aspect or a
        model that does not import.
    """
    path = Path(path)
    frame = pl.read_csv(path, schema=dict.fromkeys(COLUMNS, pl.String))
    for i, row in enumerate(frame.iter_rows(named=True)):
        line = i + 2
        for col in COLUMNS[:-1]:
            if not (row[col] or "").strip():
                raise MalformedLine(path, line, row["aspect"] or "", f"{col} is empty")
        if frame["aspect"][:i].to_list().count(row["aspect"]):
            raise MalformedLine(path, line, row["aspect"], "aspect repeats an earlier row")
        if row["model"] and resolve(row["model"]) is None:
            raise MalformedLine(path, line, row["model"], "model does not name a labcdn.orchestration function")
    return frame


def resolve(name):
    """The object a dotted ``labcdn.orchestration`` name refers to, or None."""
    module, _, attr = name.rpartition(".")
    if not module.startswith("labcdn.orchestration"):
        return None
    try:
        return getattr(importlib.import_module(module), attr, None)
    except ImportError:
        return None


def quantified() -> pl.DataFrame:
    """The rows a model quantifies: ``aspect`` and ``model``."""
    return comparison().filter(pl.col("model").is_not_null()).select("aspect", "model")
