"""labcdn.ui: live panels redraw their chart in place (only the data travel), tables and text as HTML."""

from __future__ import annotations

import altair as alt
import ipywidgets as widgets
import numpy as np
import polars as pl
import pytest
import vl_convert as vlc
from hypothesis import given, settings
from hypothesis import strategies as st

from labcdn import ui
from labcdn.ui.chart import LiveChart, split_spec, vega_runtime
from labcdn.ui.controls import html_of


def line(a: float, title: str = "sine") -> alt.Chart:
    x = np.arange(20)
    frame = pl.DataFrame({"x": x, "y": np.sin(x * a)})
    return alt.Chart(frame, title=title).mark_line().encode(x="x", y=alt.Y("y").scale(domain=[-1, 1]))


def test_split_spec_names_datasets_by_position_so_new_rows_keep_the_shape():
    one, data_one, _ = split_spec(line(1.0).to_dict())
    two, data_two, _ = split_spec(line(2.0).to_dict())
    assert one == two  # Altair's names are row hashes; the split's are positions
    assert list(data_one) == ["d0"] and data_one != data_two
    assert one["data"] == {"name": "d0"} and "datasets" not in one


def test_split_spec_renames_every_reference_in_a_layered_chart():
    base = line(1.0)
    dots = alt.Chart(pl.DataFrame({"x": [3], "y": [0.5]})).mark_point().encode(x="x", y="y")
    shape, datasets, _ = split_spec((base + dots).to_dict())
    text = str(shape)
    assert sorted(datasets) == ["d0", "d1"]
    assert "data-" not in text  # no Altair hash name is left anywhere
    assert {layer["data"]["name"] for layer in shape["layer"]} == {"d0", "d1"}


@settings(deadline=None)  # builds Altair charts: slow under load, and no timing is asserted
@given(st.lists(st.floats(-5, 5, allow_nan=False), min_size=1, max_size=5))
def test_split_spec_keeps_every_row(values):
    frame = pl.DataFrame({"v": values, "i": range(len(values))})
    spec = alt.Chart(frame).mark_point().encode(x="i", y="v").to_dict()
    _, datasets, _ = split_spec(spec)
    assert list(spec["datasets"].values()) == list(datasets.values())


def test_split_spec_moves_the_title_into_params_and_still_compiles():
    shape, datasets, signals = split_spec(line(1.0, title="52.0 Gbps, bottleneck: NIC").to_dict())
    again, _, other = split_spec(line(1.0, title="70.0 Gbps, bottleneck: CPU").to_dict())
    assert shape == again and signals != other
    assert signals == {"labcdn_title": "52.0 Gbps, bottleneck: NIC"}
    assert shape["title"] == {"text": {"expr": "labcdn_title"}}
    vega = vlc.vegalite_to_vega({**shape, "datasets": datasets})  # Vega-Lite accepts the shape
    assert "labcdn_title" in {s["name"] for s in vega["signals"]}
    with_subtitle = line(1.0).properties(title=alt.TitleParams(["two", "lines"], subtitle="sub")).to_dict()
    shape, _, signals = split_spec(with_subtitle)
    assert signals == {"labcdn_title": ["two", "lines"], "labcdn_subtitle": "sub"}
    vlc.vegalite_to_vega({**shape, "datasets": split_spec(with_subtitle)[1]})


def test_split_spec_moves_the_titles_of_composed_views_too():
    def two(a):
        return alt.hconcat(line(a, title=f"left {a}"), line(a, title=f"right {a}")).properties(title=f"both {a}")

    shape, datasets, signals = split_spec(two(1.0).to_dict())
    assert shape == split_spec(two(2.0).to_dict())[0]
    assert signals == {"labcdn_title": "both 1.0", "labcdn_title_hconcat0": "left 1.0",
                       "labcdn_title_hconcat1": "right 1.0"}
    assert shape["hconcat"][0]["title"] == {"text": {"expr": "labcdn_title_hconcat0"}}
    vlc.vegalite_to_vega({**shape, "datasets": datasets})
    titled = alt.hconcat(line(1.0).encode(y=alt.Y("y", title="share"))).properties(title="t").to_dict()
    assert split_spec(titled)[0]["hconcat"][0]["encoding"]["y"]["title"] == "share"  # axis titles stay text


