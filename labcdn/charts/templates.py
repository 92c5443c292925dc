"""Charts for live panels without rebuilding Altair objects: build a chart once, then fill in new rows.

Building an Altair chart object (schema wrapping, deep copies of layers) and converting it to a
Vega-Lite dictionary costs tens of milliseconds on this machine, more than most models behind a live
panel. A panel whose chart keeps its structure from one move to the next only changes the rows of its
datasets and perhaps a title: build the chart once per structure (with the chapter's own builder, so
static twin and panel stay the same chart), keep its ``to_dict()`` as a template
(:class:`Templates`), and fill each redraw's rows into a copy (:func:`fill`).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable

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


class Templates:
    """Chart templates by key: each built once by the chapter's own builder, then filled with new rows.

    A key names one structure of a panel's chart (the algorithms shown, the failure states, an axis
    range): charts with the same key differ only in their rows and top-level properties.
    """

    def __init__(self):
        self._specs: dict[Hashable, dict] = {}

    def __len__(self) -> int:
        return len(self._specs)

    def fill(self, key: Hashable, build: Callable[[], alt.TopLevelMixin], frames: Iterable[pl.DataFrame],
             **top) -> Spec:
        """The chart ``build()`` gives, for ``key``, with ``frames`` in place of its datasets' rows.

        Parameters
        ----------
        key : hashable
            The chart's structure; ``build`` runs the first time a key is seen.
        build : callable
            No arguments; returns the Altair chart for this key (any rows: they are replaced).
        frames : iterable of polars.DataFrame
            New rows, each with exactly the columns of one dataset of the chart (see :func:`fill`).
        **top
            Top-level properties to set (``title=...``).

        Returns
        -------
        Spec
        """
        spec = self._specs.get(key)
        if spec is None:
            spec = self._specs[key] = build().to_dict(validate=False)
        return fill(spec, frames, **top)
