"""Chapters 1 and 2's chart builders: fixed axes under a slider, labelled marks, the fill window's shading."""

from __future__ import annotations

import polars as pl
import pytest

from labcdn import prediction
from labcdn.charts import caching as cache_charts
from labcdn.charts import popularity as pop_charts
from labcdn.ui.chart import split_spec


def _grid():
    rows = []
    for era, top in (("2016", 0.8), ("today", 1.0)):
        for q in (-1.0, 0.0, 1.0):
            for ranking in ("file", "title"):
                for x in (0.0, 0.5, top):
                    rows.append({"era": era, "quality": q, "ranking": ranking, "capacity_fraction": x,
                                 "efficiency": x * (1 - 0.1 * q), "ratio": 0.3 + 0.1 * q})
    return pl.DataFrame(rows)


def _params(spec):
    return {p["name"]: p for p in spec.get("params", [])}


def test_headline_slider_fixes_both_axes_over_the_grid_and_picks_the_era_from_a_menu():
    spec = pop_charts.headline_slider(_grid(), ["2016", "today"], [-1.0, 0.0, 1.0], target=0.9).to_dict()
    data_layer = spec["layer"][0]
    assert data_layer["encoding"]["x"]["scale"]["domain"] == [0.0, 1.0]  # the grid's min and max, both eras
    assert data_layer["encoding"]["y"]["scale"]["domain"] == [0, 1]
    params = _params(spec)
    assert params["era"]["bind"]["input"] == "select" and params["quality"]["bind"]["input"] == "range"


def test_every_reference_line_has_its_label():
    spec = pop_charts.efficiency_curves(_grid().filter(pl.col("era") == "2016"), target=0.9).to_dict()
    marks = [layer["mark"]["type"] for layer in spec["layer"]]
    assert marks == ["line", "rule", "text"]
    for chart in (pop_charts.sensitivity(pl.DataFrame({"parameter": ["x"] * 2, "value": [1.0, 2.0],
                                                       "ratio": [0.3, 0.4]}), "x", "x", 0.5),
                  pop_charts.ratio_by_parameter(pl.DataFrame({"parameter": ["x"] * 2, "value": [1.0, 2.0],
                                                              "ratio": [0.3, 0.4], "file_storage_fraction": 0.1,
                                                              "title_storage_fraction": 0.3}), "x", "x")):
        assert [layer["mark"]["type"] for layer in chart.to_dict()["layer"]][-2:] == ["rule", "text"]


@pytest.mark.parametrize("domain", [None, [0.5, 1.0]])
def test_fill_days_takes_a_fixed_efficiency_axis(domain):
    days = pl.DataFrame({"day": [1, 2], "method": ["ewma"] * 2, "efficiency": [0.7, 0.8], "churn": [0.0, 0.1]})
    y = cache_charts.fill_days(days, y_domain=domain).to_dict()["encoding"]["y"]["scale"]
    assert y == ({"zero": False} if domain is None else {"domain": domain})


@pytest.mark.parametrize(("start", "end", "spans"), [(23, 11, [(23, 24), (0, 11)]), (1, 13, [(1, 13)])])
def test_serving_day_shades_the_fill_window_across_midnight(start, end, spans):
    hourly = pl.DataFrame({"hour": list(range(24)), "requests": [1] * 24, "share": [1 / 24] * 24,
                           "in_fill_window": [(h - start) % 24 < 12 for h in range(24)]})
    spec = cache_charts.serving_day(hourly, start, end).to_dict()
    shade = spec["datasets"][spec["layer"][0]["data"]["name"]]
    assert [(r["start"], r["end"]) for r in shade] == spans
    assert sum(r["end"] - r["start"] for r in shade) == prediction.FILL_WINDOW_HOURS


def test_a_changing_note_changes_only_the_charts_data():
    """The live panel's ratio is a text mark from data: the chart's shape stays, so the view updates in place."""
    curves = _grid().filter((pl.col("era") == "2016") & (pl.col("quality") == 0.0))
    specs = [pop_charts.efficiency_curves(curves, target=0.9, x_domain=[0, 1], note=f"ratio {r}").to_dict()
             for r in (0.29, 0.31)]
    (shape0, data0, _), (shape1, data1, _) = (split_spec(spec) for spec in specs)
    assert shape0 == shape1 and data0 != data1
    assert [layer["mark"]["type"] for layer in specs[0]["layer"]] == ["line", "rule", "text", "text"]


def test_fill_days_note_is_data_so_the_panels_chart_keeps_its_shape():
    days = pl.DataFrame({"day": [1, 2], "method": ["ewma"] * 2, "efficiency": [0.7, 0.8], "churn": [0.0, 0.1]})
    specs = [cache_charts.fill_days(days, y_domain=[0, 1], note=n).to_dict() for n in ("ewma 75.00%", "ewma 75.01%")]
    (shape0, data0, _), (shape1, data1, _) = (split_spec(spec) for spec in specs)
    assert shape0 == shape1 and data0 != data1
    assert [layer["mark"]["type"] if isinstance(layer["mark"], str) else layer["mark"]["type"]
            for layer in specs[0]["layer"]] == ["line", "text"]
