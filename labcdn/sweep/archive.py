"""Sweep results committed under ``data/sweeps/`` for the book's heavier figures.

Each file is the ``--collect`` output of one ``labcdn sweep`` command, listed
with that command in ``data/sweeps/README.md``; ``tests/test_sweep.py``
recomputes a sample of its points and compares them exactly.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from labcdn._validation import check_choice

SWEEPS_DIR = Path(__file__).resolve().parents[2] / "data" / "sweeps"


def available() -> list[str]:
    """Names of the committed sweeps.

    Returns
    -------
    list of str
        File names under ``data/sweeps/`` without ``.csv``, sorted.
    """
    return sorted(p.stem for p in SWEEPS_DIR.glob("*.csv"))


def committed(name: str) -> pl.DataFrame:
    """Read one committed sweep.

    Parameters
    ----------
    name : str
        One of :func:`available`, e.g. ``"ranking_kappa_zipf"``.

    Returns
    -------
    polars.DataFrame
        ``point``, the grid's parameters, ``seed``, the study's results; one row per point (or a few).
    """
    check_choice("name", name, available())
    return pl.read_csv(SWEEPS_DIR / f"{name}.csv")
