"""Chapter 2's nightly fill as a sweep point: next-day efficiency per predictor for one appliance.

The sweep's study ``"prediction"``; what ``PARAMETERS``, ``MODULES``, ``DESCRIPTION``,
``DATA`` and :func:`point` mean is in :mod:`labcdn.sweep.registry`.
"""

from __future__ import annotations

from dataclasses import fields

import numpy as np
import polars as pl

from labcdn.popularity import LADDER_PATH
from labcdn.prediction.nightly import METHODS, NightlyParams, run

PARAMETERS = {f.name: getattr(NightlyParams(), f.name) for f in fields(NightlyParams) if f.name != "seed"}
MODULES = ("labcdn.prediction.nightly",)
DESCRIPTION = "nightly fill of one appliance: next-day efficiency per predictor (chapter 2)"
DATA = (LADDER_PATH,)


def point(params: dict, seed: int) -> pl.DataFrame:
    """The nightly fill of one appliance for each predictor (:func:`labcdn.prediction.run`).

    Parameters
    ----------
    params : dict
        Fields of :class:`labcdn.prediction.NightlyParams` but ``seed`` (6.5% nightly budget from
        Open Connect's fill pattern).
    seed : int
        Seed of catalogue, demand and pre-release errors.

    Returns
    -------
    polars.DataFrame
        One row per method: mean ``efficiency`` and ``oracle_efficiency`` over the scored days,
        ``gap``, ``churn_mean``, ``churn_max``. Means are taken with NumPy in a fixed order, so
        the bytes do not depend on thread scheduling.
    """
    days = run(NightlyParams(**params, seed=seed)).days
    method = days["method"].to_numpy()
    rows = []
    for name in METHODS:
        mask = method == name
        eff = days["efficiency"].to_numpy()[mask]
        oracle = days["oracle_efficiency"].to_numpy()[mask]
        churn = days["churn"].to_numpy()[mask]
        rows.append({"method": name, "efficiency": float(np.mean(eff)), "oracle_efficiency": float(np.mean(oracle)),
                     "gap": float(np.mean(oracle) - np.mean(eff)), "churn_mean": float(np.mean(churn)),
                     "churn_max": float(np.max(churn))})
    schema = {"method": pl.String, "efficiency": pl.Float64, "oracle_efficiency": pl.Float64, "gap": pl.Float64,
              "churn_mean": pl.Float64, "churn_max": pl.Float64}
    return pl.DataFrame(rows, schema=schema, orient="row")


def check(params: dict) -> None:
    """Put one point through the model's own checks without computing it (the sweep checks its whole grid first)."""
    from labcdn._validation import check_range

    p = NightlyParams(**params)
    check_range("n_titles", p.n_titles, 1, 1_000_000, integer=True)  # make_catalogue's range
    check_range("n_days", p.n_days, 2, 3650, integer=True)
    check_range("capacity_fraction", p.capacity_fraction, 0.0, 1.0, low_open=True)
    check_range("budget_fraction", p.budget_fraction, 0.0, 1.0)
