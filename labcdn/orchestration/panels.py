"""The scheduling chapter's live panels, precomputed: run the model once over each slider's values.

A scheduling simulation per slider move is too slow to follow a slider (up to a
second or more on a busy 2-core machine). :class:`Waits` remembers the two designs'
results per point and fills itself over each slider's values once, the other
controls at their defaults; :func:`inflation` replays the Alibaba trace once per
value of the inflation slider, so the slider -- in JupyterLab or as a Vega-Lite
parameter in the book -- indexes the result.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import polars as pl
from tqdm.auto import tqdm

from labcdn._validation import check_choice
from labcdn.orchestration.scheduling import DEFAULTS, DESIGNS, omega
from labcdn.orchestration.trace import RUNS, replay

CONTROLS = ("nodes", "load", "t_task_ms", "strategy")


class Waits:
    """Both designs on the Omega workload, remembered per (nodes, load, t_task_ms, strategy).

    Parameters
    ----------
    horizon : float
        Seconds simulated per run.
    seed : int
        Workload seed, the same for every point (common random numbers).

    Notes
    -----
    Calling the object returns ``(metrics, busiest)``: the two designs' stacked
    :meth:`~labcdn.orchestration.scheduling.Simulation.metrics` and, per design, the
    busiest scheduler's share of the horizon spent deciding. Only these are kept,
    not the simulations.
    """

    def __init__(self, horizon=DEFAULTS.horizon, seed=DEFAULTS.seed):
        self.horizon = float(horizon)
        self.seed = seed
        self._store: dict[tuple, tuple[pl.DataFrame, dict[str, float]]] = {}

    def __len__(self) -> int:
        return len(self._store)

    def __call__(self, nodes, load, t_task_ms, strategy) -> tuple[pl.DataFrame, dict[str, float]]:
        """Both designs at one point: from the store, or run once and stored.

        Parameters
        ----------
        nodes : int
        load : float
            Multiplier on Omega's arrival rates.
        t_task_ms : float
            Decision time per task, in milliseconds.
        strategy : str
            kube-scheduler's scoring (:data:`~labcdn.orchestration.scheduling.STRATEGIES`).

        Returns
        -------
        (polars.DataFrame, dict of str to float)
        """
        key = (int(nodes), round(float(load), 9), round(float(t_task_ms), 9), str(strategy))
        if key not in self._store:
            runs = [omega(d, key[0], horizon=self.horizon, load=key[1], seed=self.seed, t_task=key[2] / 1000,
                          strategy=key[3]) for d in DESIGNS]
            busiest = {s.design: max(s.busy.values()) / s.horizon for s in runs}
            self._store[key] = (pl.concat([s.metrics() for s in runs]), busiest)
        return self._store[key]

    def precompute(self, defaults: dict, *, progress=False, **grids: Sequence) -> int:
        """Fill the store over each control's values in turn, the others at ``defaults``.

        Parameters
        ----------
        defaults : dict
            A value for each of :data:`CONTROLS`.
        progress : bool
            Show a tqdm progress bar on stderr.
        **grids
            Control -> the values its slider (or dropdown) can take.

        Returns
        -------
        int
            Points now stored.
        """
        missing = sorted(set(CONTROLS) - set(defaults))
        if missing:
            raise ValueError(f"defaults lacks {missing}; give a value for each of {CONTROLS}")
        points = []
        for name, values in grids.items():
            check_choice("grid control", name, CONTROLS)
            points += [{**defaults, name: v} for v in values]
        for point in tqdm(points, disable=not progress, desc="precompute"):
            self(**point)
        return len(self)


def inflation(inflates: Sequence[float], *, pods=None, nodes=None, runs=RUNS, progress=False):
    """Replay the Alibaba trace at each inflation: the grid behind the inflation slider.

    Parameters
    ----------
    inflates : sequence of float
        GPUs asked for, as multiples of the cluster's (each in [1, 5]).
    pods, nodes : polars.DataFrame, optional
        The loaded trace (read from ``labcdn.datasets`` when omitted).
    runs : sequence of (str, str)
        ``(design, strategy)`` pairs, as :func:`~labcdn.orchestration.replay`.
    progress : bool
        Show a tqdm progress bar on stderr.

    Returns
    -------
    (polars.DataFrame, polars.DataFrame)
        The replays' ``timeline`` and ``metrics`` stacked, each with an ``inflate`` column first.
    """
    grid = np.asarray(inflates, dtype=float)
    if grid.ndim != 1 or grid.size == 0:
        raise ValueError(f"inflates={inflates!r} must be a non-empty sequence of numbers")
    timelines, metrics = [], []
    for x in tqdm(grid, disable=not progress, desc="replay"):
        r = replay(runs, inflate=float(x), pods=pods, nodes=nodes)
        timelines.append(r.timeline.select(pl.lit(float(x)).alias("inflate"), pl.all()))
        metrics.append(r.metrics.select(pl.lit(float(x)).alias("inflate"), pl.all()))
    return pl.concat(timelines), pl.concat(metrics)
