"""Charts for the consistent-hashing chapter: polars frames in, Altair charts out."""

from __future__ import annotations

import altair as alt
import polars as pl

from labcdn.hashing.algorithms import ALGORITHMS

ALGORITHM_ORDER = list(ALGORITHMS)
ALGORITHM_COLORS = dict(zip(ALGORITHM_ORDER, ["#7f7f7f", "#1f77b4", "#17becf", "#2ca02c", "#9467bd", "#d62728",
                                              "#ff7f0e"], strict=True))
WIDTH = 420
HEIGHT = 240


def _algorithm(frame, title="algorithm", legend=True):
    """Colour by algorithm, the same colour in every chart, with only the algorithms present in the legend."""
    present = [a for a in ALGORITHM_ORDER if a in set(frame["algorithm"].to_list())]
    scale = alt.Scale(domain=present, range=[ALGORITHM_COLORS[a] for a in present])
    return alt.Color("algorithm:N", scale=scale, sort=present, title=title, legend=alt.Legend() if legend else None)


def balance(frame: pl.DataFrame) -> alt.HConcatChart:
    """Max/mean load and coefficient of variation per algorithm, uniform beside Zipf demand.

    ``frame``: :func:`labcdn.hashing.balance` (``algorithm, demand, max_over_mean, cv``).
    """
    base = alt.Chart(frame).encode(
        y=alt.Y("algorithm:N", sort=ALGORITHM_ORDER, title=None),
        color=alt.Color("demand:N", title="demand", sort=["uniform", "zipf"]),
        shape=alt.Shape("demand:N", sort=["uniform", "zipf"], legend=None),
        tooltip=["algorithm", "demand", alt.Tooltip("max_over_mean:Q", format=".3f"),
                 alt.Tooltip("cv:Q", format=".3f")],
    )
    peak = base.mark_point(filled=True, size=70).encode(
        x=alt.X("max_over_mean:Q", title="busiest server ÷ fair share", scale=alt.Scale(zero=False)))
    spread = base.mark_point(filled=True, size=70).encode(
        x=alt.X("cv:Q", title="coefficient of variation of load"))
    return alt.hconcat(peak.properties(width=250, height=180), spread.properties(width=250, height=180),
                       title="Balance at the defaults: files (uniform) and requests (Zipf)")


def vnodes_spread(frame: pl.DataFrame, points: pl.DataFrame) -> alt.LayerChart:
    """Spread of ring shares against points per server, with the 1/√v law and labelled points.

    ``frame``: ``vnodes, cv, source`` (the ring's exact arc shares and the ``1/sqrt(v)`` law);
    ``points``: ``vnodes, cv, label`` (a published figure, ketama, …), drawn as labelled diamonds.
    """
    top = max(int(frame["vnodes"].max()), int(points["vnodes"].max()))
    x = alt.X("vnodes:Q", title="points (virtual nodes) per server",
              scale=alt.Scale(type="log", domain=[1, top], nice=False))
    y = alt.Y("cv:Q", title="std of share ÷ mean", scale=alt.Scale(type="log"))
    lines = alt.Chart(frame).mark_line(point=True).encode(
        x=x, y=y, color=alt.Color("source:N", title=None, scale=alt.Scale(range=["#7f7f7f", "#1f77b4"])),
        strokeDash=alt.StrokeDash("source:N", title=None),
        tooltip=["source", "vnodes", alt.Tooltip("cv:Q", format=".4f")],
    )
    marks = alt.Chart(points).mark_point(shape="diamond", size=120, filled=True, color="black").encode(
        x=x, y=y, tooltip=["label", "vnodes", alt.Tooltip("cv:Q", format=".3f")])
    labels = alt.Chart(points).mark_text(align="right", dx=-10, dy=-10).encode(x=x, y=y, text="label:N")
    return alt.layer(lines, marks, labels).properties(
        width=WIDTH, height=HEIGHT, title="Ring balance improves as 1/√(points per server)")


