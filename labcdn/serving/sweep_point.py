"""Chapter 5 as a sweep point: throughput and bottleneck of one serving configuration.

The sweep's study ``"serving"``; what ``PARAMETERS``, ``MODULES``, ``DESCRIPTION``,
``DATA`` and :func:`point` mean is in :mod:`labcdn.sweep.registry`.
"""

from __future__ import annotations

from dataclasses import fields

import polars as pl

from labcdn.serving.appliance import ServerConfig
from labcdn.serving.calibration import CALIBRATION_CSV
from labcdn.serving.fitting import evaluate

PARAMETERS = {f.name: getattr(ServerConfig(), f.name) for f in fields(ServerConfig)}
MODULES = ("labcdn.serving",)
DESCRIPTION = "serving 100 Gbps from one server: throughput and bottleneck of one configuration (chapter 5)"
DATA = (CALIBRATION_CSV,)


def point(params: dict, seed: int) -> pl.DataFrame:
    """One serving configuration (:func:`labcdn.serving.evaluate`).

    Parameters
    ----------
    params : dict
        Fields of :class:`labcdn.serving.ServerConfig` (``None``: the platform's or the calibration's value).
    seed : int
        Unused: the model is solved exactly.

    Returns
    -------
    polars.DataFrame
        One row: ``gbps``, ``network_gbps``, ``stall_fraction``, ``bottleneck``, ``cpu_us``, ``memory_bytes``.
    """
    r = evaluate(ServerConfig(**params))
    row = {"gbps": r.gbps, "network_gbps": r.network_gbps, "stall_fraction": r.stall_fraction,
           "bottleneck": r.bottleneck, "cpu_us": r.cpu_us, "memory_bytes": r.memory_bytes}
    schema = {"gbps": pl.Float64, "network_gbps": pl.Float64, "stall_fraction": pl.Float64, "bottleneck": pl.String,
              "cpu_us": pl.Float64, "memory_bytes": pl.Float64}
    return pl.DataFrame([row], schema=schema, orient="row")


def check(params: dict) -> None:
    """Put one point through the model's own checks without computing it (the sweep checks its whole grid first)."""
    ServerConfig(**params)
