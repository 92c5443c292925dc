"""Sliders that keep working in the static book, with no kernel.

A Python slider needs a kernel; a Vega-Lite parameter does not. The pattern:
run the numba model once per value on a grid (cheap: each run is milliseconds),
stack the tidy results with a column for the parameter, embed that small table
in the chart, and let a Vega-Lite parameter bound to a range input filter the
rows that belong to the current value.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import altair as alt
import numpy as np
import polars as pl

from labcdn._validation import check_range


def precompute(model: Callable[[float], pl.DataFrame], column: str, values: Sequence[float]) -> pl.DataFrame:
    """Run ``model(value)`` for each value and stack the frames with a ``column`` for the value.

    Parameters
    ----------
    model : callable
        Maps one parameter value to a tidy polars frame (keep it small:
        aggregate before returning; the whole grid is embedded in the page).
    column : str
        Name of the new column that records the parameter value.
    values : sequence of float
        The grid: evenly spaced, so the slider's step lands on every point.

    Returns
    -------
    polars.DataFrame
        All frames stacked, ``column`` first.
    """
    grid = _check_grid(values)
    frames = [model(float(v)).with_columns(pl.lit(float(v)).alias(column)) for v in grid]
    out = pl.concat(frames, how="vertical")
    return out.select([column, *[c for c in out.columns if c != column]])


def bind(chart: alt.Chart, column: str, values: Sequence[float], *, label: str, value: float | None = None):
    """Add a range slider over ``values`` that filters ``chart``'s rows on ``column``.

    Parameters
    ----------
    chart : altair.Chart
        A chart whose data holds a ``column`` (from :func:`precompute`).
    column : str
        The grid column to filter on.
    values : sequence of float
        The same evenly spaced grid given to :func:`precompute`.
    label : str
        Text shown beside the slider.
    value : float, optional
        Initial slider value; defaults to the grid point nearest the middle.

    Returns
    -------
    altair.Chart
        The chart with a bound parameter named after ``column``.
    """
    grid = _check_grid(values)
    step = float(grid[1] - grid[0]) if len(grid) > 1 else 1.0
    start = float(grid[len(grid) // 2]) if value is None else float(value)
    check_range("value", start, float(grid[0]), float(grid[-1]))
    param = alt.param(
        name=_param_name(column),
        value=start,
        bind=alt.binding_range(min=float(grid[0]), max=float(grid[-1]), step=step, name=label + " "),
    )
    # Compare with a tolerance: the grid values went through float formatting.
    condition = f"abs(datum['{column}'] - {param.name}) < {step / 2}"
    filtered = _filter_layers(chart, column, condition, inherited=False)
    if filtered is None:
        raise ValueError(f"no layer of the chart has a column {column!r} to filter on")
    return filtered.add_params(param)


def _filter_layers(chart, column: str, condition: str, inherited: bool):
    """Filter every (sub)chart whose data carries ``column``; leave other layers (rules, labels) alone.

    Returns ``None`` when no layer has the column.
    """
    own = getattr(chart, "data", alt.Undefined)
    has = _has_column(own, column) if own is not alt.Undefined else inherited
    if isinstance(chart, alt.LayerChart):
        layers = [_filter_layers(layer, column, condition, has) for layer in chart.layer]
        if all(layer is None for layer in layers):
            return None
        out = chart.copy(deep=False)
        out.layer = [new if new is not None else old for new, old in zip(layers, chart.layer, strict=True)]
        return out
    return chart.transform_filter(condition) if has else None


def _has_column(data, column: str) -> bool:
    columns = getattr(data, "columns", None)
    return columns is not None and column in list(columns)


def _param_name(column: str) -> str:
    return "p_" + "".join(ch if ch.isalnum() else "_" for ch in column)


def _check_grid(values) -> np.ndarray:
    grid = np.asarray(values, dtype=float)
    if grid.ndim != 1 or grid.size == 0:
        raise ValueError(f"values must be a non-empty 1-D grid; got shape {grid.shape}")
    if grid.size > 1:
        steps = np.diff(grid)
        if np.any(steps <= 0) or not np.allclose(steps, steps[0], rtol=1e-6, atol=0):
            raise ValueError("values must be evenly spaced and increasing (the slider moves in equal steps)")
    return grid
