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


def fill_days(days: pl.DataFrame) -> alt.Chart:
    """Next-day caching efficiency of each predictor, day by day.

    ``days``: :func:`labcdn.prediction.simulate_fill` frames, concatenated.
    """
    return (
        alt.Chart(days, title="Next-day efficiency of the nightly fill")
        .mark_line()
        .encode(
            x=alt.X("day:Q", title="day"),
            y=alt.Y("efficiency:Q", title="bytes served from the appliance ÷ all bytes", axis=alt.Axis(format="%"),
                    scale=alt.Scale(zero=False)),
            color=alt.Color("method:N", sort=METHOD_ORDER, title="prediction"),
            tooltip=["day", "method", alt.Tooltip("efficiency:Q", format=".3f"),
                     alt.Tooltip("churn:Q", format=".3f")],
        )
        .properties(width=420, height=240)
    )


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
