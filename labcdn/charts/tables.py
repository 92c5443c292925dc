"""Tables for readers: a polars frame shown through Great Tables, formatted, with units and no dtype row.

:func:`styled` is the plain form (``DataFrame.style`` with a fixed id, for tables already
rounded); :func:`table` formats each column itself. A raw polars repr is a lab print-out: a row of dtypes, quoted strings, "…" where rows
or columns are cut, ``383.0`` for a count and ``-0.0%`` for a rounding residue.
:func:`table` formats each column for reading instead (integers with thousands
separators, floats to a few significant digits, shares as percentages), puts units
in the column labels, shows every row (it refuses frames too long to read) and gives
the HTML a stable id, so re-executing a notebook gives the same bytes (nbval
compares them).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping

import polars as pl
from great_tables import GT

MAX_ROWS = 60


class Table:
    """A formatted table: ``.gt`` is the Great Tables object; displays as HTML (and plain text)."""

    def __init__(self, gt: GT, frame: pl.DataFrame, labels: Mapping[str, str]):
        self.gt = gt
        self._frame = frame
        self._labels = labels

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/html": self.gt.as_raw_html(), "text/plain": self._plain()}

    def _plain(self) -> str:
        header = " | ".join(self._labels.get(c, c) for c in self._frame.columns)
        lines = [" | ".join(_plain_cell(v) for v in row) for row in self._frame.iter_rows()]
        return "\n".join([header, *lines])


def table(
    frame: pl.DataFrame,
    *,
    title: str | None = None,
    subtitle: str | None = None,
    percent: Iterable[str] = (),
    units: Mapping[str, str] | None = None,
    labels: Mapping[str, str] | None = None,
    decimals: Mapping[str, int] | None = None,
    sig_figs: int = 3,
    max_rows: int = MAX_ROWS,
) -> Table:
    """Format ``frame`` for a reader.

    Parameters
    ----------
    frame : polars.DataFrame
        The rows to show, already aggregated (every row is shown).
    title, subtitle : str, optional
        Heading above the table.
    percent : iterable of str
        Columns holding shares (0.25 → 25.0%).
    units : mapping of str to str, optional
        Column → unit, shown in the label: ``{"latency": "ms"}`` → "latency (ms)".
    labels : mapping of str to str, optional
        Column → label (defaults to the column name with underscores as spaces).
    decimals : mapping of str to int, optional
        Column → fixed decimals, overriding the significant-figure default for floats.
    sig_figs : int
        Significant figures for other float columns.
    max_rows : int
        Longest frame accepted; a longer one should be aggregated or charted instead.

    Returns
    -------
    Table
        Displays as a Great Tables HTML table; ``.gt`` allows further styling.
    """
    if not isinstance(frame, pl.DataFrame):
        raise TypeError(f"frame must be a polars DataFrame; got {type(frame).__name__}")
    if frame.height > max_rows:
        raise ValueError(f"frame has {frame.height} rows; at most max_rows={max_rows} make a readable table")
    percent, units, decimals = set(percent), dict(units or {}), dict(decimals or {})
    unknown = sorted((percent | set(units) | set(decimals) | set(labels or {})) - set(frame.columns))
    if unknown:
        raise ValueError(f"columns {unknown} are not in the frame (columns: {frame.columns})")
    shown = {c: (labels or {}).get(c, c.replace("_", " ")) for c in frame.columns}
    shown = {c: f"{label} ({units[c]})" if c in units else label for c, label in shown.items()}
    frame = _clean(frame, percent, decimals, sig_figs)
    key = hashlib.sha1(
        repr((frame.to_dicts(), title, subtitle, sorted(percent), shown, decimals, sig_figs)).encode()
    ).hexdigest()[:12]
    gt = GT(frame, id=f"labcdn-table-{key}").cols_label(**shown).sub_missing(missing_text="—")
    if title or subtitle:
        gt = gt.tab_header(title=title or "", subtitle=subtitle)
    for col, dtype in frame.schema.items():
        if col in percent:
            gt = gt.fmt_percent(col, decimals=decimals.get(col, 1))
        elif dtype.is_integer():
            gt = gt.fmt_integer(col)
        elif dtype.is_float():
            if col in decimals:
                gt = gt.fmt_number(col, decimals=decimals[col])
            elif _whole(frame[col]):
                gt = gt.fmt_integer(col)
            else:
                gt = gt.fmt_number(col, n_sigfig=sig_figs)
    return Table(gt, frame, shown)


def _clean(frame: pl.DataFrame, percent: set[str], decimals: dict[str, int], sig_figs: int) -> pl.DataFrame:
    """Round away residues that would print as ``-0.0`` and turn negative zeros into zeros."""
    exprs = []
    for col, dtype in frame.schema.items():
        if not dtype.is_float():
            continue
        places = decimals.get(col, 1) + (2 if col in percent else 0)
        if col in percent or col in decimals:
            exprs.append((pl.col(col).round(places) + 0.0).alias(col))
        else:
            exprs.append((pl.col(col) + 0.0).alias(col))
    return frame.with_columns(exprs) if exprs else frame


def _whole(series: pl.Series) -> bool:
    values = series.drop_nulls().drop_nans()
    return values.len() > 0 and bool((values == values.round(0)).all()) and bool((values.abs() < 1e15).all())


def _plain_cell(value) -> str:
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return f"{int(value):,}"
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, int):
        return f"{value:,}"
    return "" if value is None else str(value)


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
