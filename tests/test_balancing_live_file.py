"""The committed live run (data/measurements/balancers.json), its comparison frame and the chapter's charts.

No product runs here: these tests read the committed file, so they pass without HAProxy, NGINX or Pen.
"""

from __future__ import annotations

import json
from dataclasses import replace

import polars as pl
import pytest

from labcdn.balancing import DEFAULTS, products
from labcdn.balancing.live_study import comparison, load_measurements
from labcdn.balancing.presets import preset_grid
from labcdn.charts import balancing as charts

HEADLINES = ("nginx_consistent_hash_mismatches", "round_robin_max_count_error",
             "least_connections_mean_response_rel_error", "haproxy_failover_detect_s")


def test_the_committed_run_has_its_provenance_and_the_headline_numbers():
    record = load_measurements()
    prov = record["provenance"]
    assert prov["command"].startswith("labcdn balancers --json")
    assert prov["date"] and "CPUs" in prov["machine"]
    res = record["results"]
    for key in HEADLINES:
        assert key in res
    assert set(res["haproxy_failover_detect_s"]) >= {"measured", "predicted"}
    for product, package in (("haproxy", "haproxy"), ("nginx", "nginx-light"), ("pen", "pen")):
        assert res["products"][product]["package"] == package
        assert res["products"][product]["version"] != "unknown"
        assert res["products"][product]["algorithms"]


def test_comparison_lists_every_measured_quantity_beside_its_prediction():
    res = load_measurements()["results"]
    frame = comparison(res)
    assert frame.columns == ["check", "product", "algorithm", "quantity", "unit", "predicted", "measured"]
    counts = frame.filter(pl.col("check") == "requests per backend")
    assert counts.height == 4 * len(res["counts"])
    assert counts["measured"].sum() == sum(sum(r["measured"]) for r in res["counts"])
    assert set(frame["product"]) == {"haproxy", "nginx", "pen"}


def test_a_file_without_results_names_the_command(tmp_path):
    path = tmp_path / "b.json"
    path.write_text(json.dumps({"provenance": {}}))
    with pytest.raises(ValueError, match="labcdn balancers"):
        load_measurements(path)


def test_the_chapter_charts_build_and_embed_their_controls():
    res = load_measurements()["results"]
    spec = charts.measured_vs_predicted(comparison(res)).to_dict()
    assert spec["layer"][1]["mark"]["type"] == "point"
    spec = charts.preset_selector(preset_grid(replace(DEFAULTS, requests=1000, backends=4))).to_dict()
    assert spec["params"][0]["bind"]["input"] == "select" and "Pen" in spec["params"][0]["bind"]["options"]
    spec = charts.features_table(products()).to_dict()
    assert {p["name"] for p in spec["params"]} == {"feature_product", "feature_layer"}
    spec = charts.products_matrix(products()).to_dict()
    assert "L3" in json.dumps(spec)
