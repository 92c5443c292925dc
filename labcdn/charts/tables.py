"""Tables for readers: a polars frame through Great Tables (polars' ``DataFrame.style``).

Each table gets a fixed HTML id, so re-executing a notebook gives the same bytes
(nbval compares them); Great Tables would otherwise draw a random one.
"""

from __future__ import annotations

import polars as pl


def styled(frame: pl.DataFrame, key: str, title: str | None = None, subtitle: str | None = None):
    """``frame`` as a Great Tables table with the id ``labcdn-<key>``.

    Parameters
    ----------
    frame : polars.DataFrame
        The rows to show (round numbers first: the table prints what it gets).
    key : str
        A name unique in the book (letters, digits, ``-``).
    title, subtitle : str, optional
        Header lines.

    Returns
    -------
    great_tables.GT
    """
    if not isinstance(frame, pl.DataFrame):
        raise ValueError(f"frame must be a polars.DataFrame; got {type(frame).__name__}")
    if not key or not all(c.isalnum() or c == "-" for c in key):
        raise ValueError(f"key={key!r} must be non-empty letters, digits and '-'")
    table = frame.style.with_id(f"labcdn-{key}")
    if title:
        table = table.tab_header(title=title, subtitle=subtitle)
    return table.tab_options(table_font_size="12px")