def share_profile(frame: pl.DataFrame, reference: pl.DataFrame | None = None) -> alt.LayerChart:
    """Each server's hash-space share over its fair share, servers sorted from most to least loaded.

    ``frame``: ``rank, share_over_fair, vnodes`` (and any grid column) for the ring;
    ``reference``: ``rank, share_over_fair, algorithm`` for fixed comparison lines.
    """
    x = alt.X("rank:Q", title="server, most loaded first")
    y = alt.Y("share_over_fair:Q", title="share of the key space ÷ fair share",
              scale=alt.Scale(domain=[0, 4], clamp=True))
    ring = alt.Chart(frame).mark_area(opacity=0.5, color="#1f77b4", line=True).encode(
        x=x, y=y, tooltip=["rank", alt.Tooltip("share_over_fair:Q", format=".3f")])
    count = alt.Chart(frame).mark_text(align="right", x=WIDTH - 4, y=12, fontSize=14, color="#1f77b4").encode(
        text=alt.Text("max(vnodes):Q", format="d"))
    caption = alt.Chart(pl.DataFrame({"text": ["ring points per server"]})).mark_text(
        align="right", x=WIDTH - 4, y=30, color="gray").encode(text="text:N")
    rule = alt.Chart(pl.DataFrame({"share_over_fair": [1.0]})).mark_rule(strokeDash=[4, 3], color="gray").encode(
        y="share_over_fair:Q")
    layers = [ring, rule, count, caption]
    if reference is not None:
        layers.insert(1, alt.Chart(reference).mark_line(strokeWidth=2).encode(
            x=x, y=y, color=_algorithm(reference, title="fixed")))
    return alt.layer(*layers).properties(width=WIDTH, height=HEIGHT, title="Who owns how much of the key space")


def disruption(frame: pl.DataFrame) -> alt.LayerChart:
    """Keys moved by one server added or removed, as a multiple of the ideal.

    ``frame``: :func:`labcdn.hashing.disruption`.
    """
    dots = alt.Chart(frame).mark_point(filled=True, size=90).encode(
        x=alt.X("moved_over_ideal:Q", title="keys moved ÷ ideal (log scale)", scale=alt.Scale(type="log")),
        y=alt.Y("algorithm:N", sort=ALGORITHM_ORDER, title=None),
        color=alt.Color("change:N", title="one server", sort=["add", "remove"],
                        scale=alt.Scale(range=["#2ca02c", "#d62728"])),
        shape=alt.Shape("change:N", sort=["add", "remove"], legend=None),
        tooltip=["algorithm", "change", alt.Tooltip("moved:Q", format=".4f"), alt.Tooltip("ideal:Q", format=".4f"),
                 alt.Tooltip("excess:Q", format=".4f")],
    )
    ideal = alt.Chart(pl.DataFrame({"moved_over_ideal": [1.0], "text": ["ideal"]}))
    rule = ideal.mark_rule(color="black", strokeDash=[4, 3]).encode(x="moved_over_ideal:Q")
    label = ideal.mark_text(align="left", dx=4, y=-6).encode(x="moved_over_ideal:Q", text="text:N")
    return alt.layer(rule, label, dots).properties(width=WIDTH, height=230,
                                                    title="What moves when the cluster changes")


def excess_moves(frame: pl.DataFrame) -> alt.LayerChart:
    """Keys moved between servers that stayed, per removed server and algorithm (weighted cluster).

    ``frame``: ``algorithm, removed_weight, excess, moved, ideal``. Zeros show as dots on the axis.
    """
    base = alt.Chart(frame).encode(
        x=alt.X("removed_weight:O", title="weight of the server removed", axis=alt.Axis(labelAngle=0)),
        xOffset=alt.XOffset("algorithm:N", sort=ALGORITHM_ORDER),
        y=alt.Y("excess:Q", title="keys moved needlessly (share of all keys)", axis=alt.Axis(format="%")),
        color=_algorithm(frame),
        tooltip=["algorithm", "removed_weight", alt.Tooltip("moved:Q", format=".4f"),
                 alt.Tooltip("ideal:Q", format=".4f"), alt.Tooltip("excess:Q", format=".4f")],
    )
    return alt.layer(base.mark_bar(), base.mark_point(filled=True, size=30)).properties(
        width=WIDTH, height=220, title="Removing one weighted server: keys moved between the servers that stayed")


