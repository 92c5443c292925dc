"""Charts for the serving chapter (100 Gbps from one server): polars frames in, Altair charts out.

Each builder takes one of :mod:`labcdn.serving`'s tidy tables (or a small
frame the chapter derives from one) and rounds what it embeds, so a chart's
data stays small and its bytes stable from run to run.
"""

from __future__ import annotations

import altair as alt
import polars as pl

from labcdn.charts import templates
from labcdn.serving.appliance import NETWORK_LABELS

WIDTH = 440
HEIGHT = 240

#: One colour per thing that can limit the server, the same in every chart.
LIMITS = ("cpu", "inactive-queue lock", "pbuf mutex", "memory bandwidth", "nic", "pcie", "disk")
LIMIT_COLORS = alt.Scale(domain=list(LIMITS),
                         range=["#4c78a8", "#e45756", "#f58518", "#72b7b2", "#54a24b", "#b279a2", "#9d755d"])
LOCK_COLORS = alt.Scale(domain=["inactive-queue lock", "pbuf mutex"], range=["#e45756", "#f58518"])
LAYOUT_COLORS = alt.Scale(domain=["one domain", "fake NUMA"], range=["#e45756", "#4c78a8"])

#: :func:`labcdn.serving.asymptotic_bounds` keys as the chapter names them (the model's own bottleneck labels).
BOUND_LABELS = NETWORK_LABELS


def _rounded(frame: pl.DataFrame, digits: int = 4) -> pl.DataFrame:
    return frame.with_columns(pl.col(pl.Float64).round(digits))


def _limit(bottleneck: pl.Expr) -> pl.Expr:
    """The resource named first in a bottleneck label ("cpu + page-daemon stalls" -> "cpu")."""
    return bottleneck.str.split(" + ").list.first()


def steps(table: pl.DataFrame) -> alt.LayerChart:
    """The post's steps: the model's Gbps as bars coloured by bottleneck, the published figure as a tick.

    ``table``: :func:`labcdn.serving.published_vs_model` (``step, published_gbps,
    model_gbps, bottleneck, role``), rows in the post's order.
    """
    order = table["step"].to_list()
    data = _rounded(table.select("step", "label", "published_gbps", "model_gbps", "rel_error", "role",
                                 "bottleneck").with_columns(limit=_limit(pl.col("bottleneck")),
                                                            stalls=pl.when(pl.col("bottleneck").str.contains("stalls"))
                                                            .then(pl.lit("yes")).otherwise(pl.lit("no"))))
    x = alt.X("step:N", sort=order, title=None, axis=alt.Axis(labelAngle=-35))
    tooltip = ["label", "published_gbps", "model_gbps", alt.Tooltip("rel_error:Q", format="+.1%"), "role",
               "bottleneck"]
    bars = alt.Chart(data).mark_bar(width=26).encode(
        x=x,
        y=alt.Y("model_gbps:Q", title="throughput (Gbps of payload)", scale=alt.Scale(domain=[0, 100])),
        color=alt.Color("limit:N", scale=LIMIT_COLORS, title="bottleneck (model)"),
        opacity=alt.Opacity("stalls:N", scale=alt.Scale(domain=["no", "yes"], range=[1.0, 0.5]),
                            title="page-daemon stalls"),
        tooltip=tooltip,
    )
    reference = alt.Scale(domain=["published [1]", "published ±10%"], range=["black", "#8c8c8c"])
    ticks = alt.Chart(data).mark_tick(thickness=3, size=34).encode(
        x=x, y="published_gbps:Q", tooltip=tooltip,
        stroke=alt.Stroke("what:N", scale=reference, title="reference")).transform_calculate(what="'published [1]'")
    band = alt.Chart(data).mark_rule().encode(
        x=x, y=alt.Y("lo:Q"), y2="hi:Q", stroke=alt.Stroke("what:N", scale=reference, title="reference"),
    ).transform_calculate(lo="0.9 * datum.published_gbps", hi="1.1 * datum.published_gbps",
                          what="'published ±10%'")
    era = pl.DataFrame({"step": [order[order.index("tls")]], "text": ["TLS, 2017 platform →"]}) \
        if "tls" in order else None
    layers = [bars, band, ticks]
    if era is not None:
        layers.append(alt.Chart(era).mark_rule(strokeDash=[4, 3], color="gray").encode(
            x=alt.X("step:N", sort=order, bandPosition=0)))
        layers.append(alt.Chart(era).mark_text(align="left", dx=3, y=8, color="gray").encode(
            x=alt.X("step:N", sort=order, bandPosition=0), text="text:N"))
    return alt.layer(*layers).properties(
        width=WIDTH, height=HEIGHT,
        title="Each step of the post: model (bars) against published (ticks, ±10% whiskers)")


