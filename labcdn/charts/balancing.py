"""Charts for the load-balancing chapter: polars frames in, Altair charts out.

Every builder takes a small, already aggregated frame (the studies in
:mod:`labcdn.balancing` and the frames its metrics return) and gives each
algorithm the same colour in every chart.
"""

from __future__ import annotations

import altair as alt
import polars as pl

from labcdn.balancing.algorithms import ALGORITHMS
from labcdn.charts import templates
from labcdn.charts.captions import caption, caption_rows

PALETTE = ["#4c78a8", "#9ecae9", "#e45756", "#ff9da6", "#b279a2", "#bab0ac", "#54a24b", "#f58518", "#eeca3b",
           "#72b7b2"]
COLORS = alt.Scale(domain=list(ALGORITHMS), range=PALETTE)
STATISTICS = {"mean_ms": "mean", "p50_ms": "p50", "p99_ms": "p99", "p999_ms": "p99.9"}
WIDTH = 420
HEIGHT = 250


def _algorithm(frame: pl.DataFrame, title="algorithm"):
    """Colour by algorithm: the same colour for an algorithm in every chart, a legend of those present."""
    present = set(frame["algorithm"].to_list())
    domain = [a for a in ALGORITHMS if a in present]
    palette = dict(zip(ALGORITHMS, PALETTE, strict=True))
    return alt.Color("algorithm:N", title=title, sort=domain,
                     scale=alt.Scale(domain=domain, range=[palette[a] for a in domain]))


def _long_statistics(frame: pl.DataFrame, keep: list[str]) -> pl.DataFrame:
    """Melt the response-time columns of a metrics frame into ``statistic, ms``, rounded for small specs."""
    return (frame.select(*keep, *STATISTICS)
            .unpivot(index=keep, on=list(STATISTICS), variable_name="statistic", value_name="ms")
            .with_columns(pl.col("statistic").replace_strict(STATISTICS), pl.col("ms").round(2)))


def percentiles(frame: pl.DataFrame, title: str = "Response time by algorithm") -> alt.Chart:
    """Mean, p50, p99 and p99.9 response time per algorithm, on a log axis.

    ``frame``: :func:`labcdn.balancing.metrics` (one row per algorithm).
    """
    data = _long_statistics(frame, ["algorithm"])
    order = [a for a in ALGORITHMS if a in set(frame["algorithm"].to_list())]
    return (
        alt.Chart(data, title=title)
        .mark_point(filled=True, size=70)
        .encode(
            x=alt.X("ms:Q", title="response time (ms, log scale)", scale=alt.Scale(type="log"),
                    axis=alt.Axis(format="~s", labelOverlap="greedy")),
            y=alt.Y("algorithm:N", title=None, sort=order),
            color=alt.Color("statistic:N", sort=list(STATISTICS.values()), title="statistic",
                            scale=alt.Scale(domain=list(STATISTICS.values()),
                                            range=["#4c78a8", "#72b7b2", "#f58518", "#e45756"])),
            tooltip=["algorithm", "statistic", alt.Tooltip("ms:Q", format=".1f")],
        )
        .properties(width=WIDTH, height=22 * len(order))
    )


def failures_bar(frame: pl.DataFrame) -> alt.Chart:
    """Failed requests (lost, refused, no server) per algorithm.

    ``frame``: :func:`labcdn.balancing.metrics`.
    """
    order = [a for a in ALGORITHMS if a in set(frame["algorithm"].to_list())]
    return (
        alt.Chart(frame.select("algorithm", "failed"), title="Failed requests")
        .mark_bar()
        .encode(
            x=alt.X("failed:Q", title="requests"),
            y=alt.Y("algorithm:N", title=None, sort=order, axis=None),
            color=alt.value("#e45756"),
            tooltip=["algorithm", "failed"],
        )
        .properties(width=120, height=22 * len(order))
    )


def panel(frame: pl.DataFrame, title: str) -> alt.HConcatChart:
    """The widget's view: :func:`percentiles` beside :func:`failures_bar`, each with its own colours.

    ``frame``: :func:`labcdn.balancing.metrics`.
    """
    return alt.hconcat(percentiles(frame, title=title), failures_bar(frame)).resolve_scale(color="independent")


