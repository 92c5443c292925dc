"""Charts for the replication and tiers chapter: polars frames in, Altair charts out.

Every builder takes a small frame from :mod:`labcdn.replication` or
:mod:`labcdn.replication` (per server, per title, per tier: at most a few thousand
rows) and gives each copy rule, tier and routing the same colour everywhere.
"""

from __future__ import annotations

import html
import re
import subprocess

import altair as alt
import numpy as np
import polars as pl

from labcdn.charts import templates

RULE_COLORS = {"none": "#7f7f7f", "popularity": "#1f77b4", "uniform": "#ff7f0e"}
TIER_COLORS = {"ram": "#2ca02c", "flash": "#1f77b4", "storage": "#9467bd", "outside": "#d62728"}
STATE_COLORS = {"intact": "#7f7f7f", "failed": "#d62728"}
WIDTH = 420
HEIGHT = 240


def _scale(frame: pl.DataFrame, column: str, palette: dict) -> tuple[list, alt.Scale]:
    """The values of ``column`` present (in palette order) and their fixed colours."""
    present = set(frame[column].to_list())
    domain = [k for k in palette if k in present] + sorted(present - set(palette))
    extra = ["#8c564b", "#e377c2", "#bcbd22", "#17becf"]
    colors = [palette.get(k) or extra[i % len(extra)] for i, k in enumerate(domain)]
    return domain, alt.Scale(domain=domain, range=colors)


def _colors(frame: pl.DataFrame, column: str, palette: dict, title: str | None = None):
    """Colour by ``column`` with the fixed palette, listing only the values present."""
    domain, scale = _scale(frame, column, palette)
    return alt.Color(f"{column}:N", title=title or column, sort=domain, scale=scale)


def ranked(frame: pl.DataFrame, by: str) -> pl.DataFrame:
    """Rank servers within each ``by`` group from the busiest (1) down; utilisation rounded for small specs.

    ``frame``: ``by, utilisation`` and any other columns (e.g. a grid column), one row per server.
    """
    keys = [c for c in frame.columns if c not in ("utilisation", "server", "load_gbps", "copies", "stored_tb",
                                                   "alive")]
    return (frame.select(*keys, pl.col("utilisation").round(4))
            .with_columns(rank=pl.col("utilisation").rank("ordinal", descending=True).over(keys)))


def server_profile(frame: pl.DataFrame, by: str = "copy_rule", *, references: pl.DataFrame | None = None,
                   labels: pl.DataFrame | None = None, title: str = "Utilisation per server, busiest first",
                   palette: dict | None = None, ymax: float | None = None, width: int = WIDTH,
                   height: int = HEIGHT) -> alt.LayerChart:
    """Each server's utilisation, servers sorted from the busiest, one line per ``by`` value.

    Parameters
    ----------
    frame : polars.DataFrame
        ``by, utilisation`` per server (e.g. :func:`labcdn.replication.server_table` with a ``by``
        column added), plus any grid column.
    by : str
        Column that names each line (a copy rule, a failure state, ...).
    references : polars.DataFrame, optional
        ``utilisation, label``: horizontal dashed rules (e.g. the hottest file's load alone).
    labels : polars.DataFrame, optional
        ``by, text`` (and any grid column): one line of text per ``by`` value, top right.
    title, palette, width, height
        Chart title, colours per ``by`` value and size.
    ymax : float, optional
        Top of the utilisation axis (default: fit the data and the saturation line).
    """
    data = ranked(frame, by)
    domain, scale = _scale(data, by, palette or {**RULE_COLORS, **STATE_COLORS})
    color = alt.Color(f"{by}:N", title=by.replace("_", " "), sort=domain, scale=scale,
                      legend=alt.Legend(symbolType="stroke"))
    x = alt.X("rank:Q", title="server, busiest first", scale=alt.Scale(domainMin=1, nice=False))
    y = alt.Y("utilisation:Q", title="NIC utilisation",
              scale=alt.Scale(domainMin=0) if ymax is None else alt.Scale(domain=[0, ymax]))
    lines = alt.Chart(data).mark_line(interpolate="step-after").encode(
        x=x, y=y, color=color, tooltip=[by, "rank", alt.Tooltip("utilisation:Q", format=".3f")])
    saturated = alt.Chart(pl.DataFrame({"utilisation": [1.0], "label": ["saturated"]}))
    layers = [saturated.mark_rule(color="black", strokeDash=[2, 2]).encode(y="utilisation:Q"),
              saturated.mark_text(align="left", x=4, dy=-6).encode(y="utilisation:Q", text="label:N"), lines]
    if references is not None:
        refs = references.with_columns(pl.col("utilisation").round(4))
        layers.append(alt.Chart(refs).mark_rule(strokeDash=[6, 3], color="#d62728").encode(
            y="utilisation:Q", tooltip=["label", alt.Tooltip("utilisation:Q", format=".3f")]))
        layers.append(alt.Chart(refs).mark_text(align="right", dy=-6, x=width - 4, color="#d62728").encode(
            y="utilisation:Q", text="label:N"))
    if labels is not None:
        rows = _label_rows(labels, by)
        layers.append(alt.Chart(rows).mark_text(align="right", x=width - 4, fontSize=12).encode(
            y=alt.Y("ypix:Q", scale=None), text="text:N", color=color))
    return alt.layer(*layers).properties(width=width, height=height, title=title)


