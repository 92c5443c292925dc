"""labcdn.balancing's frames, product table and studies: shapes, sums, sources, and the CLI summary."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import polars as pl
import pytest

from labcdn.balancing import (
    ALGORITHMS,
    DEFAULTS,
    RULES,
    Defaults,
    Failure,
    backend_stats,
    cluster,
    compare,
    detections,
    metrics,
    products,
    queue_tail,
    run,
    settings,
    simulate,
    summary,
    summary_stats,
    sweep,
    timeline,
    workload,
)

SMALL = replace(DEFAULTS, requests=20_000)


@pytest.fixture(scope="module")
def failed_run():
    w = workload(cluster(6, 2.0), 0.9, 30_000, seed=1, nodes=2)
    return simulate(w, "round_robin", failures=(Failure(2, 5.0, 12.0),))


def test_summary_stats_count_every_request_once(failed_run):
    s = summary_stats(failed_run)
    assert s["ok"] + s["failed"] == s["requests"] == 30_000
    assert s["lost"] > 0 and s["refused"] > 0
    assert s["p50_ms"] <= s["p99_ms"] <= s["p999_ms"]
    assert 0 < s["min_utilisation"] <= s["max_utilisation"] < 1
    assert s["in_system"] == pytest.approx(s["throughput"] * s["sojourn_ms"] / 1e3, rel=1e-9)


def test_metrics_is_one_row_per_run(failed_run):
    frame = metrics([failed_run, failed_run], study="failure")
    assert frame.height == 2
    assert {"study", "algorithm", "load", "nodes", "p99_ms", "failed"} <= set(frame.columns)


def test_backend_stats_add_up(failed_run):
    frame = backend_stats(failed_run)
    assert frame.height == 6
    assert frame["served"].sum() == int((failed_run.status == 0).sum())
    assert frame.filter(pl.col("backend") != 2)["failed"].sum() == 0
    assert frame["share"].sum() == pytest.approx(1.0)


def test_timeline_bins_every_request(failed_run):
    frame = timeline(failed_run, bin_s=2.0)
    assert frame["requests"].sum() == 30_000
    assert (frame["t_s"].diff().drop_nulls() == 2.0).all()
    during = frame.filter((pl.col("t_s") >= 4.0) & (pl.col("t_s") < 12.0))
    assert during["failed"].sum() == summary_stats(failed_run)["failed"]


def test_queue_tail_is_a_decreasing_share(failed_run):
    share = queue_tail(failed_run, 8)["share"].to_numpy()
    assert np.all(np.diff(share) <= 0) and 0 < share[0] < 1


def test_detections_frame(failed_run):
    frame = detections(failed_run)
    assert frame.height == 4  # two nodes, down and up
    assert frame["backend"].to_list() == [2, 2, 2, 2]
    assert sorted(frame["up"].to_list()) == [False, False, True, True]


def test_products_table_has_every_product_with_a_source():
    frame = products()
    assert frame["product"].to_list() == ["Seesaw", "KEMP LoadMaster", "HAProxy", "Zevenet", "Neutrino", "Balance",
                                          "Pen", "NGINX", "Traefik", "Gobetween"]
    assert frame["source"].str.len_chars().min() > 20
    assert set(frame["closest_models"].explode().to_list()) <= set(ALGORITHMS)
    long = products(long=True)
    assert long.height == frame["algorithms"].list.len().sum()
    assert long.filter(pl.col("product") == "HAProxy")["algorithm"].str.contains("random").any()


def test_a_malformed_product_file_names_the_line(tmp_path):
    good = products()
    path = tmp_path / "lb.csv"
    lines = ["product,layer,algorithms,health_checks,features,closest_models,source",
             "X,L4,rr,none,tcp,round_robin,https://example.org",
             "Y,L9,rr,none,tcp,round_robin,https://example.org"]
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(ValueError, match=r"lb.csv:3: layer \['L9'\]"):
        products(path)
    path.write_text("\n".join(lines[:2] + ["Z,L4,rr,none,tcp,fastest,https://example.org"]) + "\n")
    with pytest.raises(ValueError, match="lb.csv:3: closest_models"):
        products(path)
    assert good.height == 10


def test_rules_describe_every_algorithm():
    assert set(RULES) == set(ALGORITHMS)


def test_compare_runs_every_algorithm_on_one_workload():
    frame = compare(SMALL)
    assert frame["algorithm"].to_list() == list(ALGORITHMS)
    assert (frame["requests"] == 20_000).all() and (frame["failed"] == 0).all()
    by = dict(zip(frame["algorithm"], frame["mean_ms"], strict=True))
    assert by["central_queue"] < by["least_connections"] < by["power_of_d"] < by["random"]


def test_sweep_labels_each_grid_point():
    frame = sweep(SMALL, ["least_connections", "power_of_d"], staleness=[0.0, 0.05], nodes=[1, 2])
    assert frame.height == 8
    assert sorted(set(zip(frame["staleness"], frame["nodes"], strict=True))) == [(0.0, 1), (0.0, 2), (0.05, 1),
                                                                                 (0.05, 2)]
    stale = frame.filter((pl.col("staleness") == 0.05) & (pl.col("nodes") == 1))
    by = dict(zip(stale["algorithm"], stale["p99_ms"], strict=True))
    assert by["least_connections"] > by["power_of_d"]  # herding on stale load (Mitzenmacher 2000)


def test_run_uses_the_failure_fields():
    d = replace(SMALL, fail_backend=3, fail_at=2.0, fail_for=5.0)
    assert settings(d)["failures"] == (Failure(3, 2.0, 7.0),)
    assert summary_stats(run(d))["failed"] > 0
    with pytest.raises(ValueError, match="defaults must be"):
        run("defaults")


def test_summary_is_json_with_p99_live_and_stale():
    out = summary(SMALL)
    text = json.dumps(out, allow_nan=False)
    assert json.loads(text)["stale_s"] == SMALL.stale
    assert set(out["algorithms"]) == set(ALGORITHMS)
    for row in out["algorithms"].values():
        assert row["p99_ms"] > 0 and row["p99_ms_stale"] > 0
    assert out["algorithms"]["least_connections"]["p99_ms_stale"] > out["algorithms"]["power_of_d"]["p99_ms_stale"]
    assert Defaults().inter == 2.0 and Defaults().fall == 3 and Defaults().rise == 2


def test_remembered_gives_compare_and_runs_each_pair_once(monkeypatch):
    from labcdn.balancing import Remembered, studies

    pair = ["round_robin", "least_connections"]
    loads = [replace(SMALL, load=x) for x in (0.5, 0.6)]
    want = {(d, tuple(a)): compare(d, a) for d, a in
            [(SMALL, pair), (SMALL, pair[::-1]), (SMALL, [*pair, "random"]), (loads[1], pair)]}
    calls = []
    real = studies._every_algorithm
    monkeypatch.setattr(studies, "_every_algorithm", lambda d, algs, **kw: calls.append(list(algs)) or real(d, algs))
    model = Remembered()
    for (d, algs), frame in list(want.items())[:3]:
        assert model(d, list(algs)).equals(frame)  # the same rows, in the order asked
    assert calls == [pair, ["random"]] and len(model) == 3
    assert model.precompute([*loads, SMALL], pair) == 3 + 2 * len(pair)
    assert calls[2:] == [pair, pair]  # SMALL was stored already
    assert model(loads[1], pair).equals(want[(loads[1], tuple(pair))]) and len(calls) == 4
    with pytest.raises(ValueError, match="algorithms"):
        model(SMALL, ["no_such_rule"])
    with pytest.raises(ValueError, match="Defaults"):
        model.precompute([{"load": 0.5}])
