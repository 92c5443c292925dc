"""The offline renderer and the kernel-free slider helpers."""

from __future__ import annotations

import copy

import altair as alt
import polars as pl
import pytest
import vl_convert as vlc

from labcdn.charts import grid_slider, render


def _model(a: float) -> pl.DataFrame:
    return pl.DataFrame({"x": [0.0, 1.0, 2.0], "y": [0.0, a, 2 * a]})


GRID = [0.5, 1.0, 1.5]


def test_spec_html_is_deterministic_and_carries_an_svg():
    # A title holding "</script>" would end the inline script early unless the payload escapes it.
    spec = alt.Chart(_model(1.0)).mark_line().encode(x="x", y="y").properties(title="a </script> b").to_dict()
    a, b = render.spec_html(spec), render.spec_html(copy.deepcopy(spec))
    assert a == b
    assert '<div id="labcdn-chart-' in a and "<svg" in a and "window.vegaEmbed" in a
    script = a.split("<script", 1)[1][:-len("</script>")]
    assert "</script>" not in script and "a <\\/script> b" in script  # escaped, still in the spec


def test_precompute_stacks_one_frame_per_grid_value():
    frame = grid_slider.precompute(_model, "a", GRID)
    assert frame.columns[0] == "a"
    assert frame.height == 3 * len(GRID)
    assert frame.filter(pl.col("a") == 1.5)["y"].to_list() == [0.0, 1.5, 3.0]


@pytest.mark.parametrize("values", [[], [0.0, 1.0, 3.0], [1.0, 0.5], [[0.0, 1.0]]])
def test_uneven_or_empty_grids_are_refused(values):
    with pytest.raises(ValueError, match="values"):
        grid_slider.precompute(_model, "a", values)


def test_bind_filters_data_layers_and_leaves_rules_alone():
    frame = grid_slider.precompute(_model, "a", GRID)
    line = alt.Chart(frame).mark_line().encode(x="x", y="y")
    rule = alt.Chart(pl.DataFrame({"y": [1.0]})).mark_rule().encode(y="y")
    spec = grid_slider.bind(alt.layer(line, rule), "a", GRID, label="a", value=1.0).to_dict()
    assert [("transform" in layer) for layer in spec["layer"]] == [True, False]
    assert spec["params"][0]["bind"]["input"] == "range"
    # Moving the parameter changes the drawing: the filter picks another grid value.
    other = copy.deepcopy(spec)
    other["params"][0]["value"] = 0.5
    assert vlc.vegalite_to_svg(spec) != vlc.vegalite_to_svg(other)


def test_bind_needs_a_layer_with_the_column():
    chart = alt.Chart(_model(1.0)).mark_line().encode(x="x", y="y")
    with pytest.raises(ValueError, match="no layer"):
        grid_slider.bind(chart, "a", GRID, label="a")
    with pytest.raises(ValueError, match="value="):
        grid_slider.bind(alt.Chart(grid_slider.precompute(_model, "a", GRID)).mark_line(), "a", GRID,
                         label="a", value=9.0)


def test_table_formats_for_readers_and_is_stable():
    from labcdn.charts.tables import table

    frame = pl.DataFrame(
        {"policy": ["ring", "maglev"], "moved": [383.0, 1200.0], "share": [-0.00001, 0.2512], "n": [1, 2000]}
    )
    a = table(frame, percent=["share"], units={"moved": "files"})._repr_mimebundle_()
    b = table(frame.clone(), percent=["share"], units={"moved": "files"})._repr_mimebundle_()
    assert a == b  # a stable id: re-execution gives the same bytes
    html = a["text/html"]
    for shown in ("383", "1,200", "0.0%", "25.1%", "2,000", "moved (files)"):
        assert f">{shown}<" in html, shown
    for raw in (">383.0<", ">-0.0%<", ">f64<", ">str<", '>"ring"<', "…"):
        assert raw not in html, raw
    assert "f64" not in a["text/plain"] and "shape:" not in a["text/plain"]


def test_table_refuses_what_a_reader_cannot_read():
    from labcdn.charts.tables import table

    with pytest.raises(ValueError, match="max_rows"):
        table(pl.DataFrame({"x": list(range(100))}))
    with pytest.raises(ValueError, match="not in the frame"):
        table(pl.DataFrame({"x": [1]}), percent=["y"])
