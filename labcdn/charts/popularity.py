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


def efficiency_curves(curves: pl.DataFrame, target: float | None = None, *, x_domain=None,
                      note: str | None = None):
    """Caching efficiency against storage for file- and title-level ranking.

    ``curves``: ``ranking, capacity_fraction, efficiency``. A horizontal rule, labelled,
    marks the target efficiency when given. ``x_domain``: the x axis's ``[low, high]``
    (fixed over a slider's range; default from the data). ``note``: a line of text in the
    top left corner, drawn from data (a live panel that changes it changes data, not the chart).
    """
    x_scale = alt.Scale(domain=list(x_domain)) if x_domain is not None else alt.Undefined
    base = alt.Chart(curves).encode(
        x=alt.X("capacity_fraction:Q", title="cache size (share of the catalogue's bytes)",
                axis=alt.Axis(format="%"), scale=x_scale),
        y=alt.Y("efficiency:Q", title="caching efficiency (bytes from cache ÷ all bytes)",
                axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
        color=alt.Color("ranking:N", scale=RANKING_COLORS, title="ranking by"),
    )
    # Channel objects throughout (no shorthand strings or dicts): Altair builds them without a schema
    # lookup, which keeps the live panel's redraw cheap.
    layers = [base.mark_line().encode(tooltip=[alt.Tooltip("ranking:N"),
                                               alt.Tooltip("capacity_fraction:Q", format=".1%"),
                                               alt.Tooltip("efficiency:Q", format=".1%")])]
    if target is not None:
        rule = pl.DataFrame({"efficiency": [target], "label": [f"target {target:.0%}"]})
        layers += [alt.Chart(rule).mark_rule(strokeDash=[4, 3], color="gray").encode(y=alt.Y("efficiency:Q")),
                   alt.Chart(rule).mark_text(align="right", baseline="top", dy=3, color="gray").encode(
                       y=alt.Y("efficiency:Q"), x=alt.XValue(WIDTH - 4), text=alt.Text("label:N"))]
    if note is not None:
        layers.append(alt.Chart(pl.DataFrame({"note": [note]})).mark_text(align="left", fontSize=13).encode(
            x=alt.XValue(10), y=alt.YValue(12), text=alt.Text("note:N")))
    return alt.layer(*layers).properties(width=WIDTH, height=HEIGHT, title="Efficiency–storage curves")


def _published(published: float, channel: str = "y"):
    """The published ratio as a dashed red rule with its label."""
    data = pl.DataFrame({"published": [published], "text": [f"published ~{published}"]})
    rule = alt.Chart(data).mark_rule(strokeDash=[6, 3], color="#d62728").encode(**{channel: "published:Q"})
    if channel == "y":
        text = alt.Chart(data).mark_text(align="left", dx=4, dy=-6, color="#d62728").encode(
            y="published:Q", x=alt.value(0), text="text:N")
    else:
        text = alt.Chart(data).mark_text(align="left", dx=4, baseline="top", color="#d62728").encode(
            x="published:Q", y=alt.value(0), text="text:N")
    return [rule, text]


def ratio_by_parameter(sweep: pl.DataFrame, parameter: str, title: str, published: float = STORAGE_RATIO):
    """The storage ratio as one parameter moves, with the published ~0.5 as a rule.

    ``sweep``: :func:`labcdn.popularity.ratio_sweep`'s frame. ``published``: "the same
    caching efficiency with about half the storage" (:data:`labcdn.popularity.STORAGE_RATIO`;
    the switch was in 2016).
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
    return alt.layer(line, *_published(published)).properties(width=260, height=200)


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


def waterfall(steps: pl.DataFrame, published: float):
    """The headline's waterfall: each step's change as a floating bar, its seed band as a whisker.

    ``steps``: :func:`labcdn.popularity.waterfall`'s ``steps`` frame (``step, label,
    source_short, ratio, delta, p05, p95``). ``published``: the published ratio, drawn
    as a dashed rule.
    """
    data = steps.with_columns((pl.col("ratio") - pl.col("delta")).alias("start"))
    order = data["label"].to_list()
    x = alt.X("label:N", title=None, sort=order, axis=alt.Axis(labelAngle=0, labelLimit=200))
    base = alt.Chart(data).encode(x=x)
    bars = base.mark_bar(size=60).encode(
        y=alt.Y("start:Q", title="storage ratio, file ÷ title", scale=alt.Scale(domain=[0, 0.6])),
        y2="ratio:Q",
        color=alt.condition(alt.datum.step == 0, alt.value("#7f7f7f"), alt.value("#1f77b4")),
        tooltip=["label", "source_short", alt.Tooltip("ratio:Q", format=".3f"), alt.Tooltip("delta:Q", format="+.3f"),
                 alt.Tooltip("p05:Q", format=".3f"), alt.Tooltip("p95:Q", format=".3f")],
    )
    band = base.mark_rule(strokeWidth=2, color="black").encode(y="p05:Q", y2="p95:Q")
    value = base.mark_text(dy=-10, fontSize=11).encode(y="ratio:Q", text=alt.Text("ratio:Q", format=".2f"))
    source = base.mark_text(dy=14, fontSize=9, color="#444").encode(y=alt.datum(0), text="source_short:N")
    return alt.layer(bars, band, value, source, *_published(published)).properties(
        width=WIDTH + 120, height=HEIGHT, title="From today's exact ratio to the grounded 2016 headline")


def sensitivity(frame: pl.DataFrame, parameter: str, title: str, published: float, log: bool = False):
    """The headline ratio as one assumption moves over its range (``frame``: ``parameter, value, ratio``)."""
    data = frame.filter(pl.col("parameter") == parameter)
    scale = alt.Scale(type="log") if log else alt.Scale(zero=False)
    line = alt.Chart(data).mark_line(point=True).encode(
        x=alt.X("value:Q", title=title, scale=scale),
        y=alt.Y("ratio:Q", title="storage ratio", scale=alt.Scale(domain=[0, 0.6])),
        tooltip=["value", alt.Tooltip("ratio:Q", format=".3f")])
    return alt.layer(line, *_published(published)).properties(width=200, height=160)


def headline_slider(grid: pl.DataFrame, eras: list[str], qualities: list[float], *, target: float):
    """Kernel-free: efficiency curves for every (era, prediction quality), picked by a menu and a slider.

    ``grid``: ``era, quality, ranking, capacity_fraction, efficiency, ratio``; ``quality`` is
    log10 of the factor on the derived sessions per day, evenly spaced over ``qualities``.
    Both axes are fixed over the whole grid, so what moves is the curves.
    """
    step = float(qualities[1] - qualities[0]) if len(qualities) > 1 else 1.0
    era = alt.param(name="era", value=eras[0], bind=alt.binding_select(options=eras, name="era "))
    quality = alt.param(name="quality", value=0.0, bind=alt.binding_range(
        min=float(qualities[0]), max=float(qualities[-1]), step=step,
        name="prediction quality: log10(sessions counted ÷ derived) "))
    pick = (alt.datum.era == era) & (alt.expr.abs(alt.datum.quality - quality) < step / 2)
    x_domain = [float(grid["capacity_fraction"].min()), float(grid["capacity_fraction"].max())]
    curves = efficiency_curves(grid.select("era", "quality", "ranking", "capacity_fraction", "efficiency"),
                               target=target, x_domain=x_domain)
    ratio = (grid.group_by("era", "quality", maintain_order=True).agg(pl.col("ratio").first())
             .with_columns(pl.format("storage ratio {}", pl.col("ratio").round(3)).alias("text")))
    label = alt.Chart(ratio).mark_text(align="left", fontSize=13).encode(
        x=alt.value(10), y=alt.value(12), text="text:N").transform_filter(pick)
    layers = [layer.transform_filter(pick) if i == 0 else layer for i, layer in enumerate(curves.layer)]
    return alt.layer(*layers, label).add_params(era, quality).properties(
        width=WIDTH, height=HEIGHT, title="Efficiency–storage curves: pick the era and the prediction quality")


def episode_files(frame: pl.DataFrame) -> alt.Chart:
    """Stacked bars: one episode's files by kind, each segment a codec family (``kind, family, files``)."""
    return (
        alt.Chart(frame, title="One episode's files, by kind and family")
        .mark_bar(stroke="white", strokeWidth=0.5)
        .encode(
            x=alt.X("sum(files):Q", title="files"),
            y=alt.Y("kind:N", title=None, sort=["video", "audio", "text"]),
            color=alt.Color("kind:N", sort=["video", "audio", "text"], title="file kind"),
            tooltip=["kind", "family", "rungs", "copies", "languages", "files"],
        )
        .properties(width=WIDTH, height=110)
    )


def ladder_sensitivity(frame: pl.DataFrame, published: float):
    """Bars: the headline with each assumed group of codec families left out (``without, ratio``)."""
    bars = alt.Chart(frame).mark_bar().encode(
        y=alt.Y("without:N", title="2016 ladder without", sort=frame["without"].to_list()),
        x=alt.X("ratio:Q", title="storage ratio, file ÷ title", scale=alt.Scale(domain=[0, 0.6])),
        tooltip=["without", "files_per_global_episode", alt.Tooltip("ratio:Q", format=".3f")])
    return alt.layer(bars, *_published(published, "x")).properties(width=WIDTH, height=110)