def _label_rows(labels: pl.DataFrame, by: str) -> pl.DataFrame:
    """:func:`server_profile`'s text lines: one per ``by`` value, 16 px apart from the top."""
    order = list(dict.fromkeys(labels[by].to_list()))
    return labels.with_columns(ypix=pl.col(by).replace_strict(order, [14 + 16 * i for i in range(len(order))]))


def capacity_vs_storage(frame: pl.DataFrame) -> alt.HConcatChart:
    """Usable capacity and the extra storage it costs, against the copies ``k``, one line per copy rule.

    ``frame``: :func:`labcdn.replication.copies_sweep` (``copy_rule, copies, storage_overhead,
    usable_fraction``): ``k`` is the cap for the popularity rule and the copies of every file for uniform.
    """
    data = frame.select("copy_rule", "copies", pl.col("usable_fraction").round(4),
                        extra_pct=(pl.col("storage_overhead") * 100).round(4))
    color = _colors(data, "copy_rule", RULE_COLORS, title="copy rule")
    x = alt.X("copies:O", title="k: copy cap (popularity) or copies of every file (uniform)")
    tooltip = ["copy_rule", "copies", alt.Tooltip("usable_fraction:Q", format=".3f"),
               alt.Tooltip("extra_pct:Q", format=".3f", title="extra storage, %")]
    point = alt.OverlayMarkDef(filled=True, size=50)
    usable = alt.Chart(data).mark_line(point=point).encode(
        x=x, y=alt.Y("usable_fraction:Q", title="usable capacity (share of aggregate)",
                     scale=alt.Scale(domain=[0, 1])), color=color, tooltip=tooltip)
    storage = alt.Chart(data.filter(pl.col("extra_pct") > 0)).mark_line(point=point).encode(
        x=x, y=alt.Y("extra_pct:Q", title="extra storage (% of one catalogue, log)", scale=alt.Scale(type="log")),
        color=color, tooltip=tooltip)
    size = {"width": 280, "height": 220}
    return alt.hconcat(usable.properties(title="Usable capacity", **size),
                       storage.properties(title="What it costs in storage", **size))


def balls_into_bins(frame: pl.DataFrame) -> alt.LayerChart:
    """Max load above the mean against the number of bins, model beside theory, one colour per ``d``.

    ``frame``: ``bins, choices, excess, theory`` (e.g. :func:`labcdn.replication.balls_into_bins`,
    averaged over seeds).
    """
    data = frame.select("bins", pl.col("choices").cast(pl.String).alias("d"), pl.col("excess").round(3),
                        pl.col("theory").round(3))
    x = alt.X("bins:Q", title="servers n (log)", scale=alt.Scale(type="log"))
    color = alt.Color("d:N", title="choices d", scale=alt.Scale(scheme="category10"))
    dash = alt.StrokeDash("source:N", title=None, scale=alt.Scale(domain=["model", "theory (leading terms)"],
                                                                  range=[[1, 0], [5, 3]]),
                          legend=alt.Legend(symbolType="stroke", symbolStrokeColor="black"))
    tooltip = ["bins", "d", alt.Tooltip("excess:Q", format=".2f"), alt.Tooltip("theory:Q", format=".2f")]
    y = alt.Y("excess:Q", title="max load − mean (requests)")
    model = alt.Chart(data).mark_line().encode(x=x, y=y, color=color, strokeDash=dash).transform_calculate(
        source="'model'")
    points = alt.Chart(data).mark_point(filled=True, size=60).encode(x=x, y=y, color=color, tooltip=tooltip)
    theory = alt.Chart(data).mark_line().encode(x=x, y="theory:Q", color=color, strokeDash=dash).transform_calculate(
        source="'theory (leading terms)'")
    return alt.layer(model, points, theory).properties(
        width=WIDTH, height=HEIGHT, title="Balls into bins: model (solid) and theory (dashed)")


