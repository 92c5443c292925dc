"""labcdn.ui: live panels redraw their chart in place (only the data travel), tables and text as HTML."""

from __future__ import annotations

import altair as alt
import ipywidgets as widgets
import numpy as np
import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from labcdn import ui
from labcdn.ui.chart import LiveChart, split_spec, vega_runtime
from labcdn.ui.controls import html_of


def line(a: float, title: str = "sine") -> alt.Chart:
    x = np.arange(20)
    frame = pl.DataFrame({"x": x, "y": np.sin(x * a)})
    return alt.Chart(frame, title=title).mark_line().encode(x="x", y=alt.Y("y").scale(domain=[-1, 1]))


def test_split_spec_names_datasets_by_position_so_new_rows_keep_the_shape():
    one, data_one = split_spec(line(1.0).to_dict())
    two, data_two = split_spec(line(2.0).to_dict())
    assert one == two  # Altair's names are row hashes; the split's are positions
    assert list(data_one) == ["d0"] and data_one != data_two
    assert one["data"] == {"name": "d0"} and "datasets" not in one


def test_split_spec_renames_every_reference_in_a_layered_chart():
    base = line(1.0)
    dots = alt.Chart(pl.DataFrame({"x": [3], "y": [0.5]})).mark_point().encode(x="x", y="y")
    shape, datasets = split_spec((base + dots).to_dict())
    text = str(shape)
    assert sorted(datasets) == ["d0", "d1"]
    assert "data-" not in text  # no Altair hash name is left anywhere
    assert {layer["data"]["name"] for layer in shape["layer"]} == {"d0", "d1"}


@given(st.lists(st.floats(-5, 5, allow_nan=False), min_size=1, max_size=5))
def test_split_spec_keeps_every_row(values):
    frame = pl.DataFrame({"v": values, "i": range(len(values))})
    spec = alt.Chart(frame).mark_point().encode(x="i", y="v").to_dict()
    _, datasets = split_spec(spec)
    assert list(spec["datasets"].values()) == list(datasets.values())


def test_live_chart_sends_only_the_data_when_the_shape_is_unchanged():
    chart = LiveChart(line(1.0))
    assert "labcdn-chart" in chart.fallback and "<svg" in chart.fallback  # readable before the kernel runs
    changes = []
    chart.observe(lambda c: changes.append(c["name"]), names=["spec", "datasets"])
    chart.show(line(2.0))
    assert changes == ["datasets"]
    chart.show(line(2.0, title="another title"))
    assert changes == ["datasets", "spec"]  # same rows, new shape


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
    assert buffers[0] is vega_runtime() and b"vegaEmbed" in buffers[0]
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
