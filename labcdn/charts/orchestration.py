"""Charts for the orchestration chapters (Kubernetes against Mesos + Marathon): polars frames in, Altair out.

Kubernetes' side is drawn in blues and Mesos + Marathon's in oranges in every chart
(monolithic, Deployment, HPA, etcd and Lease against two-level, Marathon and ZooKeeper).
:func:`comparison_table` is the one builder that returns HTML instead of a chart: a
table a reader folds by group with no kernel (``<details>`` elements, no script).
"""

from __future__ import annotations

import hashlib
import html
import math
import textwrap

import altair as alt
import polars as pl
from IPython.display import HTML

from labcdn.charts import templates
from labcdn.charts.captions import caption, caption_rows

WIDTH = 420
HEIGHT = 250
K8S = "#4c78a8"
MESOS = "#f58518"
DESIGN_COLORS = alt.Scale(domain=["monolithic", "two_level"], range=[K8S, MESOS])
SCHEDULER_COLORS = alt.Scale(domain=["monolithic / scheduler", "two_level / batch", "two_level / marathon"],
                             range=[K8S, MESOS, "#ffbf79"])
RUN_COLORS = alt.Scale(domain=["monolithic/least_allocated", "monolithic/most_allocated", "two_level"],
                       range=[K8S, "#9ecae9", MESOS])
MECHANISM_COLORS = alt.Scale(domain=["etcd", "lease", "zookeeper"], range=[K8S, "#9ecae9", MESOS])
CONTROLLER_COLORS = alt.Scale(domain=["hpa", "marathon"], range=[K8S, MESOS])
STRATEGY_COLORS = alt.Scale(domain=["deployment", "marathon"], range=[K8S, MESOS])


# ----------------------------------------------------------------------------------------------- scheduling