def hot_spot(frame: pl.DataFrame) -> alt.LayerChart:
    """Busiest server's request load against the Zipf exponent, with the hottest file's floor.

    ``frame``: :func:`labcdn.hashing.hot_spot`. The floor is drawn where it is at least 0.1.
    """
    x = alt.X("zipf_exponent:Q", title="Zipf exponent of demand")
    y = alt.Y("max_over_mean:Q", title="busiest server's requests ÷ mean", scale=alt.Scale(type="log"))
    lines = alt.Chart(frame).mark_line(point=True).encode(
        x=x, y=y, color=_algorithm(frame),
        tooltip=["algorithm", "zipf_exponent", alt.Tooltip("max_over_mean:Q", format=".2f"),
                 alt.Tooltip("busiest_top_file_fraction:Q", format=".2f", title="hottest file's part")])
    first = frame.filter(pl.col("algorithm") == frame["algorithm"][0])
    floor = (
        alt.Chart(first.filter(pl.col("hottest_file_over_mean") >= 0.1))
        .mark_line(strokeDash=[5, 3], color="black")
        .encode(x=x, y=alt.Y("hottest_file_over_mean:Q"),
                tooltip=["zipf_exponent", alt.Tooltip("hottest_file_over_mean:Q", format=".2f")])
    )
    return alt.layer(lines, floor).properties(
        width=WIDTH, height=HEIGHT, title="The hottest file sets the peak (dashed: that file alone)")


def request_profile(frame: pl.DataFrame) -> alt.LayerChart:
    """Requests per server, sorted, with the hottest file's share as a floor line.

    ``frame``: ``rank, load_over_mean, hottest_file_over_mean`` (and any grid column).
    """
    x = alt.X("rank:Q", title="server, most loaded first")
    y = alt.Y("load_over_mean:Q", title="requests ÷ mean", scale=alt.Scale(type="log", domain=[0.1, 30],
                                                                          clamp=True))
    bars = alt.Chart(frame).mark_area(opacity=0.6, color="#d62728", line=True).encode(
        x=x, y=y, tooltip=["rank", alt.Tooltip("load_over_mean:Q", format=".2f")])
    floor = alt.Chart(frame).mark_rule(strokeDash=[5, 3], color="black").encode(
        y=alt.Y("max(hottest_file_over_mean):Q"))
    return alt.layer(bars, floor).properties(width=WIDTH, height=HEIGHT,
                                             title="Requests per server (dashed: the hottest file alone)")


def server_loads(frame: pl.DataFrame, title: str = "") -> alt.Chart:
    """Files and requests per server over the fair share, each sorted from most to least.

    ``frame``: :func:`labcdn.hashing.loads`.
    """
    long = pl.concat([
        frame.select((pl.col("file_share") / pl.col("fair_share")).alias("load"), pl.lit("files").alias("of")),
        frame.select((pl.col("request_share") / pl.col("fair_share")).alias("load"), pl.lit("requests").alias("of")),
    ]).with_columns(pl.col("load").rank("ordinal", descending=True).over("of").alias("rank")).sort("of", "rank")
    return (
        alt.Chart(long, title=title)
        .mark_line(interpolate="step-after")
        .encode(
            x=alt.X("rank:Q", title="server, most loaded first"),
            y=alt.Y("load:Q", title="load ÷ fair share"),
            color=alt.Color("of:N", title="load in", scale=alt.Scale(range=["#1f77b4", "#d62728"])),
            tooltip=["of", "rank", alt.Tooltip("load:Q", format=".3f")],
        )
        .properties(width=360, height=200)
    )


