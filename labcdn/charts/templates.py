"""Charts for live panels without rebuilding Altair objects: build a chart once, then fill in new rows.

Building an Altair chart object (schema wrapping, deep copies of layers) costs tens of milliseconds
on this machine, more than most models behind a live panel. A panel whose chart keeps its structure
from one move to the next only changes the rows of its datasets and perhaps a title: build the chart
once (with the chapter's own builder, so static twin and panel stay the same chart), keep its
``to_dict()`` as a template, and fill each redraw's rows into a copy.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import altair as alt
import polars as pl


class Spec(alt.TopLevelMixin):
    """A finished Vega-Lite specification, displayed and exported like the Altair chart it was filled from.

    ``to_dict`` returns the dictionary; Jupyter displays it through the active Altair renderer, and
    :func:`labcdn.ui.live` sends it to the browser like any chart.
    """

    def __init__(self, spec: dict):
        self.spec = spec

    def to_dict(self, validate: bool = True, *, format: str = "vega-lite", ignore=None, context=None) -> dict:  # noqa: A002
        return dict(self.spec)


def dataset_names(spec: dict) -> dict[frozenset, str]:
    """The name of each top-level dataset of ``spec``, keyed by its set of columns.

    Raises
    ------
    ValueError
        If two datasets share a set of columns (a filled row could not tell them apart).
    """
    names: dict[frozenset, str] = {}
    for name, rows in spec.get("datasets", {}).items():
        key = frozenset(rows[0]) if rows else frozenset()
        if key in names:
            raise ValueError(f"datasets {names[key]!r} and {name!r} have the same columns {sorted(key)}")
        names[key] = name
    return names


def fill(template: dict, frames: Iterable[pl.DataFrame], **top) -> Spec:
    """A copy of ``template`` with each frame's rows in place of the dataset with the same columns.

    Parameters
    ----------
    template : dict
        A chart's ``to_dict()``, with its data in top-level ``datasets`` (Altair's default).
    frames : iterable of polars.DataFrame
        New rows, each with exactly the columns of one of the template's datasets.
    **top
        Top-level properties to set (``title=...``).

    Returns
    -------
    Spec
    """
    names = dataset_names(template)
    datasets = dict(template["datasets"])
    for frame in frames:
        key = frozenset(frame.columns)
        if key not in names:
            raise ValueError(f"no dataset of the template has the columns {sorted(key)}; "
                             f"it has {[sorted(k) for k in names]}")
        datasets[names[key]] = frame.to_dicts()
    return Spec({**template, "datasets": datasets, **top})


def nested(spec: Spec, path: Mapping[str, int], **props) -> Spec:
    """``spec`` with ``props`` set on one sub-chart, e.g. ``nested(s, {"vconcat": 0}, title="...")``."""
    (key, index), = path.items()
    parts = list(spec.spec[key])
    parts[index] = {**parts[index], **props}
    return Spec({**spec.spec, key: parts})