def lockstat(frame: pl.DataFrame, order: list[str]) -> alt.HConcatChart:
    """Per step and lock: how busy the lock is, and the share of all CPU time spent spinning on it.

    ``frame``: :func:`labcdn.serving.lockstat`; ``order``: the steps in the post's order.
    """
    data = _rounded(frame.select("step", "lock", "instances", "acquisitions_per_s", "utilisation", "hold_us",
                                 "wait_us", "cpu_share_spinning"), 5)
    tooltip = ["step", "lock", "instances", alt.Tooltip("acquisitions_per_s:Q", format=",.0f"),
               alt.Tooltip("utilisation:Q", format=".1%"), alt.Tooltip("hold_us:Q", format=".2f"),
               alt.Tooltip("wait_us:Q", format=".2f"), alt.Tooltip("cpu_share_spinning:Q", format=".1%")]
    base = alt.Chart(data).encode(
        x=alt.X("step:N", sort=order, title=None, axis=alt.Axis(labelAngle=-35)),
        xOffset=alt.XOffset("lock:N", sort=list(LOCK_COLORS.domain)),
        color=alt.Color("lock:N", scale=LOCK_COLORS, title=None),
        tooltip=tooltip,
    )
    busy = base.mark_bar().encode(
        y=alt.Y("utilisation:Q", title="lock held (share of time, per instance)", axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1])))
    spin = base.mark_bar().encode(
        y=alt.Y("cpu_share_spinning:Q", title="CPU time spent spinning (share of all CPUs)",
                axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])))
    return alt.hconcat(busy.properties(width=300, height=200, title="Utilisation"),
                       spin.properties(width=300, height=200, title="Spinning"))


def two_methods(frame: pl.DataFrame) -> alt.LayerChart:
    """Simulated against exact network throughput, one point per configuration, with the diagonal.

    ``frame``: ``config, exact, simulation`` (Gbps; one row per configuration).
    """
    data = _rounded(frame.select("config", "exact", "simulation").with_columns(
        rel_diff=pl.col("simulation") / pl.col("exact") - 1.0), 5)
    top = float(max(data["exact"].max(), data["simulation"].max())) * 1.05
    diag = pl.DataFrame({"exact": [0.0, top], "simulation": [0.0, top]})
    line = alt.Chart(diag).mark_line(color="gray", strokeDash=[4, 3]).encode(x="exact:Q", y="simulation:Q")
    label = alt.Chart(diag.tail(1).with_columns(text=pl.lit("simulation = exact"))).mark_text(
        align="right", dx=-4, dy=-8, color="gray").encode(x="exact:Q", y="simulation:Q", text="text:N")
    points = alt.Chart(data).mark_point(filled=True, size=60).encode(
        x=alt.X("exact:Q", title="exact solution (Gbps)", scale=alt.Scale(domain=[0, top])),
        y=alt.Y("simulation:Q", title="discrete-event simulation (Gbps)", scale=alt.Scale(domain=[0, top])),
        tooltip=["config", "exact", "simulation", alt.Tooltip("rel_diff:Q", format="+.2%")],
    )
    return alt.layer(line, label, points).properties(width=300, height=300,
                                              title="Two methods, one network: every point on the diagonal")


