"""Charts for the popularity chapters: polars frames in, Altair charts out."""

from __future__ import annotations

import altair as alt
import polars as pl

from labcdn.popularity.figures import STORAGE_RATIO

RANKING_COLORS = alt.Scale(domain=["file", "title"], range=["#1f77b4", "#d62728"])
WIDTH = 420
HEIGHT = 260


def files_per_title(frame: pl.DataFrame) -> alt.Chart:
    """Stacked bars: files of each kind for a typical title of each scope.

    ``frame``: ``scope, kind, files`` (one row per scope and kind).
    """
    return (
        alt.Chart(frame, title="Files per title, by release scope")
        .mark_bar()
        .encode(
            x=alt.X("files:Q", title="files per title (median)"),
            y=alt.Y("scope:N", title=None, sort=["global", "regional", "local"]),
            color=alt.Color("kind:N", title="file kind", sort=["video", "audio", "text"]),
            tooltip=["scope", "kind", "files"],
        )
        .properties(width=WIDTH, height=120)
    )


def efficiency_curves(curves: pl.DataFrame, target: float | None = None):
    """Caching efficiency against storage for file- and title-level ranking.

    ``curves``: ``ranking, capacity_fraction, efficiency``. A horizontal rule marks
    the target efficiency when given.
    """
    base = alt.Chart(curves).encode(
        x=alt.X("capacity_fraction:Q", title="cache size (share of the catalogue's bytes)",
                axis=alt.Axis(format="%")),
        y=alt.Y("efficiency:Q", title="caching efficiency (bytes from cache ÷ all bytes)",
                axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
        color=alt.Color("ranking:N", scale=RANKING_COLORS, title="ranking by"),
    )
    layers = [base.mark_line(), base.mark_line(opacity=0).encode(tooltip=["ranking", "capacity_fraction", "efficiency"])]
    if target is not None:
        rule = pl.DataFrame({"efficiency": [target], "label": [f"target {target:.0%}"]})
        layers.append(alt.Chart(rule).mark_rule(strokeDash=[4, 3], color="gray").encode(y="efficiency:Q"))
    return alt.layer(*layers).properties(width=WIDTH, height=HEIGHT, title="Efficiency–storage curves")


def ratio_by_parameter(sweep: pl.DataFrame, parameter: str, title: str, published: float = STORAGE_RATIO):
    """The storage ratio as one parameter moves, with the published ~0.5 as a rule.

    ``sweep``: :func:`labcdn.popularity.ratio_sweep`'s frame. ``published``: "the same
    caching efficiency with about half the storage" (:data:`labcdn.popularity.STORAGE_RATIO`).
    """
    data = sweep.filter(pl.col("parameter") == parameter)
    line = (
        alt.Chart(data)
        .mark_line(point=True)
        .encode(
            x=alt.X("value:Q", title=title),
            y=alt.Y("ratio:Q", title="storage ratio (file ÷ title)", scale=alt.Scale(domain=[0, 1])),
            tooltip=["value", "ratio", "file_storage_fraction", "title_storage_fraction"],
        )
    )
    rule = alt.Chart(pl.DataFrame({"ratio": [published]})).mark_rule(strokeDash=[4, 3], color="gray").encode(
        y="ratio:Q"
    )
    return alt.layer(line, rule).properties(width=260, height=200)


def within_title(lorenz: pl.DataFrame) -> alt.Chart:
    """Share of a title's bytes carried by its most-viewed files, against the share of its storage.

    ``lorenz``: ``scope, storage_share, bytes_share`` (files in descending views).
    """
    return (
        alt.Chart(lorenz, title="Inside one title: few files carry most bytes")
        .mark_line()
        .encode(
            x=alt.X("storage_share:Q", title="share of the title's storage (most-viewed files first)",
                    axis=alt.Axis(format="%")),
            y=alt.Y("bytes_share:Q", title="share of the title's bytes streamed", axis=alt.Axis(format="%")),
            color=alt.Color("scope:N", sort=["global", "regional", "local"]),
        )
        .properties(width=WIDTH, height=HEIGHT)
    )


def decay(profiles: pl.DataFrame) -> alt.Chart:
    """Weekly demand after debut, relative to the debut week: data beside model.

    ``profiles``: ``source, weeks_since_debut, median_relative_hours``.
    """
    return (
        alt.Chart(profiles, title="Release spike and decay")
        .mark_line(point=True)
        .encode(
            x=alt.X("weeks_since_debut:O", title="weeks since debut"),
            y=alt.Y("median_relative_hours:Q", title="median views ÷ debut week"),
            color=alt.Color("source:N", title=None),
        )
        .properties(width=300, height=220)
    )


def turnover(summary: pl.DataFrame) -> alt.Chart:
    """Mean weekly churn and carry-over of the top-10 lists, data beside model.

    ``summary``: ``source, category, metric, value``.
    """
    return (
        alt.Chart(summary, title="How much of this week's top 10 last week's list already held")
        .mark_bar()
        .encode(
            x=alt.X("value:Q", title=None),
            y=alt.Y("category:N", title=None),
            color=alt.Color("source:N", title=None),
            yOffset="source:N",
            column=alt.Column("metric:N", title=None),
            tooltip=["source", "category", "metric", alt.Tooltip("value:Q", format=".2f")],
        )
        .properties(width=220, height=160)
        .resolve_scale(x="independent")
    )