class LivePanel:
    """:func:`panel` under a caption, for a live control: built once per set of algorithms, then each redraw
    only fills in the rows (:class:`labcdn.charts.templates.Templates`).

    A redraw after a slider move changes only the numbers and the caption (the settings shown). The caption
    is data (:func:`labcdn.charts.captions.caption`), so the spec's shape stays fixed and a live view
    updates in place.
    """

    TITLE = "Response time by algorithm"

    def __init__(self):
        self._templates = templates.Templates()

    def __call__(self, frame: pl.DataFrame, text: str) -> templates.Spec:
        """The same chart as ``alt.vconcat(caption(text, WIDTH), panel(frame, LivePanel.TITLE))``."""
        key = tuple(sorted(set(frame["algorithm"].to_list())))
        rows = [caption_rows(text), _long_statistics(frame, ["algorithm"]), frame.select("algorithm", "failed")]
        return self._templates.fill(key, lambda: alt.vconcat(caption(text, WIDTH), panel(frame, self.TITLE)), rows)


def load_curves(frame: pl.DataFrame, statistic: str = "p99") -> alt.Chart:
    """Response time against offered load, one line per algorithm, with a dropdown for the statistic.

    ``frame``: :func:`labcdn.balancing.sweep` over ``load``. The dropdown is a
    Vega-Lite parameter, so it works in the static book; the y axis spans every statistic, so a
    change of statistic moves the lines, not the axis.
    """
    data = _long_statistics(frame, ["algorithm", "load"])
    shown = data.filter(pl.col("ms").is_finite() & (pl.col("ms") > 0))["ms"]  # a log axis: positive times
    y_scale = alt.Scale(type="log") if shown.is_empty() else alt.Scale(type="log", domain=[shown.min(), shown.max()])
    pick = alt.param(name="statistic", value=statistic,
                     bind=alt.binding_select(options=list(STATISTICS.values()), name="statistic "))
    return (
        alt.Chart(data, title="Response time against offered load")
        .mark_line(point=True)
        .encode(
            x=alt.X("load:Q", title="offered load (share of total capacity)", scale=alt.Scale(zero=False)),
            y=alt.Y("ms:Q", title="response time (ms, log scale)", scale=y_scale),
            color=_algorithm(data),
            tooltip=["algorithm", "load", "statistic", alt.Tooltip("ms:Q", format=".1f")],
        )
        .transform_filter("datum.statistic == statistic")
        .add_params(pick)
        .properties(width=WIDTH, height=HEIGHT)
    )


def queue_tail(frame: pl.DataFrame) -> alt.Chart:
    """Share of backends holding at least ``i`` requests: simulated points against theory lines.

    ``frame``: ``i, share, source, kind`` with ``kind`` "simulated" or "theory".
    """
    base = alt.Chart(frame).encode(
        x=alt.X("i:O", title="i (requests at a backend, at least)"),
        y=alt.Y("share:Q", title="share of backend-time with ≥ i requests (log)", scale=alt.Scale(type="log")),
        color=alt.Color("source:N", title=None),
        tooltip=["source", "i", alt.Tooltip("share:Q", format=".4f")],
    )
    lines = base.transform_filter("datum.kind == 'theory'").mark_line(strokeDash=[5, 3])
    points = base.transform_filter("datum.kind == 'simulated'").mark_point(filled=True, size=70)
    return alt.layer(lines, points).properties(width=360, height=HEIGHT,
                                               title="Queue-length tail: simulation against the fixed points")


def staleness_curves(frame: pl.DataFrame, value: str = "p99_ms") -> alt.Chart:
    """A response-time statistic against the age of the load information, one line per algorithm.

    ``frame``: :func:`labcdn.balancing.sweep` over ``staleness`` (seconds) with ``mean_service``.
    """
    data = frame.select("algorithm", "staleness", pl.col(value).round(2).alias("ms"),
                        (pl.col("staleness") / pl.col("mean_service")).round(3).alias("periods"))
    return (
        alt.Chart(data, title="Stale load information: who herds")
        .mark_line(point=True)
        .encode(
            x=alt.X("periods:Q", title="refresh interval ÷ mean service time (symlog)",
                    scale=alt.Scale(type="symlog")),
            y=alt.Y("ms:Q", title=f"{STATISTICS.get(value, value)} response time (ms, log)",
                    scale=alt.Scale(type="log")),
            color=_algorithm(data),
            tooltip=["algorithm", "staleness", "periods", alt.Tooltip("ms:Q", format=".1f")],
        )
        .properties(width=WIDTH, height=HEIGHT)
    )