def scaling(curves: pl.DataFrame, usl: pl.DataFrame, mark_cpus: int | None = None) -> alt.LayerChart:
    """Modelled throughput against CPUs (points) with the fitted USL (lines) and its peak N*.

    ``curves``: :func:`labcdn.serving.scaling`; ``usl``: :func:`labcdn.serving.usl_table`;
    ``mark_cpus``: a CPU count to mark (the machine the post measured).
    """
    data = _rounded(curves.select("layout", "cpus", "gbps", "usl_gbps"), 3)
    color = alt.Color("layout:N", scale=LAYOUT_COLORS, title=None)
    x = alt.X("cpus:Q", title="logical CPUs")
    points = alt.Chart(data).mark_point(size=20, filled=True).encode(
        x=x, y=alt.Y("gbps:Q", title="what CPUs, memory and locks sustain (Gbps)"), color=color,
        tooltip=["layout", "cpus", "gbps", "usl_gbps"])
    lines = alt.Chart(data).mark_line().encode(x=x, y="usl_gbps:Q", color=color)
    peaks = _rounded(usl.filter(pl.col("n_star").is_finite()).select("layout", "n_star", "alpha", "beta"), 5)
    layers = [lines, points]
    if peaks.height:
        layers.append(alt.Chart(peaks).mark_rule(strokeDash=[4, 3]).encode(
            x="n_star:Q", color=color, tooltip=["layout", "n_star", "alpha", "beta"]))
        layers.append(alt.Chart(peaks).mark_text(align="right", dx=-3, y=8).encode(
            x="n_star:Q", color=color, text="text:N").transform_calculate(
            text="'USL peak N* = ' + format(datum.n_star, '.1f')"))
    if mark_cpus is not None:
        mark = pl.DataFrame({"cpus": [mark_cpus], "text": [f"the post's machine: {mark_cpus} CPUs"]})
        layers.append(alt.Chart(mark).mark_rule(color="black", opacity=0.4).encode(x="cpus:Q"))
        layers.append(alt.Chart(mark).mark_text(align="left", dx=3, y=22, color="#555555").encode(
            x="cpus:Q", text="text:N"))
    return alt.layer(*layers).properties(width=WIDTH, height=HEIGHT,
                                         title="Throughput against CPUs: model (points), USL fit (lines)")


def domain_curves(grid: pl.DataFrame, reference: pl.DataFrame, ceiling: float) -> alt.LayerChart:
    """Throughput against CPUs for one number of NUMA domains (filtered by a grid slider), over a reference.

    ``grid``: ``domains, value (CPUs), gbps, network_gbps, bottleneck`` stacked over
    domain counts (:func:`labcdn.serving.sweep` of ``"cpus"`` per count); solid: the
    delivered Gbps, dashed: what CPUs, memory and locks alone sustain. ``reference``:
    the same for one domain, drawn in grey and left unfiltered; ``ceiling``: the
    binding hardware limit in Gbps, drawn as a rule.
    """
    cols = ["value", "gbps", "network_gbps", "bottleneck"]
    data = _rounded(grid.select("domains", *cols).with_columns(limit=_limit(pl.col("bottleneck"))), 3)
    ref = _rounded(reference.select(*cols), 3)
    top = float(max(grid["network_gbps"].max(), ceiling)) * 1.05
    x = alt.X("value:Q", title="logical CPUs", scale=alt.Scale(domain=[0, float(grid["value"].max())]))
    y = alt.Y("gbps:Q", title="throughput (Gbps)", scale=alt.Scale(domain=[0, top]))
    grey = alt.Chart(ref).mark_line(color="lightgray", strokeWidth=3).encode(x=x, y=y)
    grey_label = alt.Chart(ref.tail(1).with_columns(text=pl.lit("one domain"))).mark_text(
        align="right", dy=-8, color="gray").encode(x=x, y=y, text="text:N")
    rule = alt.Chart(pl.DataFrame({"gbps": [round(ceiling, 3)], "text": [f"hardware ceiling {ceiling:.0f} Gbps"]}))
    rule_label = rule.mark_text(align="left", x=4, dy=-6, color="#555555").encode(y="gbps:Q", text="text:N")
    rule = rule.mark_rule(strokeDash=[2, 2], color="black", opacity=0.5).encode(y="gbps:Q")
    dash = alt.StrokeDash("series:N", title=None, scale=alt.Scale(
        domain=["delivered", "CPUs, memory and locks alone"], range=[[1, 0], [5, 3]]))
    software = alt.Chart(data).mark_line(color="#4c78a8").encode(
        x=x, y=alt.Y("network_gbps:Q", scale=alt.Scale(domain=[0, top])), strokeDash=dash,
    ).transform_calculate(series="'CPUs, memory and locks alone'")
    line = alt.Chart(data).mark_line(color="#4c78a8").encode(x=x, y=y, strokeDash=dash).transform_calculate(
        series="'delivered'")
    points = alt.Chart(data).mark_point(filled=True, size=28).encode(
        x=x, y=y, color=alt.Color("limit:N", scale=LIMIT_COLORS, title="bottleneck"),
        tooltip=["domains", alt.Tooltip("value:Q", title="cpus"), "gbps", "network_gbps", "bottleneck"])
    return alt.layer(grey, grey_label, rule, rule_label, software, line, points).properties(
        width=WIDTH, height=HEIGHT, title="Throughput against CPUs for the chosen number of domains")