def test_live_chart_sends_only_the_data_when_the_shape_is_unchanged():
    chart = LiveChart(line(1.0))
    assert "labcdn-chart" in chart.fallback and "<svg" in chart.fallback  # readable before the kernel runs
    changes = []
    chart.observe(lambda c: changes.append(c["name"]), names=["spec", "datasets", "signals"])
    assert chart.show(line(2.0)) is False
    assert changes == ["datasets"]
    assert chart.show(line(2.0, title="another title")) is False
    assert changes == ["datasets", "signals"]  # same rows (equal, not sent), new title, same shape
    assert chart.show(line(2.0).mark_point()) is True
    assert changes[-2:] == ["spec", "signals"]  # new shape (a point mark), title back to "sine"


def test_live_chart_refuses_what_is_not_a_chart():
    chart = LiveChart(line(1.0))
    with pytest.raises(ValueError, match="chart must be an Altair chart; got str"):
        chart.show("not a chart")


def test_live_chart_answers_the_front_ends_request_for_vega():
    chart = LiveChart(line(1.0))
    sent = []
    chart.send = lambda content, buffers=None: sent.append((content, buffers))
    chart._on_msg(chart, {"type": "something else"}, [])
    assert sent == []
    chart._on_msg(chart, {"type": "vega-runtime"}, [])
    (content, buffers), = sent
    assert content == {"type": "vega-runtime"}
    assert buffers[0] == vega_runtime() and b"vegaEmbed" in buffers[0]
    assert b"https://" not in buffers[0][:2000]  # a bundle, not a loader that fetches from a CDN


def test_live_panel_redraws_its_chart_when_a_control_moves():
    a = ui.slider(1.0, 0.5, 3.0, 0.5, "a")
    panel = ui.live({"a": a}, line)
    view = panel.children[-1]
    assert isinstance(view, LiveChart)
    before = view.datasets
    a.value = 2.5
    assert view.datasets != before


def test_live_panel_shows_tables_and_text_as_html():
    n = ui.slider(2, 1, 5, 1, "n")
    panel = ui.live({"n": n}, lambda n: pl.DataFrame({"i": range(n)}).style)
    view = panel.children[-1]
    assert isinstance(view, widgets.HTML) and view.value.count("<tr") == 3  # header + 2 rows
    n.value = 4
    assert view.value.count("<tr") == 5
    text = ui.live({"n": ui.slider(2, 1, 5, 1, "n")}, lambda n: f"n < {n}").children[-1]
    assert text.value == "<pre>n &lt; 2</pre>"


def test_html_of_is_none_for_what_has_no_html():
    assert html_of(3) is None
    assert html_of("a & b") == "<pre>a &amp; b</pre>"


def test_live_panel_disables_the_controls_that_do_not_apply():
    kind = widgets.Dropdown(options=["ring", "bounded"], value="ring")
    c = ui.slider(1.25, 1.0, 2.0, 0.05, "c (bounded)")
    ui.live({"kind": kind, "c": c}, lambda kind, c: line(c), applies={"c": lambda v: v["kind"] == "bounded"})
    assert c.disabled
    kind.value = "bounded"
    assert not c.disabled
    with pytest.raises(ValueError, match=r"applies names \['nope'\], which are not controls"):
        ui.live({"c": c}, lambda c: line(c), applies={"nope": lambda v: True})


def test_live_chart_is_busy_while_the_panel_recomputes():
    a = ui.slider(1.0, 0.5, 3.0, 0.5, "a")
    views, seen = [], []

    def draw(a):
        seen.extend(v.busy for v in views)  # the panel's view, once it exists
        return line(a)

    views.append(ui.live({"a": a}, draw).children[-1])
    assert seen == [] and views[0].busy is False
    a.value = 2.0
    assert seen == [True] and views[0].busy is False


def test_slider_points_move_one_slider_at_a_time():
    at = {"a": 1, "b": 2.0, "c": "x"}
    points = list(ui.slider_points(at, {"a": range(3), "b": [0.5]}))
    assert points == [{"a": 0, "b": 2.0, "c": "x"}, {"a": 1, "b": 2.0, "c": "x"}, {"a": 2, "b": 2.0, "c": "x"},
                      {"a": 1, "b": 0.5, "c": "x"}]
    assert at == {"a": 1, "b": 2.0, "c": "x"}  # the defaults are not changed
    with pytest.raises(ValueError, match=r"sliders must name controls of at \['a', 'b', 'c'\]; got \['d'\]"):
        list(ui.slider_points(at, {"d": [1]}))