def drf_shares(allocation: pl.DataFrame, capacity: dict) -> alt.Chart:
    """Each user's share of each resource under DRF, with the dominant shares marked.

    ``allocation``: :func:`labcdn.orchestration.drf` (one row per user, one column per
    resource in ``capacity``); ``capacity``: resource name -> total.
    """
    rows = [{"user": r["user"], "resource": res, "share": round(r[res] / total, 4),
             "dominant": res == r["dominant_resource"]}
            for r in allocation.iter_rows(named=True) for res, total in capacity.items()]
    data = pl.DataFrame(rows)
    bars = alt.Chart(data).mark_bar().encode(
        x=alt.X("resource:N", title=None, axis=alt.Axis(labelAngle=0)),
        xOffset="user:N",
        y=alt.Y("share:Q", title="share of the cluster", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%")),
        color=alt.Color("user:N", scale=alt.Scale(domain=["A", "B"], range=[K8S, MESOS]), title="user"),
        opacity=alt.condition("datum.dominant", alt.value(1.0), alt.value(0.45)),
        tooltip=["user", "resource", alt.Tooltip("share:Q", format=".3f"), "dominant"],
    )
    rule = alt.Chart(pl.DataFrame({"share": [2 / 3]})).mark_rule(strokeDash=[4, 3], color="gray").encode(y="share:Q")
    return alt.layer(bars, rule).properties(width=260, height=HEIGHT,
                                            title="DRF: dominant shares equalise (solid bars)")


WAIT_STATISTICS = {"wait_first_mean": "mean", "wait_first_p90": "90th percentile"}


def _waits_data(metrics: pl.DataFrame) -> pl.DataFrame:
    return (metrics.filter(pl.col("metric").is_in(list(WAIT_STATISTICS)) & (pl.col("workload") != "all"))
            .with_columns(pl.col("metric").replace_strict(WAIT_STATISTICS), pl.col("value").round(3)))


def waits(metrics: pl.DataFrame, title: str = "Wait from a job's arrival to its first task") -> alt.Chart:
    """Mean and 90th-percentile wait to a job's first task, per design and workload.

    ``metrics``: :meth:`labcdn.orchestration.Simulation.metrics` of several runs stacked.
    """
    return (
        alt.Chart(_waits_data(metrics), title=title)
        .mark_bar()
        .encode(
            x=alt.X("value:Q", title="wait (s)"),
            y=alt.Y("design:N", title=None, sort=["monolithic", "two_level"]),
            color=alt.Color("design:N", scale=DESIGN_COLORS, legend=None),
            row=alt.Row("workload:N", title=None),
            column=alt.Column("metric:N", title=None, sort=list(WAIT_STATISTICS.values())),
            tooltip=["design", "workload", "metric", alt.Tooltip("value:Q", format=".3f")],
        )
        .properties(width=200, height=50)
    )


class LiveWaits:
    """:func:`waits` under a caption, for a live control: built once, then each redraw only fills in the rows
    (:class:`labcdn.charts.templates.Templates`).

    A slider move changes only the numbers and the caption, which is data
    (:func:`labcdn.charts.captions.caption`), so the spec's shape stays fixed and a live view updates in place.
    """

    def __init__(self):
        self._templates = templates.Templates()

    def __call__(self, metrics: pl.DataFrame, text: str) -> templates.Spec:
        """The same chart as ``alt.vconcat(caption(text, WIDTH), waits(metrics))``."""
        return self._templates.fill(None, lambda: alt.vconcat(caption(text, WIDTH), waits(metrics)),
                                    [caption_rows(text), _waits_data(metrics)])


def _limits_layer(limits: pl.DataFrame, y_top: float):
    """Vertical rules at published cluster sizes, labelled; ``limits``: ``nodes, label``."""
    rules = alt.Chart(limits).mark_rule(strokeDash=[2, 2], color="black").encode(x="nodes:Q")
    text = alt.Chart(limits.with_columns(pl.lit(y_top).alias("y"))).mark_text(
        align="left", dx=3, dy=4, baseline="top", angle=0, fontSize=10).encode(x="nodes:Q", y="y:Q", text="label:N")
    return [rules, text]


def scheduler_demand(curves: pl.DataFrame, limits: pl.DataFrame, points: pl.DataFrame | None = None,
                     title: str = "Scheduler demand against cell size") -> alt.LayerChart:
    """Decision time asked of each scheduler per second against the number of nodes, log-log.

    ``curves``: ``nodes, scheduler, demand`` (lines; e.g. the expected demand);
    ``points``: the same columns from a simulated sweep (drawn as points);
    ``limits``: ``nodes, label`` published cluster sizes (vertical rules). Demand 1
    (a horizontal rule) is where a scheduler is busy all the time. The axes span the data
    (a kernel-free slider that filters the curves keeps them): nodes from the smallest to the
    largest cell, demand from the power of ten below the least to 10, where it is clipped
    (ten times busier than a scheduler can be tells nothing more).
    """
    drawn = curves if points is None else pl.concat([curves.select("nodes", "demand"), points.select("nodes", "demand")],
                                                    how="vertical_relaxed")
    positive = drawn.filter(pl.col("demand") > 0)
    low = 10.0 ** math.floor(math.log10(positive["demand"].min())) if positive.height else 1e-4
    y = alt.Y("demand:Q", title="scheduler demand (busy seconds per second, log)",
              scale=alt.Scale(type="log", domain=[min(low, 0.1), 10], clamp=True))
    x = alt.X("nodes:Q", title="nodes in the cell (log)",
              scale=alt.Scale(type="log", domain=[float(drawn["nodes"].min()), float(drawn["nodes"].max())]))
    color = alt.Color("scheduler:N", scale=SCHEDULER_COLORS, title="design / scheduler")
    layers = [alt.Chart(curves).mark_line(clip=True).encode(
        x=x, y=y, color=color, tooltip=["scheduler", "nodes", alt.Tooltip("demand:Q", format=".4f")])]
    if points is not None:
        layers.append(alt.Chart(points).mark_point(filled=True, size=45, clip=True).encode(
            x=x, y=y, color=color, tooltip=["scheduler", "nodes", alt.Tooltip("demand:Q", format=".4f")]))
    layers.append(alt.Chart(pl.DataFrame({"demand": [1.0]})).mark_rule(color="gray").encode(y="demand:Q"))
    layers += _limits_layer(limits, 10.0)
    return alt.layer(*layers).properties(width=WIDTH, height=HEIGHT + 30, title=title)


def sweep_waits(sweep: pl.DataFrame, limits: pl.DataFrame) -> alt.LayerChart:
    """Mean wait to a job's first task against cell size, one line per design (log-log).

    ``sweep``: :func:`labcdn.orchestration.size_sweep`; ``limits`` as in :func:`scheduler_demand`.
    """
    data = (sweep.group_by("nodes", "design").agg(pl.col("wait_first_mean").first())
            .with_columns(pl.col("wait_first_mean").round(3)).sort("design", "nodes"))
    line = alt.Chart(data).mark_line(point=True).encode(
        x=alt.X("nodes:Q", title="nodes in the cell (log)", scale=alt.Scale(type="log", domain=[100, 1_000_000])),
        y=alt.Y("wait_first_mean:Q", title="mean wait to first task (s, log)",
                scale=alt.Scale(type="log", domain=[0.1, 1000])),
        color=alt.Color("design:N", scale=DESIGN_COLORS, title="design"),
        tooltip=["design", "nodes", alt.Tooltip("wait_first_mean:Q", format=".3f")],
    )
    return alt.layer(line, *_limits_layer(limits, 1000.0)).properties(
        width=WIDTH, height=HEIGHT, title="Job wait as the cell grows")


def unschedulable(metrics: pl.DataFrame, recorded: int, x_max: float | None = None) -> alt.LayerChart:
    """Pods never placed per run and workload, beside the pods the trace recorded as Pending.

    ``metrics``: :func:`labcdn.orchestration.replay`'s ``metrics``; an ``inflate`` column, if
    any (:func:`labcdn.orchestration.panels.inflation`), is kept for a slider to filter on.
    ``x_max``: the x axis' upper end (fixed, so a slider moves the bars, not the axis).
    """
    grid = ["inflate"] if "inflate" in metrics.columns else []
    data = (metrics.filter((pl.col("metric") == "unschedulable_tasks") & (pl.col("workload") != "all"))
            .select(*grid, "run", "workload", pl.col("value").cast(pl.Int64).alias("pods")))
    scale = alt.Scale() if x_max is None else alt.Scale(domain=[0, x_max])
    bars = alt.Chart(data).mark_bar().encode(
        x=alt.X("pods:Q", title="pods never placed", stack=True, scale=scale),
        y=alt.Y("run:N", title=None, sort=RUN_COLORS.domain),
        color=alt.Color("workload:N", scale=alt.Scale(domain=["batch", "service"], range=["#bab0ac", "#54a24b"]),
                        title="pod class"),
        tooltip=["run", "workload", "pods"],
    )
    rule = alt.Chart(pl.DataFrame({"pods": [recorded], "label": [f"recorded Pending: {recorded}"]}))
    return alt.layer(bars, rule.mark_rule(strokeDash=[4, 3], color="black").encode(x="pods:Q"),
                     rule.mark_text(align="right", dx=-4, baseline="top", y=2, fontSize=10).encode(x="pods:Q", text="label:N")
                     ).properties(width=WIDTH, height=90, title="Alibaba trace: pods the scheduler could not place")


TRACE_METRICS = {"gpu_used": "GPU in use", "cpu_used": "CPU in use", "frag_gpu": "free GPU fragmented",
                 "frag_cpu": "free CPU fragmented"}


def _timeline_data(timeline: pl.DataFrame) -> pl.DataFrame:
    grid = ["inflate"] if "inflate" in timeline.columns else []
    return (timeline.select(*grid, "run", pl.col("gpu_asked").round(4), *TRACE_METRICS)
            .unpivot(index=[*grid, "run", "gpu_asked"], variable_name="measure", value_name="share")
            .with_columns(pl.col("measure").replace_strict(TRACE_METRICS), pl.col("share").round(4)))


class LiveTimeline:
    """:func:`trace_timeline` under a caption, for a live control: built once per x range, then each redraw
    only fills in the rows (:class:`labcdn.charts.templates.Templates`; the caption is data, so the spec's
    shape stays fixed).

    ``LiveTimeline()(timeline, text, x_max)`` gives the spec of
    ``alt.vconcat(caption(text, WIDTH), trace_timeline(timeline, x_max))``.
    """

    def __init__(self):
        self._templates = templates.Templates()

    def __call__(self, timeline: pl.DataFrame, text: str, x_max: float | None = None) -> templates.Spec:
        """The same chart as ``alt.vconcat(caption(text, WIDTH), trace_timeline(timeline, x_max))``."""
        return self._templates.fill(x_max, lambda: alt.vconcat(caption(text, WIDTH), trace_timeline(timeline, x_max)),
                                    [caption_rows(text), _timeline_data(timeline)])


def trace_timeline(timeline: pl.DataFrame, x_max: float | None = None) -> alt.Chart:
    """Utilisation and fragmentation as the trace's pods arrive, one panel per measure.

    ``timeline``: :func:`labcdn.orchestration.replay`'s ``timeline``; the x axis is the
    GPU asked for by the pods arrived so far, as a share of the cluster's GPUs. An
    ``inflate`` column, if any (:func:`labcdn.orchestration.panels.inflation`), is kept for
    a slider to filter on; ``x_max`` fixes the x axis' upper end.
    """
    scale = alt.Scale() if x_max is None else alt.Scale(domain=[0, x_max])
    return (
        alt.Chart(_timeline_data(timeline))
        .mark_line()
        .encode(
            x=alt.X("gpu_asked:Q", title="GPU asked for so far (share of the cluster's GPUs)",
                    axis=alt.Axis(format="%"), scale=scale),
            y=alt.Y("share:Q", title=None, axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
            color=alt.Color("run:N", scale=RUN_COLORS, title="run"),
            facet=alt.Facet("measure:N", columns=2, sort=list(TRACE_METRICS.values()), title=None),
            tooltip=["run", "measure", alt.Tooltip("gpu_asked:Q", format=".3f"), alt.Tooltip("share:Q", format=".3f")],
        )
        .properties(width=250, height=150, title="Alibaba pods placed in arrival order")
    )


# ----------------------------------------------------------------------------------------------- operations


def failover_cdf(quantiles: pl.DataFrame, title: str = "Time without a leader after the leader dies", *,
                 domain: tuple[float, float] | None = None) -> alt.Chart:
    """Distribution of the leaderless time, one line per mechanism (log x).

    ``quantiles``: ``mechanism, seconds, share`` (``share`` of trials at most ``seconds``).
    ``domain``: the x axis's range in seconds; give the range over every setting a
    panel's sliders can take, so the axis stays put and the curves move.
    """
    scale = alt.Scale(type="log") if domain is None else alt.Scale(type="log", domain=list(domain), nice=False)
    return (
        alt.Chart(quantiles, title=title)
        .mark_line(interpolate="step-after")
        .encode(
            x=alt.X("seconds:Q", title="seconds without a leader (log)", scale=scale),
            y=alt.Y("share:Q", title="share of failovers at most this long", axis=alt.Axis(format="%")),
            color=alt.Color("mechanism:N", scale=MECHANISM_COLORS, title="mechanism"),
            tooltip=["mechanism", alt.Tooltip("seconds:Q", format=".2f"), alt.Tooltip("share:Q", format=".2f")],
        )
        .properties(width=WIDTH, height=HEIGHT)
    )


def downtime(frame: pl.DataFrame, *, domain: tuple[float, float] | None = None) -> alt.Chart:
    """Leaderless seconds a year per mechanism: mean bar, 99th-percentile tick.

    ``frame``: ``mechanism, downtime_mean, downtime_p99, nines`` (e.g.
    :func:`labcdn.orchestration.failover.availability`). ``domain``: the x axis's range
    in seconds; give the whole grid's range when a slider filters ``frame``, so the
    axis stays put and the bars move.
    """
    scale = alt.Scale() if domain is None else alt.Scale(domain=list(domain), nice=False)
    base = alt.Chart(frame).encode(
        y=alt.Y("mechanism:N", title=None, sort=["etcd", "zookeeper", "lease"]),
        tooltip=["mechanism", alt.Tooltip("downtime_mean:Q", format=".1f"),
                 alt.Tooltip("downtime_p99:Q", format=".1f"), alt.Tooltip("nines:Q", format=".2f")],
    )
    bars = base.mark_bar().encode(
        x=alt.X("downtime_mean:Q", title="seconds without a leader per year (bar: mean, tick: p99)", scale=scale),
        color=alt.Color("mechanism:N", scale=MECHANISM_COLORS, legend=None))
    ticks = base.mark_tick(color="black", thickness=2, size=18).encode(x="downtime_p99:Q")
    return alt.layer(bars, ticks).properties(width=WIDTH, height=100, title="Control-plane leaderless time a year")


def autoscaling_day(series: pl.DataFrame, title: str = "A day of load against ready capacity", *,
                    domain: tuple[float, float] | None = None) -> alt.Chart:
    """Load and ready capacity over time, one panel per controller; time of day as h:mm.

    ``series``: :func:`labcdn.orchestration.autoscaling.compare`'s series (``time`` in
    seconds since midnight). The time axis is a UTC clock (milliseconds since midnight
    as Vega-Lite timestamps), so it reads 20:00, 21:15, never 21.25 hours. ``domain``:
    the requests/s axis's range, fixed over a panel's sliders when given.
    """
    y_scale = alt.Scale() if domain is None else alt.Scale(domain=list(domain), nice=False)
    t = pl.col("time").cast(pl.Int64)
    at = pl.format("{}:{}", t // 3600, ((t % 3600) // 60).cast(pl.String).str.zfill(2))
    data = (series.select("controller", (t * 1000).alias("clock"), at.alias("at"),
                          pl.col("load").round(1), pl.col("capacity").round(1))
            .unpivot(index=["controller", "clock", "at"], variable_name="series", value_name="rps"))
    return (
        alt.Chart(data)
        .mark_line(interpolate="step-after", strokeWidth=1.2, clip=True)
        .encode(
            x=alt.X("clock:T", title="time of day (h:mm)", scale=alt.Scale(type="utc"),
                    axis=alt.Axis(labelExpr="utcFormat(datum.value, '%H:%M')")),
            y=alt.Y("rps:Q", title="requests / s", scale=y_scale),
            color=alt.Color("series:N", scale=alt.Scale(domain=["load", "capacity"], range=["#e45756", "#4c78a8"]),
                            title=None),
            row=alt.Row("controller:N", title=None, sort=["hpa", "marathon"]),
            tooltip=["controller", "series", alt.Tooltip("at:N", title="time (h:mm)"),
                     alt.Tooltip("rps:Q", format=".0f")],
        )
        .properties(width=WIDTH + 80, height=130, title=title)
    )


def rolling_capacity(timeline: pl.DataFrame, replicas: int) -> alt.Chart:
    """Serving pods and all pods during a rolling update, as percentages of ``replicas``, per strategy.

    ``timeline``: :func:`labcdn.orchestration.rolling.compare`'s timeline for ``replicas`` desired pods.
    The y axis runs from 0 to 200% (every surge and over-capacity setting stays within twice the desired
    pods), further only if the data go further, so moving a live panel's slider does not rescale it.
    """
    data = (timeline.select("strategy", "time", (pl.col("capacity") * 100).round(1).alias("serving"),
                            (100 * pl.col("pods") / replicas).round(1).alias("all pods"))
            .unpivot(index=["strategy", "time"], variable_name="series", value_name="percent"))
    top = max(200.0, float(data["percent"].max() or 0.0))
    return (
        alt.Chart(data)
        .mark_line(interpolate="step-after")
        .encode(
            x=alt.X("time:Q", title="seconds since the update started"),
            y=alt.Y("percent:Q", title="% of desired replicas", scale=alt.Scale(domain=[0, top])),
            color=alt.Color("strategy:N", scale=STRATEGY_COLORS, title="strategy"),
            strokeDash=alt.StrokeDash("series:N", sort=["serving", "all pods"], title=None),
            tooltip=["strategy", "series", "time", "percent"],
        )
        .properties(width=WIDTH, height=HEIGHT, title="Rolling update: serving capacity and pods")
    )


# ----------------------------------------------------------------------------------------------- comparison

_GROUPS = (("q", "Rows a model quantifies (linked to the section that does it)"), ("nq", "Rows no model quantifies"))


def comparison_table(frame: pl.DataFrame, *, width: int | None = None) -> HTML:
    """The Kubernetes / Mesos + Marathon comparison as HTML: rows a model quantifies, then the others.

    ``frame``: :func:`labcdn.orchestration.comparison` with two more columns,
    ``section`` (the text of a link, null where no model quantifies the row) and
    ``href`` (where it points). Each group is a ``<details>`` element, open at first,
    that a reader folds with a click: no script and no kernel, in the book and in
    JupyterLab alike. ``width`` wraps cells at that many characters (default: the
    browser wraps them to the column).
    """
    text = frame.select("aspect", "kubernetes", "mesos_marathon", "section", "href").write_csv()
    uid = "orc-" + hashlib.sha1(text.encode()).hexdigest()[:10]
    esc = html.escape
    css = (f"#{uid} table{{border-collapse:collapse;font-size:0.85em;width:100%}}"
           f"#{uid} td,#{uid} th{{border:1px solid #ddd;padding:4px 6px;vertical-align:top;text-align:left}}"
           f"#{uid} summary{{cursor:pointer;font-weight:600;margin:0.4em 0}}")
    head = "".join(f"<th>{h}</th>" for h in ("aspect", "Kubernetes", "Mesos + Marathon", "quantified in"))

    def wrap(value):
        lines = textwrap.wrap(value, width) if width else [value]
        return "<br>".join(esc(line) for line in lines)

    groups = []
    for key, title in _GROUPS:
        rows = []
        for r in frame.iter_rows(named=True):
            quantified = r["section"] is not None
            if quantified != (key == "q"):
                continue
            model = f'<a href="{esc(r["href"])}">{esc(r["section"])}</a>' if quantified else "—"
            cells = [f"<b>{esc(r['aspect'])}</b>"]
            for col, src in (("kubernetes", "source_kubernetes"), ("mesos_marathon", "source_mesos_marathon")):
                cells.append(f'{wrap(r[col])}<br><small title="{esc(r[src])}">source: {esc(r[src])}</small>')
            cells.append(model)
            rows.append(f'<tr class="{key}">' + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
        groups.append(f"<details open><summary>{esc(title)} ({len(rows)})</summary>"
                      f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></details>")
    return HTML(f'<div id="{uid}"><style>{css}</style>{"".join(groups)}</div>')
