"""Chapters 8 and 9's chart builders: readable time, axes that stay put, controls that do something."""

from __future__ import annotations

import re

import numpy as np
import polars as pl

from labcdn import orchestration as orch
from labcdn import sweep
from labcdn.charts import grid_slider, to_svg
from labcdn.charts import orchestration as oc
from labcdn.charts import sweeps as sc


def _texts(svg: str) -> list[str]:
    return re.findall(r"<text[^>]*>([^<]*)</text", svg)


def test_the_day_reads_as_a_clock_not_decimal_hours():
    series = pl.DataFrame({"controller": ["hpa"] * 4 + ["marathon"] * 4, "time": [0, 3600, 75600, 76500] * 2,
                           "load": [1000.0] * 8, "capacity": [2000.0] * 8})
    chart = oc.autoscaling_day(series)
    texts = _texts(to_svg(chart))
    assert any(re.fullmatch(r"\d\d:\d\d", t) for t in texts)
    assert not any(re.fullmatch(r"\d+\.\d+", t) for t in texts)  # no 21.25 hours (and integer loads)
    assert sorted(set(chart.data["at"])) == ["0:00", "1:00", "21:00", "21:15"]


def test_downtime_axis_is_fixed_when_given():
    frame = orch.availability(4.0, trials=500)
    spec = oc.downtime(frame, domain=(0.0, 500.0)).to_dict()
    assert spec["layer"][0]["encoding"]["x"]["scale"]["domain"] == [0.0, 500.0]
    assert "domain" not in oc.downtime(frame).to_dict()["layer"][0]["encoding"]["x"].get("scale", {})


def test_comparison_table_folds_by_group_without_inputs():
    table = orch.comparison()
    quantified = table["model"].is_not_null()
    frame = table.with_columns(
        pl.when(quantified).then(pl.lit("a section")).otherwise(None).alias("section"),
        pl.when(quantified).then(pl.lit("#x")).otherwise(None).alias("href"))
    text = oc.comparison_table(frame).data
    assert "<input" not in text and "<script" not in text
    assert text.count("<details open>") == 2
    assert text.count('<tr class="q">') == int(quantified.sum())
    assert text.count('<tr class="nq">') == table.height - int(quantified.sum())


def test_two_sliders_filter_their_own_sweeps():
    committed = sweep.committed("ranking_kappa_zipf")
    panel = sweep.committed("ranking_zipf_titles")
    zipfs = np.unique(panel["zipf_exponent"].to_numpy())
    titles = np.unique(panel["n_titles"].to_numpy())
    left = committed.select("zipf_exponent", "concentration", "ratio").with_columns(pl.lit("500").alias("series"))
    right = panel.select("zipf_exponent", "n_titles", "concentration", "ratio").with_columns(
        pl.lit("chosen").alias("series"))
    chart = sc.lines_beside(left, right, "concentration", "ratio", "series", x_title="k", value_title="r",
                            published=0.5)
    chart = grid_slider.bind(chart, "n_titles", titles, label="titles", value=200)
    spec = grid_slider.bind(chart, "zipf_exponent", zipfs, label="zipf", value=0.85).to_dict()
    assert {p["name"] for p in spec["params"]} == {"p_n_titles", "p_zipf_exponent"}
    filters = [[t["filter"] for t in layer.get("transform", [])] for layer in spec["layer"]]
    assert all("p_n_titles" not in f for f in filters[0]) and any("p_zipf_exponent" in f for f in filters[0])
    assert any("p_n_titles" in f for f in filters[1]) and any("p_zipf_exponent" in f for f in filters[1])
    assert filters[2] == []  # the published rule stays
    # every (Zipf, titles) cell of the panel sweep holds the five values of kappa
    assert panel.group_by("zipf_exponent", "n_titles").len()["len"].unique().to_list() == [5]
