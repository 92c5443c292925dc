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


def lines_beside(committed: pl.DataFrame, other: pl.DataFrame, x: str, value: str, series: str, *, x_title: str,
                 value_title: str, published: float | None = None, title: str = "") -> alt.LayerChart:
    """Two sweeps' lines on one chart, each from its own rows, so a grid slider can filter each on its own columns.

    Parameters
    ----------
    committed, other : polars.DataFrame
        Tidy rows with columns ``x``, ``value`` and ``series``, plus the grid columns a
        slider filters on; a slider bound to a column filters only the frames that have it.
    x, value, series : str
        Column names.
    x_title, value_title, title : str
    published : float, optional
        Height of a dashed rule, with its label in the legend.

    Returns
    -------
    altair.LayerChart
    """
    names = [*committed[series].unique(maintain_order=True), *other[series].unique(maintain_order=True)]
    color = alt.Color(f"{series}:N", title=None, scale=alt.Scale(domain=names, range=["#4c78a8", "#f58518"]),
                      legend=alt.Legend(orient="bottom", direction="vertical"))

    def layer(frame):
        return alt.Chart(frame).mark_line(point=True).encode(
            x=alt.X(f"{x}:Q", title=x_title, scale=alt.Scale(domain=[float(frame[x].min()), float(frame[x].max())])),
            y=alt.Y(f"{value}:Q", title=value_title, scale=alt.Scale(domain=[0, 1])),
            color=color,
            tooltip=[series, alt.Tooltip(f"{x}:Q", format=".2f"), alt.Tooltip(f"{value}:Q", format=".3f")],
        )

    layers = [layer(committed), layer(other)]
    if published is not None:
        rule = pl.DataFrame({value: [published], "label": [f"published: {published:g}"]})
        dash = alt.StrokeDash("label:N", title=None, scale=alt.Scale(domain=rule["label"].to_list(), range=[[4, 3]]),
                              legend=alt.Legend(orient="bottom"))
        layers.append(alt.Chart(rule).mark_rule(color="gray").encode(y=f"{value}:Q", strokeDash=dash))
    return alt.layer(*layers).properties(width=WIDTH, height=HEIGHT, title=title)
