"""A live Altair chart for JupyterLab panels: one Vega view, updated in place when the data change.

Redrawing a panel through an ``ipywidgets.Output`` clears the output area and displays a new chart, which
the browser compiles from Vega-Lite and draws from scratch: ~75 ms of output plumbing plus the whole Vega
pipeline per move, measured in JupyterLab on this project's 2-core machine. :class:`LiveChart` keeps the
view instead. A redraw sends the chart's named datasets and title (and its spec, only when the chart's
shape changes, which traitlets detects by equality), and the front end (``live_chart.js``, an anywidget
module) applies them as Vega changesets.

Vega itself comes from the kernel: vl-convert's JavaScript bundle (Vega, Vega-Lite and vega-embed, the
versions vl-convert renders the book's SVGs with), sent once per page as a custom widget message, so
nothing is fetched from the network and the notebook's saved widget state holds no 900 kB bundle. Until
it arrives, and in a notebook opened before Run All, the widget shows its ``fallback``: the kernel-side
SVG of the first draw.
"""

from __future__ import annotations

import functools
import os
import threading
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
    """vl-convert's ES module of Vega, Vega-Lite and vega-embed.

    Bundling takes ~1.5 s, which the first slider move after Run All would wait for; the bundle is
    kept in the user's cache folder, one file per vl-convert version, so later kernels read it.
    """
    folder = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "labcdn"
    path = folder / f"vega-runtime-vl-convert-{vlc.__version__}.mjs"
    try:
        return path.read_bytes()
    except OSError:
        pass
    bundle = vlc.javascript_bundle(RUNTIME_SNIPPET).encode()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.part")
        partial.write_bytes(bundle)
        partial.replace(path)  # atomic: a concurrent kernel reads a whole file or none
    except OSError:
        pass  # a read-only home: bundle again next time
    return bundle


def split_spec(spec: dict) -> tuple[dict, dict, dict]:
    """Split a Vega-Lite spec into its shape, its named datasets and its title, stable across redraws.

    Altair names each inline dataset after a hash of its rows, so new rows mean a new name and a
    different spec. Renaming them ``d0``, ``d1``, … in their order in ``datasets`` keeps the shape
    equal from one redraw to the next whenever only the rows change. A top-level title that states
    the result ("52.0 Gbps, bottleneck: …") would change the shape on every move too: its text (and
    subtitle) become Vega-Lite params whose values travel beside the data.

    Parameters
    ----------
    spec : dict
        A complete Vega-Lite specification, such as ``chart.to_dict()``.

    Returns
    -------
    shape : dict
        The spec without its ``datasets``, data references renamed, title text as params.
    datasets : dict
        New name → rows.
    signals : dict
        Param name → value (the title's text and subtitle).
    """
    datasets = spec.get("datasets", {})
    names = {old: f"d{i}" for i, old in enumerate(datasets)}
    shape = _rename({k: v for k, v in spec.items() if k != "datasets"}, names)
    shape, signals = _title_params(shape)
    return shape, {names[old]: rows for old, rows in datasets.items()}, signals


TITLE_KEYS = ("text", "subtitle")
COMPOSITIONS = ("layer", "hconcat", "vconcat", "concat")


def _title_params(shape: dict) -> tuple[dict, dict]:
    """Turn the title text of the chart and of each view it composes into params (values returned)."""
    signals: dict[str, object] = {}

    def walk(view: dict, path: str) -> dict:
        view = dict(view)
        title = view.get("title")
        if title is not None:
            title = {"text": title} if isinstance(title, (str, list)) else dict(title)
            for key in TITLE_KEYS:
                if isinstance(title.get(key), (str, list)):
                    name = f"labcdn_{'title' if key == 'text' else key}{path}"
                    signals[name] = title[key]
                    title[key] = {"expr": name}
            view["title"] = title
        for key in COMPOSITIONS:
            if isinstance(view.get(key), list):
                view[key] = [walk(v, f"{path}_{key}{i}") if isinstance(v, dict) else v
                             for i, v in enumerate(view[key])]
        return view

    shape = walk(shape, "")
    if signals:
        shape["params"] = [*shape.get("params", []), *({"name": n, "value": ""} for n in signals)]
    return shape, signals


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
    signals = traitlets.Dict().tag(sync=True)
    fallback = traitlets.Unicode("").tag(sync=True)
    #: True while the kernel recomputes; the front end dims the chart and says "updating…" if it lasts > 80 ms.
    busy = traitlets.Bool(False).tag(sync=True)

    def __init__(self, chart: alt.TopLevelMixin, **kwargs):
        super().__init__(**kwargs)
        full = chart.to_dict()
        self.fallback = spec_html(full)
        self.spec, self.datasets, self.signals = split_spec(full)
        self.on_msg(self._on_msg)
        # Have Vega ready when the front end asks (after Run All's last cell), not bundled on the first move.
        if not vega_runtime.cache_info().currsize:
            threading.Thread(target=vega_runtime, name="labcdn-vega-runtime", daemon=True).start()

    def show(self, chart: alt.TopLevelMixin) -> bool:
        """Replace the chart: the front end updates its view in place when only the data changed.

        Returns
        -------
        bool
            Whether the chart's shape changed (the front end then builds a new view).
        """
        if not isinstance(chart, alt.TopLevelMixin):
            raise ValueError(f"chart must be an Altair chart; got {type(chart).__name__}")
        shape, datasets, signals = split_spec(chart.to_dict(validate=False))
        reshaped = shape != self.spec
        with self.hold_sync():
            self.spec = shape
            self.datasets = datasets
            self.signals = signals
        return reshaped

    def _on_msg(self, _widget, content, _buffers) -> None:
        if isinstance(content, dict) and content.get("type") == "vega-runtime":
            self.send({"type": "vega-runtime"}, buffers=[vega_runtime()])
