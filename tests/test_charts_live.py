"""Live-panel charts of chapters 6 and 7: built once, data swapped per redraw, the same spec as the plain builder."""

from __future__ import annotations

import json
from dataclasses import replace

import polars as pl

from labcdn import balancing as lb
from labcdn import orchestration as orch
from labcdn.charts import balancing as lb_charts
from labcdn.charts import orchestration as orc_charts

SMALL = replace(lb.DEFAULTS, requests=5_000)


def _spec(chart) -> str:
    return json.dumps(chart.to_dict(validate=False), sort_keys=True)


def test_live_panel_gives_the_panel_spec_for_each_frame():
    live = lb_charts.LivePanel()
    four = ["round_robin", "least_connections", "random", "power_of_d"]
    for d, algorithms in [(SMALL, four), (replace(SMALL, load=0.5), four), (SMALL, four[:2]),
                          (replace(SMALL, load=0.6), four[::-1])]:
        frame = lb.compare(d, algorithms)
        title = f"load {d.load}"
        assert _spec(live(frame, title)) == _spec(lb_charts.panel(frame, title))


def test_live_waits_gives_the_waits_spec_for_each_frame():
    live = orc_charts.LiveWaits()
    for nodes in (100, 200):
        metrics = pl.concat([orch.omega(d, nodes, horizon=300.0).metrics() for d in orch.DESIGNS])
        assert _spec(live(metrics, f"{nodes} nodes")) == _spec(orc_charts.waits(metrics, f"{nodes} nodes"))


def test_live_timeline_gives_the_timeline_spec_for_each_frame():
    timeline = pl.DataFrame({"run": ["two_level"] * 3, "time": [0.0, 100.0, 200.0], "gpu_asked": [0.0, 0.4, 0.9],
                             "gpu_used": [0.0, 0.3, 0.8], "cpu_used": [0.0, 0.2, 0.3], "frag_gpu": [0.1, 0.2, 0.5],
                             "frag_cpu": [0.2, 0.3, 0.4]})
    live = orc_charts.LiveTimeline()
    for frame, title in [(timeline, "a"), (timeline.head(2), "b")]:
        want = orc_charts.trace_timeline(frame, x_max=1.5).properties(title=title)
        assert _spec(live(frame, title, x_max=1.5)) == _spec(want)
