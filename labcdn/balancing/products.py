"""The load balancers named in the source material: layer, algorithms, health checks, features, and sources.

``data/load_balancers.csv`` has one row per product; list-valued cells are
separated by ``|``, and every row names the documentation or source code it
was read from. ``closest_models`` lists the algorithms of this package that
model the product's rules most closely.
"""

from __future__ import annotations

import csv
from pathlib import Path

import polars as pl

from labcdn.balancing.algorithms import ALGORITHMS

PRODUCTS_PATH = Path(__file__).resolve().parents[2] / "data" / "load_balancers.csv"
COLUMNS = ("product", "layer", "algorithms", "health_checks", "features", "closest_models", "source")
LAYERS = ("L3", "L4", "L7")
LIST_COLUMNS = ("layer", "algorithms", "features", "closest_models")


def products(path=None, *, long=False) -> pl.DataFrame:
    """The product table, checked.

    Parameters
    ----------
    path : str or Path, optional
        The CSV; defaults to ``data/load_balancers.csv``.
    long : bool
        False: one row per product, list cells as polars lists. True: one row
        per (product, algorithm), for filtering by algorithm.

    Returns
    -------
    polars.DataFrame

    Raises
    ------
    ValueError
        Naming the file and the line of the first malformed row.
    """
    path = Path(PRODUCTS_PATH if path is None else path)
    with open(path, newline="") as fh:
        rows = list(csv.reader(fh))
    if not rows or tuple(rows[0]) != COLUMNS:
        raise ValueError(f"{path}:1: header must be {','.join(COLUMNS)}")
    records = []
    for line, row in enumerate(rows[1:], start=2):
        if len(row) != len(COLUMNS):
            raise ValueError(f"{path}:{line}: expected {len(COLUMNS)} fields, got {len(row)}")
        rec = dict(zip(COLUMNS, (cell.strip() for cell in row), strict=True))
        for name in COLUMNS:
            if not rec[name]:
                raise ValueError(f"{path}:{line}: empty {name}")
        for name in LIST_COLUMNS:
            rec[name] = [item.strip() for item in rec[name].split("|")]
        bad = sorted(set(rec["layer"]) - set(LAYERS))
        if bad:
            raise ValueError(f"{path}:{line}: layer {bad} is not one of {LAYERS}")
        bad = sorted(set(rec["closest_models"]) - set(ALGORITHMS))
        if bad:
            raise ValueError(f"{path}:{line}: closest_models {bad} are not labcdn.balancing algorithms")
        if "http" not in rec["source"] and "manual page" not in rec["source"]:
            raise ValueError(f"{path}:{line}: source must cite a document or page")
        records.append(rec)
    frame = pl.DataFrame(records, schema={name: (pl.List(pl.String) if name in LIST_COLUMNS else pl.String)
                                          for name in COLUMNS})
    if long:
        return frame.explode("algorithms").rename({"algorithms": "algorithm"})
    return frame