def limits(frame: pl.DataFrame, gbps: float, title: str) -> alt.LayerChart:
    """What each resource alone would allow, with the delivered throughput as a rule: the shortest bar binds.

    ``frame``: ``limit, gbps`` (one row per resource; infinite caps are left out).
    """
    data = _rounded(frame.filter(pl.col("gbps").is_finite()).select("limit", "gbps"), 3)
    top = 200.0
    bars = alt.Chart(data).mark_bar().encode(
        y=alt.Y("limit:N", title=None, sort=list(LIMITS)),
        x=alt.X("gbps:Q", title="Gbps this resource alone would allow (clipped at 200)",
                scale=alt.Scale(domain=[0, top], clamp=True)),
        color=alt.Color("limit:N", scale=LIMIT_COLORS, legend=None),
        tooltip=["limit", "gbps"],
    )
    delivered = alt.Chart(pl.DataFrame({"gbps": [round(gbps, 3)], "text": ["delivered"]}))
    rule = delivered.mark_rule(color="black", strokeWidth=2).encode(x="gbps:Q")
    label = delivered.mark_text(align="left", dx=4, y=-6).encode(x="gbps:Q", text="text:N")
    return alt.layer(bars, rule, label).properties(width=WIDTH, height=170, title=title)


_LIMITS = templates.Templates()  # limits' spec (one structure)


def limits_spec(frame: pl.DataFrame, gbps: float, title: str) -> templates.Spec:
    """:func:`limits`'s chart for the live panel: the same chart, its rows filled into a spec built once."""
    bars = frame.filter(pl.col("gbps").is_finite()).select("limit", pl.col("gbps").round(3))
    delivered = pl.DataFrame({"gbps": [round(gbps, 3)], "text": ["delivered"]})
    return _LIMITS.fill(None, lambda: limits(pl.DataFrame({"limit": ["cpu"], "gbps": [0.0]}), 0.0, ""),
                        [bars, delivered], title=title)


def sensitivity(frame: pl.DataFrame, order: list[str]) -> alt.LayerChart:
    """Each step's error against the post: as calibrated (point) and over every assumption's range (bar).

    ``frame``: ``step, role, lo, hi, as_calibrated`` (relative errors); ``order``: steps in the post's order.
    """
    data = _rounded(frame.select("step", "role", "lo", "hi", "as_calibrated"), 4)
    x = alt.X("step:N", sort=order, title=None, axis=alt.Axis(labelAngle=-35))
    what = alt.Scale(domain=["±10% of published", "range over the assumptions"], range=["#eeeeee", "#9ecae9"])
    band = alt.Chart(pl.DataFrame({"lo": [-0.1], "hi": [0.1], "what": ["±10% of published"]})).mark_rect().encode(
        y="lo:Q", y2="hi:Q", fill=alt.Fill("what:N", scale=what, title=None))
    span = alt.Chart(data).mark_bar(width=8).encode(
        x=x, y=alt.Y("lo:Q", title="model ÷ published − 1", axis=alt.Axis(format="%")), y2="hi:Q",
        fill=alt.Fill("what:N", scale=what, title=None),
        tooltip=["step", "role", alt.Tooltip("lo:Q", format="+.1%"), alt.Tooltip("hi:Q", format="+.1%")],
    ).transform_calculate(what="'range over the assumptions'")
    point = alt.Chart(data).mark_point(filled=True, color="black").encode(
        x=x, y="as_calibrated:Q", shape=alt.Shape("role:N", title=None),
        tooltip=["step", "role", alt.Tooltip("as_calibrated:Q", format="+.1%")])
    return alt.layer(band, span, point).properties(
        width=WIDTH, height=200, title="How far each assumption's plausible range moves each step (grey: ±10%)")