def herd(frame: pl.DataFrame, title: str = "Requests at each backend") -> alt.Chart:
    """Requests present at every backend over a short window, one panel per algorithm.

    ``frame``: ``algorithm, t_ms, backend, present``.
    """
    return (
        alt.Chart(frame, title=title)
        .mark_line(interpolate="step-after", strokeWidth=1)
        .encode(
            x=alt.X("t_ms:Q", title="time (ms)"),
            y=alt.Y("present:Q", title="requests at the backend"),
            detail="backend:N",
            color=alt.Color("backend:Q", scale=alt.Scale(scheme="turbo"), legend=None),
            row=alt.Row("algorithm:N", title=None, sort=list(ALGORITHMS)),
        )
        .properties(width=WIDTH, height=120)
    )


def ccdf(frame: pl.DataFrame) -> alt.Chart:
    """Complementary distribution of response time, one line per algorithm, log-log.

    ``frame``: ``algorithm, ms, tail`` (share of requests slower than ``ms``). The axes span the
    whole frame, so a slider that filters it (a grid from ``grid_slider.precompute``) keeps them fixed.
    """
    x = [float(frame["ms"].min()), float(frame["ms"].max())]
    y = [float(frame["tail"].min()), 1.0]
    return (
        alt.Chart(frame, title="Share of requests slower than t")
        .mark_line(clip=True)
        .encode(
            x=alt.X("ms:Q", title="t (ms, log)", scale=alt.Scale(type="log", domain=x, nice=True)),
            y=alt.Y("tail:Q", title="share slower (log)", scale=alt.Scale(type="log", domain=y)),
            color=_algorithm(frame),
            tooltip=["algorithm", alt.Tooltip("ms:Q", format=".1f"), "tail"],
        )
        .properties(width=WIDTH, height=HEIGHT)
    )


def nodes_grid(frame: pl.DataFrame, value: str = "p99_ms") -> alt.Chart:
    """A statistic against the number of balancer nodes, one panel per scenario.

    ``frame``: :func:`labcdn.balancing.sweep` over ``nodes`` with a ``scenario`` column.
    """
    data = frame.select("scenario", "algorithm", "nodes", pl.col(value).round(2).alias("ms"))
    return (
        alt.Chart(data)
        .mark_line(point=True)
        .encode(
            x=alt.X("nodes:Q", title="balancer nodes (log)", scale=alt.Scale(type="log", base=2)),
            y=alt.Y("ms:Q", title=f"{STATISTICS.get(value, value)} (ms, log)", scale=alt.Scale(type="log")),
            color=_algorithm(data),
            tooltip=["scenario", "algorithm", "nodes", alt.Tooltip("ms:Q", format=".1f")],
        )
        .properties(width=250, height=170)
        .facet(facet=alt.Facet("scenario:N", title=None, sort=list(dict.fromkeys(frame["scenario"].to_list()))),
               columns=2)
    )


def failure_timeline(frame: pl.DataFrame, events: pl.DataFrame) -> alt.Chart:
    """Failed requests per second around a backend failure, with the failure and its detection as rules.

    ``frame``: ``algorithm, t_s, failed`` (from :func:`labcdn.balancing.timeline`);
    ``events``: ``t_s, event`` (failure, detection, recovery, back in rotation).
    """
    lines = (
        alt.Chart(frame)
        .mark_line(interpolate="step-after")
        .encode(
            x=alt.X("t_s:Q", title="time (s)"),
            y=alt.Y("failed:Q", title="failed requests per second"),
            color=_algorithm(frame),
            tooltip=["algorithm", "t_s", "failed"],
        )
    )
    rules = alt.Chart(events).mark_rule(strokeDash=[4, 3], color="gray").encode(x="t_s:Q", tooltip=["event", "t_s"])
    labels = alt.Chart(events).mark_text(angle=270, align="left", dy=-4, fontSize=10, color="gray").encode(
        x="t_s:Q", y=alt.value(HEIGHT - 4), text="event:N")
    return alt.layer(lines, rules, labels).properties(width=WIDTH + 80, height=HEIGHT,
                                                      title="A backend fails: requests lost until it is detected")


