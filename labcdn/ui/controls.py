"""Link a set of ipywidgets controls to an output that redraws when any moves."""

from __future__ import annotations

import itertools
import json
import os
import time
from collections.abc import Callable, Mapping

import altair as alt
import ipywidgets as widgets
from IPython.display import display

from labcdn.charts.render import spec_html

# When set (by benchmarks/bench_sliders.py), every redraw appends one JSON line with its time split.
TIMINGS_ENV = "LABCDN_SLIDER_TIMINGS"
_PANELS = itertools.count()


def live(
    controls: Mapping[str, widgets.ValueWidget],
    draw: Callable[..., object],
    *,
    columns: int = 3,
) -> widgets.VBox:
    """Build a panel of ``controls`` above an output redrawn by ``draw(**values)``.

    Parameters
    ----------
    controls : mapping of str to ipywidgets.ValueWidget
        Keyword name of each parameter → its control.
    draw : callable
        Called with every control's current value as keyword arguments; whatever
        it returns (an Altair chart, a polars frame, a string) is displayed.
    columns : int
        Controls per row.

    Returns
    -------
    ipywidgets.VBox
        The controls in rows, then the output. Display it as the cell's result.

    Notes
    -----
    An Altair chart is turned into the same HTML block as the ``labcdn`` renderer
    gives (kernel-side SVG), without a second schema validation: the chart builders
    are validated when the chapter's static twin is displayed.
    """
    out = widgets.Output(layout=widgets.Layout(min_height="120px"))
    panel = next(_PANELS)
    log = os.environ.get(TIMINGS_ENV)

    def redraw(change=None):
        t0 = time.perf_counter()
        values = {name: control.value for name, control in controls.items()}
        result = draw(**values)
        t1 = time.perf_counter()
        if isinstance(result, alt.TopLevelMixin):
            spec = result.to_dict(validate=False)
            t2 = time.perf_counter()
            # The first draw is saved with the notebook: kernel-side SVG, readable anywhere. A redraw after a
            # move has a live frontend, which renders the spec itself (JupyterLab's bundled Vega-Lite, offline).
            result = {"text/html": spec_html(spec)} if change is None else browser_bundle(spec)
            t3 = time.perf_counter()
        else:
            t2 = t3 = t1
        with out:
            out.clear_output(wait=True)
            if isinstance(result, tuple):
                display(result[0], metadata=result[1], raw=True)
            elif isinstance(result, dict):
                display(result, raw=True)
            else:
                display(result)
        t4 = time.perf_counter()
        if log and change is not None:
            record = {
                "panel": panel,
                "draw": getattr(draw, "__name__", "draw"),
                "control": getattr(change.get("owner"), "description", ""),
                "model_s": t1 - t0,
                "chart_s": t2 - t1,
                "render_s": t3 - t2,
                "send_s": t4 - t3,
            }
            with open(log, "a", encoding="utf-8") as fh:
                fh.write(json.dumps(record) + "\n")

    for control in controls.values():
        control.observe(redraw, names="value")
    redraw()
    items = list(controls.values())
    rows = [widgets.HBox(items[i : i + columns]) for i in range(0, len(items), columns)]
    return widgets.VBox([*rows, out], layout=widgets.Layout(max_width="100%"))


VEGALITE_MIME = "application/vnd.vegalite.v5+json"
EMBED_OPTIONS = {"renderer": "svg", "actions": False}


def browser_bundle(spec: dict) -> tuple[dict, dict]:
    """A display bundle (data, metadata) that a live frontend renders in the browser, no SVG in the kernel.

    JupyterLab 4 bundles a Vega-Lite 5 renderer (no network needed). Altair's specs use
    no Vega-Lite 6 feature, so only the schema URL changes.
    """
    spec = {**spec, "$schema": "https://vega.github.io/schema/vega-lite/v5.json"}
    plain = f"<Vega-Lite chart{': ' + str(spec['title']) if isinstance(spec.get('title'), str) else ''}>"
    return {VEGALITE_MIME: spec, "text/plain": plain}, {VEGALITE_MIME: {"embed_options": EMBED_OPTIONS}}


def slider(value, low, high, step, description, *, continuous=True, fmt=None):
    """A float or int slider with a readable label (``continuous=False`` for slow models)."""
    style = {"description_width": "initial"}
    layout = widgets.Layout(width="320px", max_width="100%")
    cls = (
        widgets.IntSlider
        if all(isinstance(v, int) for v in (value, low, high, step))
        else widgets.FloatSlider
    )
    kwargs = {"readout_format": fmt} if fmt else {}
    return cls(
        value=value,
        min=low,
        max=high,
        step=step,
        description=description,
        continuous_update=continuous,
        style=style,
        layout=layout,
        **kwargs,
    )