def ram_titles(frame: pl.DataFrame, band: tuple[float, float] = (0.10, 0.20), bins: int = 20) -> alt.HConcatChart:
    """Which titles RAM serves: cumulative traffic by title rank, and each title's share from RAM.

    ``frame``: :func:`labcdn.replication.ram_by_title` (``rank, traffic_share, ram_share``);
    ``band``: the published share of titles served from RAM, shaded on both panels;
    ``bins``: equal groups of titles (by rank) whose traffic-weighted RAM share is drawn as a line.
    """
    ordered = frame.sort("rank")
    n = ordered.height
    traffic = ordered["traffic_share"].to_numpy()
    ram = ordered["ram_share"].to_numpy()
    group = np.minimum(np.arange(n) * bins // n, bins - 1)
    weight = np.bincount(group, weights=traffic, minlength=bins)
    binned = pl.DataFrame({"title_share": ((np.arange(bins) + 0.5) / bins).round(4),
                           "ram_share": np.round(np.bincount(group, weights=traffic * ram, minlength=bins)
                                                 / np.where(weight > 0, weight, 1.0), 4)})
    data = pl.DataFrame({"title_share": (np.arange(1, n + 1) / n).round(4),
                         "all traffic": np.cumsum(traffic).round(4), "from RAM": np.cumsum(traffic * ram).round(4),
                         "ram_share": ram.round(4)})
    x = alt.X("title_share:Q", title="titles, most watched first (share of catalogue)", axis=alt.Axis(format="%"),
              scale=alt.Scale(domain=[0, 1]))
    published = alt.Chart(pl.DataFrame({"lo": [band[0]], "hi": [band[1]],
                                        "text": [f"published: {band[0]:.0%}–{band[1]:.0%} of titles"]}))
    shade = published.mark_rect(color="#2ca02c", opacity=0.15).encode(x="lo:Q", x2="hi:Q")
    shade_label = published.mark_text(align="left", dx=3, y=8, color="#2ca02c").encode(x="hi:Q", text="text:N")
    curves = alt.Chart(data).transform_fold(["all traffic", "from RAM"], as_=["traffic", "share"]).mark_line().encode(
        x=x, y=alt.Y("share:Q", title="cumulative share of all traffic", axis=alt.Axis(format="%")),
        color=alt.Color("traffic:N", title=None, scale=alt.Scale(domain=["all traffic", "from RAM"],
                                                                   range=["#7f7f7f", "#2ca02c"])),
        tooltip=[alt.Tooltip("title_share:Q", format=".1%"), alt.Tooltip("share:Q", format=".1%"), "traffic:N"])
    y = alt.Y("ram_share:Q", title="share of the title's traffic from RAM", axis=alt.Axis(format="%"))
    dots = alt.Chart(data).mark_circle(size=12, opacity=0.35, color="#2ca02c").encode(
        x=x, y=y, tooltip=[alt.Tooltip("title_share:Q", format=".1%"), alt.Tooltip("ram_share:Q", format=".1%")])
    line = alt.Chart(binned).mark_line(color="black", point=True).encode(
        x=x, y=y, tooltip=[alt.Tooltip("ram_share:Q", format=".1%", title=f"traffic-weighted, per 1/{bins}")])
    half = alt.Chart(pl.DataFrame({"ram_share": [0.5], "text": ["half"]}))
    half = alt.layer(half.mark_rule(strokeDash=[4, 3], color="gray").encode(y="ram_share:Q"),
                     half.mark_text(align="right", x=296, dy=-6, color="gray").encode(y="ram_share:Q", text="text:N"))
    line_label = alt.Chart(binned.head(1).with_columns(text=pl.lit(f"traffic-weighted, per 1/{bins}"))).mark_text(
        align="left", dx=8, dy=-4).encode(x=x, y=y, text="text:N")
    dots_label = alt.Chart(pl.DataFrame({"text": ["dots: one per title"]})).mark_text(
        align="right", x=296, y=8, color="#2ca02c").encode(text="text:N")
    size = {"width": 300, "height": 220}
    return alt.hconcat(alt.layer(shade, shade_label, curves).properties(title="Traffic by title", **size),
                       alt.layer(shade, dots, half, line, line_label, dots_label).properties(
                           title="Served from RAM, per title", **size))


def tier_shares(frame: pl.DataFrame, title: str = "Which tier carries the traffic") -> alt.HConcatChart:
    """Traffic share and bytes stored per tier.

    ``frame``: :func:`labcdn.replication.tier_shares` (``tier, traffic_share, files, stored_tb``).
    """
    data = frame.select("tier", pl.col("traffic_share").round(4), pl.col("stored_tb").round(3), "files")
    order, scale = _scale(data, "tier", TIER_COLORS)
    y = alt.Y("tier:N", sort=order, title=None)
    color = alt.Color("tier:N", legend=None, sort=order, scale=scale)
    tooltip = ["tier", alt.Tooltip("traffic_share:Q", format=".1%"), alt.Tooltip("stored_tb:Q", format=".2f"),
               "files"]
    traffic = alt.Chart(data).mark_bar().encode(
        x=alt.X("traffic_share:Q", title="share of traffic", axis=alt.Axis(format="%"), scale=alt.Scale(
            domain=[0, 1])), y=y, color=color, tooltip=tooltip)
    text = traffic.mark_text(align="left", dx=3).encode(text=alt.Text("traffic_share:Q", format=".0%"),
                                                        color=alt.value("black"))
    stored = alt.Chart(data).mark_bar().encode(
        x=alt.X("stored_tb:Q", title="stored (TB, copies included)"), y=y, color=color, tooltip=tooltip)
    return alt.hconcat(alt.layer(traffic, text).properties(width=220, height=110, title=title),
                       stored.properties(width=160, height=110, title="Bytes held"))


def failure_profiles(frame: pl.DataFrame) -> alt.HConcatChart:
    """Per copy rule, live servers' utilisation before and after one server fails.

    ``frame``: ``copy_rule, state, utilisation`` per live server (``state``: intact / failed).
    """
    rules = list(dict.fromkeys(frame["copy_rule"].to_list()))
    top = max(1.0, float(frame["utilisation"].max()))
    panels = [server_profile(frame.filter(pl.col("copy_rule") == r).drop("copy_rule"), "state",
                             title=f"copy rule: {r}", width=260, height=200, palette=STATE_COLORS, ymax=top)
              for r in rules]
    return alt.hconcat(*panels).resolve_scale(y="shared")


EXPLORER_TITLE = "Utilisation per server, busiest first"


def explorer(servers: pl.DataFrame, tiers: pl.DataFrame, labels: pl.DataFrame) -> alt.VConcatChart:
    """The widget's view: the cluster's per-server utilisation above the tiered site's traffic per tier.

    ``servers``: ``state, utilisation`` per live server (``state``: intact / failed);
    ``tiers``: :func:`labcdn.replication.tier_shares`; ``labels``: ``state, text``, one line of
    numbers per state, drawn in the state's colour at the top right of the cluster's chart.
    """
    return alt.vconcat(server_profile(servers, "state", labels=labels, title=EXPLORER_TITLE, palette=STATE_COLORS),
                       tier_shares(tiers, title="Tiered site: traffic per tier")).resolve_scale(color="independent")


def _order(values, palette: dict) -> tuple:
    present = set(values)
    return tuple([k for k in palette if k in present] + sorted(present - set(palette)))


_EXPLORER = templates.Templates()  # explorer's spec per set of failure states


def _explorer_zeros(states: tuple):
    """:func:`explorer` for these failure states, on rows of zeros (the template :func:`explorer_spec` fills)."""
    servers = pl.DataFrame({"state": list(states), "utilisation": [0.0] * len(states)})
    tiers = pl.DataFrame({"tier": list(TIER_COLORS), "traffic_share": 0.0, "stored_tb": 0.0, "files": 0})
    labels = pl.DataFrame({"state": list(states), "text": [""] * len(states)})
    return explorer(servers, tiers, labels)


def explorer_spec(servers: pl.DataFrame, tiers: pl.DataFrame, labels: pl.DataFrame) -> templates.Spec:
    """:func:`explorer`'s chart, filled into a spec built once per set of failure states (for the live panel).

    Same arguments and the same chart as :func:`explorer`; only the data rows change from one call to
    the next, so no Altair object is built, and the live view can apply them as a changeset.
    """
    if set(tiers["tier"]) != set(TIER_COLORS):
        raise ValueError(f"tiers must have one row per tier {list(TIER_COLORS)}; got {tiers['tier'].to_list()}")
    states = _order(servers["state"], STATE_COLORS)
    if tuple(labels["state"]) != states:
        raise ValueError(f"labels must have one row per state, in the order {list(states)}; "
                         f"got {labels['state'].to_list()}")
    tier_rows = tiers.select("tier", pl.col("traffic_share").round(4), pl.col("stored_tb").round(3), "files")
    return _EXPLORER.fill(states, lambda: _explorer_zeros(states),
                          [ranked(servers, "state"), tier_rows, _label_rows(labels, "state")])


class Diagram:
    """A Graphviz diagram drawn by Debian's ``dot`` when displayed: inline SVG (no network), alt text as plain text.

    Parameters
    ----------
    source : str
        The ``dot`` source.
    alt : str
        What the diagram shows, in words (the SVG's ``aria-label`` and the plain-text output).
    """

    def __init__(self, source: str, alt: str):
        self.source = source
        self.alt = alt

    def svg(self) -> str:
        """The SVG as ``dot`` draws it, without the XML prolog and comments."""
        try:
            done = subprocess.run(["dot", "-Tsvg"], input=self.source, capture_output=True, text=True, check=True)
        except FileNotFoundError as exc:
            raise RuntimeError("Graphviz's dot is not installed: `apt-get install graphviz` (make test does)") from exc
        except subprocess.CalledProcessError as exc:
            raise ValueError(f"dot rejected the diagram: {exc.stderr.strip()}") from exc
        return re.sub(r"<!--.*?-->", "", re.sub(r"^.*?(?=<svg\b)", "", done.stdout, count=1, flags=re.S), flags=re.S)

    def _repr_mimebundle_(self, include=None, exclude=None):
        svg = self.svg().replace(">", f' role="img" aria-label="{html.escape(self.alt)}"'
                                      ' style="max-width:100%;height:auto">', 1)
        return {"text/html": f'<div class="labcdn-diagram graphviz">{svg}</div>', "text/plain": self.alt}


def tier_diagram(types: pl.DataFrame, specs: dict, stated: float) -> Diagram:
    """The tiered site as a diagram: each server type's RAM and disks, with the share of the traffic each serves.

    Parameters
    ----------
    types : polars.DataFrame
        :func:`labcdn.replication.server_types` (``type, servers, traffic_share, ram_share, stored_tb``).
    specs : dict
        Server type name → :class:`labcdn.replication.ServerType` (NIC, storage and RAM per server).
    stated : float
        The share of traffic from RAM under the book's stated reading of the source
        (:func:`labcdn.replication.what_ram_serves`), drawn as a note beside the model's.
    """
    lines = ['digraph tiers {',
             '  graph [rankdir=TB, bgcolor="transparent", nodesep=0.3, ranksep=0.45, fontsize=11, fontname="sans-serif"];',
             '  node [shape=box, style="rounded,filled", fillcolor="#f8f9fa", fontsize=11, fontname="sans-serif"];',
             '  edge [fontsize=10, color="#555555", arrowsize=0.6, fontname="sans-serif"];',
             '  requests [label="requests\\n(all of the site\'s traffic)", shape=oval, fillcolor="#ffffff"];']
    ram_total = 0.0
    for row in types.iter_rows(named=True):
        kind, spec = row["type"], specs[row["type"]]
        ram = row["traffic_share"] * row["ram_share"]
        disk = row["traffic_share"] - ram
        ram_total += ram
        disks = "flash disks" if kind == "flash" else "hard disks"
        lines += [
            f'  subgraph cluster_{kind} {{ label="{row["servers"]} {kind} servers\\n{spec.nic_gbps:.0f} Gbps NIC, '
            f'{spec.storage_tb:.0f} TB each"; labelloc=b; style=rounded; color="{TIER_COLORS[kind]}";',
            f'    {kind}_ram [label="RAM (page cache)\\n{spec.ram_gb:.0f} GB each", fillcolor="#d8f0d8", '
            f'color="{TIER_COLORS["ram"]}"];',
            f'    {kind}_disk [label="{disks}\\n{row["stored_tb"]:.1f} TB held", shape=cylinder];',
            f'    {kind}_ram -> {kind}_disk [style=invis]; }}',
            f'  requests -> {kind}_ram [label="{ram:.0%}", penwidth={0.8 + 6 * ram:.2f}, color="{TIER_COLORS["ram"]}", '
            f'fontcolor="{TIER_COLORS["ram"]}"];',
            f'  requests -> {kind}_disk [label="{disk:.0%}", penwidth={0.8 + 6 * disk:.2f}];',
        ]
    lines += [f'  note [shape=note, fillcolor="#ffffff", fontsize=10, label="RAM: {ram_total:.0%} of the traffic '
              f'in this model\\n(the book\'s stated reading of the source: {stated:.0%})"];',
              f'  {types["type"][-1]}_disk -> note [style=invis];', '}']
    summary = ", ".join(f"{r['type']} servers: {r['traffic_share'] * r['ram_share']:.0%} from RAM, "
                        f"{r['traffic_share'] * (1 - r['ram_share']):.0%} from disk" for r in types.iter_rows(named=True))
    return Diagram("\n".join(lines), f"The tiered site: requests go to RAM or disk on each server type ({summary}).")
