"""Link a set of ipywidgets controls to an output that redraws when any moves."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import ipywidgets as widgets
from IPython.display import display


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
    """
    out = widgets.Output(layout=widgets.Layout(min_height="120px"))

    def redraw(_change=None):
        values = {name: control.value for name, control in controls.items()}
        with out:
            out.clear_output(wait=True)
            display(draw(**values))

    for control in controls.values():
        control.observe(redraw, names="value")
    redraw()
    items = list(controls.values())
    rows = [widgets.HBox(items[i : i + columns]) for i in range(0, len(items), columns)]
    return widgets.VBox([*rows, out])


def slider(value, low, high, step, description, *, continuous=True, fmt=None):
    """A float or int slider with a readable label (``continuous=False`` for slow models)."""
    style = {"description_width": "initial"}
    layout = widgets.Layout(width="320px")
    cls = widgets.IntSlider if all(isinstance(v, int) for v in (value, low, high, step)) else widgets.FloatSlider
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