def backend_load(frame: pl.DataFrame, title: str = "Utilisation of each backend") -> alt.Chart:
    """Utilisation of every backend, one row of bars per algorithm.

    ``frame``: ``algorithm, backend, utilisation`` (from :func:`labcdn.balancing.backend_stats`).
    """
    return (
        alt.Chart(frame, title=title)
        .mark_bar()
        .encode(
            x=alt.X("backend:O", title="backend"),
            y=alt.Y("utilisation:Q", title="busy", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
            color=alt.Color("algorithm:N", scale=COLORS, legend=None),
            row=alt.Row("algorithm:N", title=None, sort=list(ALGORITHMS)),
            tooltip=["algorithm", "backend", alt.Tooltip("utilisation:Q", format=".3f")],
        )
        .properties(width=WIDTH, height=80)
    )


def sent_heatmap(frame: pl.DataFrame, title: str) -> alt.Chart:
    """Requests sent to each backend in each time bin.

    ``frame``: ``t_s, backend, sent``.
    """
    return (
        alt.Chart(frame, title=title)
        .mark_rect()
        .encode(
            x=alt.X("t_s:O", title="time (s, bin start)"),
            y=alt.Y("backend:O", title="backend"),
            color=alt.Color("sent:Q", title="requests sent", scale=alt.Scale(scheme="greys")),
            tooltip=["t_s", "backend", "sent"],
        )
        .properties(width=WIDTH, height=200)
    )


def products_matrix(frame: pl.DataFrame) -> alt.Chart:
    """Which product offers (a rule close to) which algorithm, filterable with two dropdowns.

    ``frame``: :func:`labcdn.balancing.products` (one row per product). The
    dropdowns (algorithm and layer) are Vega-Lite parameters: they work in the
    static book. Hover a dot for the product's own algorithm names, health
    checks and source.
    """
    data = (frame.with_columns(
        pl.col("layer").list.join(" + ").alias("layers"),
        pl.col("algorithms").list.join("; ").alias("native"),
        pl.col("layer").list.contains("L3").alias("l3"),
        pl.col("layer").list.contains("L4").alias("l4"),
        pl.col("layer").list.contains("L7").alias("l7"),
    ).explode("closest_models").rename({"closest_models": "model"})
        .select("product", "model", "layers", "l3", "l4", "l7", "native", "health_checks", "source"))
    algorithm = alt.param(name="model_pick", value="any",
                          bind=alt.binding_select(options=["any", *ALGORITHMS], name="offers a rule like "))
    layer = alt.param(name="layer_pick", value="any",
                      bind=alt.binding_select(options=["any", "L3", "L4", "L7"], name="works at layer "))
    keep = ("(layer_pick == 'any' || (layer_pick == 'L3' && datum.l3) || (layer_pick == 'L4' && datum.l4)"
            " || (layer_pick == 'L7' && datum.l7)) && (model_pick == 'any' || datum.offers > 0)")
    products = frame["product"].to_list()
    return (
        alt.Chart(data, title="The products: which rules each one offers")
        .transform_calculate(hit="datum.model == model_pick ? 1 : 0")
        .transform_joinaggregate(offers="max(hit)", groupby=["product"])
        .transform_filter(keep)
        .mark_circle(size=140)
        .encode(
            x=alt.X("model:N", title="closest labcdn algorithm", sort=list(ALGORITHMS),
                    scale=alt.Scale(domain=list(ALGORITHMS)), axis=alt.Axis(labelAngle=-40)),
            y=alt.Y("product:N", title=None, sort=products, scale=alt.Scale(domain=products)),
            color=alt.Color("layers:N", title="layer",
                            scale=alt.Scale(domain=["L4", "L4 + L7", "L3 + L4 + L7"],
                                            range=["#4c78a8", "#f58518", "#54a24b"])),
            opacity=alt.condition("model_pick == 'any' || datum.model == model_pick", alt.value(1.0),
                                  alt.value(0.3)),
            tooltip=["product", "layers", alt.Tooltip("native:N", title="its algorithms"),
                     alt.Tooltip("health_checks:N", title="health checks"), "source"],
        )
        .add_params(algorithm, layer)
        .properties(width=WIDTH, height=22 * len(products))
    )


def features_table(frame: pl.DataFrame) -> alt.Chart:
    """Every product's features as a filterable product x feature table (two dropdowns, kernel-free).

    ``frame``: :func:`labcdn.balancing.products`. One row per (product,
    feature); the dropdowns keep one product, or the products working at one layer.
    """
    data = (frame.with_columns(pl.col("layer").list.join(" + ").alias("layers"))
            .explode("features").rename({"features": "feature"})
            .with_columns(pl.int_range(pl.len()).over("product").alias("n"))
            .select("product", "layers", "feature", "n"))
    products = frame["product"].to_list()
    pick = alt.param(name="feature_product", value="any",
                     bind=alt.binding_select(options=["any", *products], name="product "))
    layer = alt.param(name="feature_layer", value="any",
                      bind=alt.binding_select(options=["any", "L3", "L4", "L7"], name="works at layer "))
    keep = ("(feature_product == 'any' || datum.product == feature_product) && "
            "(feature_layer == 'any' || indexof(datum.layers, feature_layer) >= 0)")
    base = alt.Chart(data, title="What each product offers besides balancing (its documentation)")
    return (
        base.transform_filter(keep)
        .mark_text(align="left", baseline="middle", fontSize=11)
        .encode(
            x=alt.X("n:O", title=None, axis=None),
            y=alt.Y("product:N", title=None, sort=products),
            text="feature:N",
            color=alt.Color("layers:N", title="layer",
                            scale=alt.Scale(domain=["L4", "L4 + L7", "L3 + L4 + L7"],
                                            range=["#4c78a8", "#f58518", "#54a24b"])),
            tooltip=["product", "layers", "feature"],
        )
        .add_params(pick, layer)
        .properties(width=1100, height=26 * len(products))
    )


def preset_selector(grid: pl.DataFrame, value: str = "HAProxy") -> alt.Chart:
    """Run it: a product dropdown, and the response time of each algorithm it offers (kernel-free).

    ``grid``: :func:`labcdn.balancing.presets.preset_grid` (one row per
    product and modelled algorithm). The bar of the product's default
    algorithm is outlined; the tooltip says whether the preset was measured
    here or read from the product's documentation.
    """
    products = list(dict.fromkeys(grid["product"].to_list()))
    data = grid.select("product", "algorithm", "model", "default", "evidence", "mean_ms", "p99_ms").unpivot(
        index=["product", "algorithm", "model", "default", "evidence"], on=["mean_ms", "p99_ms"],
        variable_name="statistic", value_name="ms").with_columns(
        pl.col("statistic").replace({"mean_ms": "mean", "p99_ms": "p99"}))
    pick = alt.param(name="preset_product", value=value,
                     bind=alt.binding_select(options=products, name="product "))
    return (
        alt.Chart(data, title="Run it: each algorithm of the product on the chapter's workload")
        .transform_filter("datum.product == preset_product")
        .mark_bar()
        .encode(
            y=alt.Y("algorithm:N", title="its algorithms (its own names)", sort=None),
            x=alt.X("ms:Q", title="response time (ms, log scale)", scale=alt.Scale(type="log")),
            yOffset=alt.YOffset("statistic:N", sort=["mean", "p99"]),
            color=alt.Color("statistic:N", scale=alt.Scale(domain=["mean", "p99"], range=["#9ecae9", "#4c78a8"])),
            stroke=alt.condition("datum.default", alt.value("black"), alt.value(None)),
            strokeWidth=alt.value(1.5),
            tooltip=["product", "algorithm", alt.Tooltip("model:N", title="labcdn rule"), "default", "evidence",
                     "statistic", alt.Tooltip("ms:Q", format=".1f")],
        )
        .add_params(pick)
        .properties(width=WIDTH, height=HEIGHT)
    )


def measured_vs_predicted(frame: pl.DataFrame) -> alt.Chart:
    """Measured on the real product against the simulator's prediction, one dot each, on a y = x line.

    ``frame``: :func:`labcdn.balancing.live_study.comparison` (columns check,
    product, quantity, unit, predicted, measured); one panel per unit.
    """
    data = frame.filter(pl.col("predicted") > 0, pl.col("measured") > 0)
    lo = float(min(data["predicted"].min(), data["measured"].min()))
    hi = float(max(data["predicted"].max(), data["measured"].max()))
    diag = pl.DataFrame({"predicted": [lo, hi], "measured": [lo, hi]})
    scale = alt.Scale(type="log", domain=[lo, hi])
    line = alt.Chart(diag).mark_line(color="#bab0ac", strokeDash=[4, 3]).encode(
        x=alt.X("predicted:Q", scale=scale), y=alt.Y("measured:Q", scale=scale))
    dots = alt.Chart(data).mark_point(size=70, filled=True).encode(
        x=alt.X("predicted:Q", title="predicted by the simulator", scale=scale),
        y=alt.Y("measured:Q", title="measured on the real product", scale=scale),
        color=alt.Color("product:N", scale=alt.Scale(domain=["haproxy", "nginx", "pen"],
                                                     range=["#4c78a8", "#54a24b", "#f58518"])),
        shape=alt.Shape("check:N", title="comparison"),
        tooltip=["product", "check", "quantity", "unit", alt.Tooltip("predicted:Q", format=".4g"),
                 alt.Tooltip("measured:Q", format=".4g")],
    )
    return (line + dots).properties(width=WIDTH, height=WIDTH,
                                    title="Real HAProxy, NGINX and Pen against the simulator (log-log)")
