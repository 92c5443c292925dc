"""Link a set of ipywidgets controls to an output that redraws when any moves."""

from __future__ import annotations

import html
import itertools
import json
import os
import time
from collections.abc import Callable, Iterable, Iterator, Mapping

import altair as alt
import ipywidgets as widgets
from IPython.display import display

from labcdn.ui.chart import LiveChart

# When set (by benchmarks/bench_sliders.py), every redraw appends one JSON line with its time split.
TIMINGS_ENV = "LABCDN_SLIDER_TIMINGS"
_PANELS = itertools.count()


def live(
    controls: Mapping[str, widgets.ValueWidget],
    draw: Callable[..., object],
    *,
    columns: int = 3,
    applies: Mapping[str, Callable[[dict], bool]] | None = None,
) -> widgets.VBox:
    """Build a panel of ``controls`` above a view redrawn by ``draw(**values)``.

    Parameters
    ----------
    controls : mapping of str to ipywidgets.ValueWidget
        Keyword name of each parameter → its control.
    draw : callable
        Called with every control's current value as keyword arguments. An Altair chart
        is shown in a :class:`~labcdn.ui.chart.LiveChart`, whose Vega view the browser
        updates in place; a string or anything with ``_repr_html_`` (a table) in an
        ``ipywidgets.HTML``; anything else in an ``ipywidgets.Output``.
    columns : int
        Controls per row.
    applies : mapping of str to callable, optional
        Control name → ``applies(values)``, whether that control changes anything for the
        current values of all controls (a parameter of one algorithm only, say); where it
        does not, the control is disabled, so no control on the panel does nothing.

    Returns
    -------
    ipywidgets.VBox
        The controls in rows, then the view. Display it as the cell's result.

    Notes
    -----
    Redraws after the first skip Altair's schema validation: the chart builders are
    validated by the first draw and when the chapter's static twin is displayed.
    """
    panel = next(_PANELS)
    log = os.environ.get(TIMINGS_ENV)
    applies = dict(applies or {})
    unknown = sorted(set(applies) - set(controls))
    if unknown:
        raise ValueError(f"applies names {unknown}, which are not controls (controls: {sorted(controls)})")

    def enable(values: dict) -> None:
        for name, rule in applies.items():
            controls[name].disabled = not rule(values)

    values = {name: control.value for name, control in controls.items()}
    enable(values)
    first = draw(**values)
    if isinstance(first, alt.TopLevelMixin):
        view = LiveChart(first, layout=widgets.Layout(max_width="100%"))
        show = view.show
    elif html_of(first) is not None:
        # A table or text: an HTML widget whose value changes (one state message, no output area plumbing).
        view = widgets.HTML(html_of(first), layout=widgets.Layout(max_width="100%"))

        def show(result):
            view.value = html_of(result) or ""
    else:
        view = widgets.Output(layout=widgets.Layout(min_height="120px"))

        def show(result):
            with view:
                view.clear_output(wait=True)
                display(result)

        show(first)

    def redraw(change):
        t0 = time.perf_counter()
        values = {name: control.value for name, control in controls.items()}
        enable(values)
        if isinstance(view, LiveChart):
            view.busy = True  # sent at once: a slow draw shows a progress note within ~100 ms
        try:
            result = draw(**values)
            t1 = time.perf_counter()
            reshaped = show(result)
        finally:
            if isinstance(view, LiveChart):
                view.busy = False
        t2 = time.perf_counter()
        if log:
            record = {
                "panel": panel,
                "draw": getattr(draw, "__name__", "draw"),
                "control": getattr(change.get("owner"), "description", ""),
                "model_s": t1 - t0,
                "chart_s": t2 - t1,
                "reshaped": bool(reshaped),  # a LiveChart rebuilt its view (the spec changed, not just data)
            }
            with open(log, "a", encoding="utf-8") as fh:
                fh.write(json.dumps(record) + "\n")

    for control in controls.values():
        control.observe(redraw, names="value")
    items = list(controls.values())
    rows = [widgets.HBox(items[i : i + columns]) for i in range(0, len(items), columns)]
    return widgets.VBox([*rows, view], layout=widgets.Layout(max_width="100%"))


def html_of(result) -> str | None:
    """The HTML a panel shows for a non-chart ``result`` (a string or anything with ``_repr_html_``)."""
    if isinstance(result, str):
        return f"<pre>{html.escape(result)}</pre>"
    method = getattr(result, "_repr_html_", None)
    return method() if callable(method) else None


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


def slider_points(at: Mapping[str, object], sliders: Mapping[str, Iterable]) -> Iterator[dict]:
    """Each slider's values in turn, the other controls at ``at``: the points a panel precomputes.

    A move from the defaults asks for one of these points, so a panel that computes them before it
    is shown answers such moves from its cache.

    Parameters
    ----------
    at : mapping
        Every control's value at the defaults (``draw``'s keyword arguments).
    sliders : mapping of str to iterable
        Control name → the values its slider can take (each name one of ``at``'s).

    Yields
    ------
    dict
        ``at`` with one control set to one of its values.
    """
    unknown = sorted(set(sliders) - set(at))
    if unknown:
        raise ValueError(f"sliders must name controls of at {sorted(at)}; got {unknown}")
    for name, values in sliders.items():
        for value in values:
            yield {**at, name: value}