def keys_moved(frame: pl.DataFrame, title: str = "") -> alt.Chart:
    """Keys each server gained or lost in one membership change.

    ``frame``: ``server, gained, lost`` (shares of all keys).
    """
    # Every server keeps its rows, zeros included (bars of no height), so the x axis spans all of them from
    # the data: a live view's spec then keeps its shape when the number of servers changes.
    long = pl.concat([
        frame.select("server", pl.col("gained").alias("share"), pl.lit("gained").alias("keys")),
        frame.select("server", (-pl.col("lost")).alias("share"), pl.lit("lost").alias("keys")),
    ])
    return (
        alt.Chart(long, title=title)
        .mark_bar()
        .encode(
            x=alt.X("server:Q", title="server id", scale=alt.Scale(zero=True, nice=False, padding=4)),
            y=alt.Y("share:Q", title="keys gained (+) or lost (−)", axis=alt.Axis(format="%")),
            color=alt.Color("keys:N", title=None, scale=alt.Scale(domain=["gained", "lost"],
                                                                 range=["#2ca02c", "#d62728"])),
            tooltip=["server", "keys", alt.Tooltip("share:Q", format=".4%")],
        )
        .properties(width=360, height=200)
    )


def placement_change(loads: pl.DataFrame, moved: pl.DataFrame, loads_title: str = "",
                     moved_title: str = "") -> alt.HConcatChart:
    """The widget's view: :func:`server_loads` beside :func:`keys_moved`, each with its own colours."""
    return alt.hconcat(server_loads(loads, loads_title), keys_moved(moved, moved_title)).resolve_scale(
        color="independent")


def overprovisioning(frame: pl.DataFrame) -> alt.Chart:
    """The Maglev paper's over-provisioning experiment: model beside published.

    ``frame``: ``algorithm, table_size, source, overprovision``.
    """
    return (
        alt.Chart(frame, title="Over-provisioning a backend needs (1,000 backends)")
        .mark_bar()
        .encode(
            x=alt.X("algorithm:N", sort=["ring", "rendezvous", "maglev"], title=None),
            xOffset=alt.XOffset("source:N", sort=["published", "model"]),
            y=alt.Y("overprovision:Q", title="busiest backend ÷ mean − 1", axis=alt.Axis(format="%")),
            color=alt.Color("source:N", title=None, sort=["published", "model"],
                            scale=alt.Scale(range=["#7f7f7f", "#1f77b4"])),
            column=alt.Column("table_size:O", title="table size M"),
            tooltip=["algorithm", "table_size", "source", alt.Tooltip("overprovision:Q", format=".3f")],
        )
        .properties(width=170, height=200)
    )


def memory(frame: pl.DataFrame) -> alt.Chart:
    """Bytes of lookup state per algorithm.

    ``frame``: ``algorithm, memory_bytes`` (from :func:`labcdn.hashing.costs` or the objects' ``nbytes``).
    """
    return (
        alt.Chart(frame.with_columns((pl.col("memory_bytes") / 1024).alias("kib")),
                  title="Lookup state per algorithm")
        .mark_bar()
        .encode(
            x=alt.X("kib:Q", title="KiB"),
            y=alt.Y("algorithm:N", sort=ALGORITHM_ORDER, title=None),
            color=_algorithm(frame, legend=False),
            tooltip=["algorithm", "memory_bytes"],
        )
        .properties(width=WIDTH, height=170)
    )


def lookup_costs(frame: pl.DataFrame) -> alt.HConcatChart:
    """Lookup time per key and table build time per algorithm (machine-dependent).

    ``frame``: :func:`labcdn.hashing.costs`.
    """
    base = alt.Chart(frame).encode(y=alt.Y("algorithm:N", sort=ALGORITHM_ORDER, title=None),
                                   color=_algorithm(frame, legend=False))
    lookup = base.mark_bar().encode(x=alt.X("lookup_ns_per_key:Q", title="lookup, ns per key"),
                                    tooltip=["algorithm", alt.Tooltip("lookup_ns_per_key:Q", format=".1f")])
    build = base.mark_bar().encode(x=alt.X("build_ms:Q", title="build, ms"),
                                   tooltip=["algorithm", alt.Tooltip("build_ms:Q", format=".3f")])
    return alt.hconcat(lookup.properties(width=240, height=170), build.properties(width=240, height=170))
