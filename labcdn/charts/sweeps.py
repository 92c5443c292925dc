"""Charts of sweep results (the appendix chapter): polars frames in, Altair charts out."""

from __future__ import annotations

import altair as alt
import polars as pl

WIDTH = 420
HEIGHT = 260


def heatmap(frame: pl.DataFrame, x: str, y: str, value: str, *, x_title: str, y_title: str, value_title: str,
            title: str = "") -> alt.Chart:
    """One cell per grid point, coloured by ``value``.

    Parameters
    ----------
    frame : polars.DataFrame
        One row per point with columns ``x``, ``y`` and ``value`` (aggregate replicates first).
    x, y, value : str
        Column names.
    x_title, y_title, value_title, title : str
        Axis, legend and chart titles.

    Returns
    -------
    altair.Chart
    """
    return (
        alt.Chart(frame.select(x, y, value), title=title)
        .mark_rect()
        .encode(
            x=alt.X(f"{x}:O", title=x_title, axis=alt.Axis(labelAngle=0, labelExpr="format(datum.value, '.1f')")),
            y=alt.Y(f"{y}:O", title=y_title, sort="descending", axis=alt.Axis(labelExpr="format(datum.value, '.2f')")),
            color=alt.Color(f"{value}:Q", title=value_title, scale=alt.Scale(scheme="viridis")),
            tooltip=[alt.Tooltip(f"{x}:Q", format=".2f"), alt.Tooltip(f"{y}:Q", format=".2f"),
                     alt.Tooltip(f"{value}:Q", format=".3f")],
        )
        .properties(width=WIDTH, height=HEIGHT)
    )


def lines(frame: pl.DataFrame, x: str, value: str, series: str, *, x_title: str, value_title: str,
          published: float | None = None, title: str = "") -> alt.LayerChart:
    """``value`` against ``x``, one line per ``series``; a dashed rule at a published value when given.

    Parameters
    ----------
    frame : polars.DataFrame
        Tidy rows with columns ``x``, ``value`` and ``series``; other columns are kept
        (a grid slider filters on one).
    x, value, series : str
        Column names.
    x_title, value_title, title : str
    published : float, optional
        Height of the dashed rule.

    Returns
    -------
    altair.LayerChart
    """
    base = alt.Chart(frame).encode(
        x=alt.X(f"{x}:Q", title=x_title),
        y=alt.Y(f"{value}:Q", title=value_title, scale=alt.Scale(domain=[0, 1])),
        color=alt.Color(f"{series}:N", title=None),
        tooltip=[series, alt.Tooltip(f"{x}:Q", format=".2f"), alt.Tooltip(f"{value}:Q", format=".3f")],
    )
    layers = [base.mark_line(point=True)]
    if published is not None:
        rule = pl.DataFrame({value: [published]})
        layers.append(alt.Chart(rule).mark_rule(strokeDash=[4, 3], color="gray").encode(y=f"{value}:Q"))
    return alt.layer(*layers).properties(width=WIDTH, height=HEIGHT, title=title)
