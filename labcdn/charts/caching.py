"""Charts for prediction, the nightly fill and reactive caching: polars in, Altair out."""

from __future__ import annotations

import altair as alt
import polars as pl

POLICY_ORDER = ["belady", "lru", "fifo", "lfu", "ranked", "ranked (hindsight)", "nightly fill"]
METHOD_ORDER = ["oracle", "ewma", "window", "yesterday"]


def hit_ratio_curves(curves: pl.DataFrame, metric: str = "byte_hit_ratio", title: str = "") -> alt.Chart:
    """Hit ratio of each policy against cache size.

    ``curves``: ``policy, capacity_fraction`` and the ``metric`` column.
    """
    label = {"byte_hit_ratio": "byte hit ratio", "hit_ratio": "request hit ratio"}.get(metric, metric)
    return (
        alt.Chart(curves, title=title)
        .mark_line(point=True)
        .encode(
            x=alt.X("capacity_fraction:Q", title="cache size (share of all distinct bytes)",
                    scale=alt.Scale(type="log"), axis=alt.Axis(format="%")),
            y=alt.Y(f"{metric}:Q", title=label, axis=alt.Axis(format="%")),
            color=alt.Color("policy:N", sort=POLICY_ORDER, title="policy"),
            strokeDash=alt.condition(alt.datum.policy == "belady", alt.value([4, 3]), alt.value([1, 0])),
            tooltip=["policy", alt.Tooltip("capacity_fraction:Q", format=".2%"),
                     alt.Tooltip(f"{metric}:Q", format=".3f")],
        )
        .properties(width=420, height=260)
    )


def fill_days(days: pl.DataFrame, *, y_domain=None, note: str | None = None):
    """Next-day caching efficiency of each predictor, day by day.

    ``days``: :func:`labcdn.prediction.simulate_fill` frames, concatenated. ``y_domain``:
    the efficiency axis's ``[low, high]``, fixed over a slider's whole grid (default: from
    the data, not starting at zero). ``note``: a line of text under the title, drawn from
    data (a live panel that changes it changes data, not the chart).
    """
    y_scale = alt.Scale(domain=list(y_domain)) if y_domain is not None else alt.Scale(zero=False)
    lines = (
        alt.Chart(days, title="Next-day efficiency of the nightly fill")
        .mark_line()
        .encode(
            x=alt.X("day:Q", title="day"),
            y=alt.Y("efficiency:Q", title="bytes served from the appliance ÷ all bytes", axis=alt.Axis(format="%"),
                    scale=y_scale),
            color=alt.Color("method:N", sort=METHOD_ORDER, title="prediction"),
            # channel objects, not strings: no schema lookup, a cheap redraw in the live panel
            tooltip=[alt.Tooltip("day:Q"), alt.Tooltip("method:N"), alt.Tooltip("efficiency:Q", format=".3f"),
                     alt.Tooltip("churn:Q", format=".3f")],
        )
        .properties(width=420, height=240)
    )
    if note is None:
        return lines
    text = alt.Chart(pl.DataFrame({"note": [note]})).mark_text(align="left", baseline="bottom").encode(
        x=alt.XValue(4), y=alt.YValue(236), text=alt.Text("note:N"))
    return alt.layer(lines, text)


def budget_effect(grid: pl.DataFrame) -> alt.Chart:
    """Mean next-day efficiency against the nightly fill budget, one line per method.

    ``grid``: ``method, budget_fraction, efficiency`` and any grid column.
    """
    return (
        alt.Chart(grid, title="What the nightly fill budget buys")
        .mark_line(point=True)
        .encode(
            x=alt.X("budget_fraction:Q", title="fill budget per night (share of the appliance)",
                    axis=alt.Axis(format="%")),
            y=alt.Y("efficiency:Q", title="mean next-day efficiency", axis=alt.Axis(format="%"),
                    scale=alt.Scale(zero=False)),
            color=alt.Color("method:N", sort=METHOD_ORDER, title="prediction"),
            tooltip=["method", "budget_fraction", alt.Tooltip("efficiency:Q", format=".3f")],
        )
        .properties(width=420, height=240)
    )


def serving_day(hourly: pl.DataFrame, fill_start: int, fill_end: int, title: str = "") -> alt.LayerChart:
    """Requests in each hour of the local day, the nightly fill window shaded.

    ``hourly``: :func:`labcdn.prediction.serving_day`'s ``hourly`` frame (``hour, requests,
    share, in_fill_window``). ``fill_start``, ``fill_end``: the window's first hour and the
    hour it closes (it may wrap past midnight).
    """
    spans = ([(fill_start, fill_end)] if fill_start < fill_end else [(fill_start, 24), (0, fill_end)])
    window = pl.DataFrame({"start": [float(a) for a, _ in spans], "end": [float(b) for _, b in spans],
                           "what": "fill window (12 h)"})
    bars = hourly.select(
        (pl.col("hour") + 0.5).alias("hour"), "share", "requests",
        pl.format("{}:00", pl.col("hour").cast(pl.String).str.zfill(2)).alias("label"),
        pl.lit("requests in the hour").alias("what"))
    x = alt.X("hour:Q", title="hour of the day (local time)", scale=alt.Scale(domain=[0, 24]),
              axis=alt.Axis(values=list(range(0, 25, 3)), labelExpr="datum.value + ':00'"))
    color = alt.Color("what:N", title=None, scale=alt.Scale(domain=["fill window (12 h)", "requests in the hour"],
                                                            range=["#cfe3f3", "#e07b39"]))
    shade = alt.Chart(window).mark_rect(opacity=0.8).encode(
        x=alt.X("start:Q", scale=alt.Scale(domain=[0, 24])), x2="end:Q", color=color)
    line = alt.Chart(bars).mark_bar(width=8).encode(
        x=x, y=alt.Y("share:Q", title="share of the day's requests", axis=alt.Axis(format="%")), color=color,
        tooltip=["label", "requests", alt.Tooltip("share:Q", format=".1%")])
    return alt.layer(shade, line).properties(width=420, height=200, title=title).configure_legend(
        orient="top")
