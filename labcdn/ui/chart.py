"""A live Altair chart for JupyterLab panels: one Vega view, updated in place when the data change.

Redrawing a panel through an ``ipywidgets.Output`` clears the output area and displays a new chart, which
the browser compiles from Vega-Lite and draws from scratch: ~75 ms of output plumbing plus the whole Vega
pipeline per move, measured in JupyterLab on this project's 2-core machine. :class:`LiveChart` keeps the
view instead. A redraw sends the chart's named datasets (and its spec, only when the chart's shape
changes, which traitlets detects by equality), and the front end (``live_chart.js``, an anywidget
module) applies them as Vega changesets.

Vega itself comes from the kernel: vl-convert's JavaScript bundle (Vega, Vega-Lite and vega-embed, the
versions vl-convert renders the book's SVGs with), sent once per page as a custom widget message, so
nothing is fetched from the network and the notebook's saved widget state holds no 900 kB bundle. Until
it arrives, and in a notebook opened before Run All, the widget shows its ``fallback``: the kernel-side
SVG of the first draw.
"""

from __future__ import annotations

import functools
from pathlib import Path

import altair as alt
import anywidget
import traitlets
import vl_convert as vlc

from labcdn.charts.render import spec_html

# What the front end imports from the bundle (the names vl-convert's bundler provides).
RUNTIME_SNIPPET = "export { vegaEmbed };"


@functools.cache
def vega_runtime() -> bytes:
    """vl-convert's ES module of Vega, Vega-Lite and vega-embed (built once per kernel, ~1 s)."""
    return vlc.javascript_bundle(RUNTIME_SNIPPET).encode()


def split_spec(spec: dict) -> tuple[dict, dict]:
    """Split a Vega-Lite spec into its shape and its named datasets, with names stable across redraws.

    Altair names each inline dataset after a hash of its rows, so new rows mean a new name and a
    different spec. Renaming them ``d0``, ``d1``, … in their order in ``datasets`` keeps the shape
    equal from one redraw to the next whenever only the rows change.

    Parameters
    ----------
    spec : dict
        A complete Vega-Lite specification, such as ``chart.to_dict()``.

    Returns
    -------
    shape : dict
        The spec without its ``datasets``, data references renamed.
    datasets : dict
        New name → rows.
    """
    datasets = spec.get("datasets", {})
    names = {old: f"d{i}" for i, old in enumerate(datasets)}
    shape = _rename({k: v for k, v in spec.items() if k != "datasets"}, names)
    return shape, {names[old]: rows for old, rows in datasets.items()}


def _rename(node, names: dict[str, str]):
    if isinstance(node, dict):
        out = {k: _rename(v, names) for k, v in node.items()}
        if isinstance(out.get("name"), str) and out["name"] in names and set(out) <= {"name", "format"}:
            out["name"] = names[out["name"]]
        return out
    if isinstance(node, list):
        return [_rename(v, names) for v in node]
    return node


class LiveChart(anywidget.AnyWidget):
    """An Altair chart that a panel redraws in place (see the module docstring).

    Parameters
    ----------
    chart : altair.TopLevelMixin
        The first draw; its kernel-side SVG is the picture shown before the live view is ready.
    """

    _esm = Path(__file__).with_name("live_chart.js")
    spec = traitlets.Dict().tag(sync=True)
    datasets = traitlets.Dict().tag(sync=True)
    fallback = traitlets.Unicode("").tag(sync=True)

    def __init__(self, chart: alt.TopLevelMixin, **kwargs):
        super().__init__(**kwargs)
        full = chart.to_dict()
        self.fallback = spec_html(full)
        self.spec, self.datasets = split_spec(full)
        self.on_msg(self._on_msg)

    def show(self, chart: alt.TopLevelMixin) -> None:
        """Replace the chart: the front end updates its view in place when only the data changed."""
        if not isinstance(chart, alt.TopLevelMixin):
            raise ValueError(f"chart must be an Altair chart; got {type(chart).__name__}")
        shape, datasets = split_spec(chart.to_dict(validate=False))
        with self.hold_sync():
            self.spec = shape
            self.datasets = datasets

    def _on_msg(self, _widget, content, _buffers) -> None:
        if isinstance(content, dict) and content.get("type") == "vega-runtime":
            self.send({"type": "vega-runtime"}, buffers=[vega_runtime()])
