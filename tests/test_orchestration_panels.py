"""labcdn.orchestration.panels: the scheduling chapter's live panels, precomputed over their sliders' values."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from labcdn.datasets import load_alibaba_nodes, load_alibaba_pods
from labcdn.orchestration import DESIGNS, omega, replay
from labcdn.orchestration.panels import Waits, inflation

FIXTURES = Path(__file__).parent / "fixtures"
AT = {"nodes": 100, "load": 1.0, "t_task_ms": 5.0, "strategy": "least_allocated"}


def test_waits_is_both_designs_at_the_point_and_remembers_it():
    waits = Waits(horizon=600.0, seed=3)
    metrics, busiest = waits(**{**AT, "load": 2.0})
    direct = [omega(d, 100, horizon=600.0, load=2.0, seed=3, t_task=0.005) for d in DESIGNS]
    assert metrics.equals(pl.concat([s.metrics() for s in direct]))
    assert busiest == {s.design: max(s.busy.values()) / s.horizon for s in direct}
    assert waits(**{**AT, "load": 2.0 + 1e-12})[0] is metrics  # slider float noise finds the stored point
    assert len(waits) == 1


def test_waits_precompute_fills_each_slider_in_turn():
    waits = Waits(horizon=300.0, seed=3)
    assert waits.precompute(AT, nodes=[100, 200], t_task_ms=[5.0, 10.0]) == 3  # AT itself is in both grids
    with pytest.raises(ValueError, match="grid control"):
        waits.precompute(AT, horizon=[1.0])
    with pytest.raises(ValueError, match="defaults lacks"):
        waits.precompute({"nodes": 100}, load=[1.0])


def test_inflation_stacks_one_replay_per_value():
    pods = load_alibaba_pods(FIXTURES / "alibaba_pods_small.csv")
    nodes = load_alibaba_nodes(FIXTURES / "alibaba_nodes_small.csv")
    timeline, metrics = inflation([1.0, 1.5], pods=pods, nodes=nodes)
    assert timeline.columns[0] == "inflate" == metrics.columns[0]
    assert sorted(set(metrics["inflate"])) == [1.0, 1.5]
    at = replay(inflate=1.5, pods=pods, nodes=nodes)
    assert metrics.filter(pl.col("inflate") == 1.5).drop("inflate").equals(at.metrics)
    assert timeline.filter(pl.col("inflate") == 1.5).drop("inflate").equals(at.timeline)
    with pytest.raises(ValueError, match="inflates"):
        inflation([], pods=pods, nodes=nodes)
