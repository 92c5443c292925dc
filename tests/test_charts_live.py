"""Live-panel charts (chapters 3, 6 and 7): built once, rows filled in per redraw, a fixed shape, the plain builder's chart.

A filled template keeps the dataset names of the chart it was built from (Altair names them after a hash of
the rows), so charts are compared as the live view sees them: shape, rows and title params
(:func:`labcdn.ui.chart.split_spec`).
"""

from __future__ import annotations

import json
from dataclasses import replace

import altair as alt
import numpy as np
import polars as pl
import pytest

from labcdn import balancing as lb
from labcdn import orchestration as orch
from labcdn.charts import balancing as lb_charts
from labcdn.charts import hashing as hash_charts
from labcdn.charts import orchestration as orc_charts
from labcdn.charts import templates
from labcdn.charts.captions import caption, caption_rows
from labcdn.ui.chart import split_spec

SMALL = replace(lb.DEFAULTS, requests=5_000)


def _spec(chart) -> str:
    return json.dumps(split_spec(chart.to_dict(validate=False)), sort_keys=True)


def _shape(chart) -> str:
    return json.dumps(split_spec(chart.to_dict(validate=False))[0], sort_keys=True)


def test_live_panel_gives_the_panel_spec_with_a_fixed_shape():
    live = lb_charts.LivePanel()
    four = ["round_robin", "least_connections", "random", "power_of_d"]
    shapes = set()
    for d in (SMALL, replace(SMALL, load=0.5), replace(SMALL, load=0.6)):
        frame = lb.compare(d, four)
        text = f"load {d.load}"
        chart = live(frame, text)
        want = alt.vconcat(caption(text, lb_charts.WIDTH), lb_charts.panel(frame, lb_charts.LivePanel.TITLE))
        assert _spec(chart) == _spec(want)
        shapes.add(_shape(chart))
    assert len(shapes) == 1  # only the data change: a live view updates in place
    two = lb.compare(SMALL, four[:2])
    assert _spec(live(two, "two")) == _spec(alt.vconcat(caption("two", lb_charts.WIDTH),
                                                       lb_charts.panel(two, lb_charts.LivePanel.TITLE)))


def test_live_waits_gives_the_waits_spec_with_a_fixed_shape():
    live = orc_charts.LiveWaits()
    shapes = set()
    for nodes in (100, 200):
        metrics = pl.concat([orch.omega(d, nodes, horizon=300.0).metrics() for d in orch.DESIGNS])
        chart = live(metrics, f"{nodes} nodes")
        assert _spec(chart) == _spec(alt.vconcat(caption(f"{nodes} nodes", orc_charts.WIDTH), orc_charts.waits(metrics)))
        shapes.add(_shape(chart))
    assert len(shapes) == 1


def test_live_timeline_gives_the_timeline_spec_with_a_fixed_shape():
    timeline = pl.DataFrame({"run": ["two_level"] * 3, "time": [0.0, 100.0, 200.0], "gpu_asked": [0.0, 0.4, 0.9],
                             "gpu_used": [0.0, 0.3, 0.8], "cpu_used": [0.0, 0.2, 0.3], "frag_gpu": [0.1, 0.2, 0.5],
                             "frag_cpu": [0.2, 0.3, 0.4]})
    live = orc_charts.LiveTimeline()
    shapes = set()
    for frame, text in [(timeline, "a"), (timeline.head(2), "b")]:
        want = alt.vconcat(caption(text, orc_charts.WIDTH), orc_charts.trace_timeline(frame, x_max=1.5))
        chart = live(frame, text, x_max=1.5)
        assert _spec(chart) == _spec(want)
        shapes.add(_shape(chart))
    assert len(shapes) == 1


def test_placement_change_keeps_its_shape_when_the_servers_change():
    shapes = set()
    for servers in (10, 11, 200):
        ids = np.arange(servers + 1)
        loads = pl.DataFrame({"file_share": np.full(servers, 1 / servers), "request_share": np.full(servers, 1 / servers),
                              "fair_share": np.full(servers, 1 / servers)})
        moved = pl.DataFrame({"server": ids, "gained": np.where(ids < servers - 1, 0.1 / servers, 0.0),
                              "lost": np.where(ids == servers - 1, 0.1, 0.0)})
        chart = hash_charts.placement_change(loads, moved, f"{servers} servers", "remove a server")
        shapes.add(_shape(chart))
        rows = [r for rows in split_spec(chart.to_dict())[1].values() for r in rows if "server" in r]
        assert max(r["server"] for r in rows) == servers  # the x axis spans every server, from the data
    assert len(shapes) == 1


def test_templates_build_once_per_key():
    built = []

    def build(text):
        built.append(text)
        return caption(text)

    cache = templates.Templates()
    for key, text in [("a", "one"), ("a", "two"), ("b", "three")]:
        spec = cache.fill(key, lambda text=text: build(text), [caption_rows(text)])
        assert list(spec.to_dict()["datasets"].values()) == [[{"caption": text}]]
    assert built == ["one", "three"] and len(cache) == 2


def test_caption_is_one_row_of_text():
    assert caption("16 backends").to_dict()["datasets"]  # the text travels as data
    with pytest.raises(ValueError, match="text must be a str"):
        caption(3)
