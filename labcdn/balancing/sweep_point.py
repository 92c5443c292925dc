"""Chapter 6 as a sweep point: one load-balancing algorithm on one workload.

The sweep's study ``"balancing"``; what ``PARAMETERS``, ``MODULES``, ``DESCRIPTION``,
``DATA`` and :func:`point` mean is in :mod:`labcdn.sweep.registry`.
"""

from __future__ import annotations

from dataclasses import asdict, replace

import polars as pl

from labcdn.balancing import DEFAULTS, run, summary_stats

PARAMETERS = {k: v for k, v in asdict(DEFAULTS).items() if k != "seed"}
MODULES = ("labcdn.balancing",)
DESCRIPTION = "load balancers: one algorithm on one workload, response times and utilisation (chapter 6)"
DATA = ()

_STATS = {"requests": pl.Int64, "ok": pl.Int64, "lost": pl.Int64, "refused": pl.Int64,
          "no_server": pl.Int64, "failed": pl.Int64, "mean_ms": pl.Float64, "p50_ms": pl.Float64,
          "p99_ms": pl.Float64, "p999_ms": pl.Float64, "max_utilisation": pl.Float64,
          "min_utilisation": pl.Float64, "events": pl.Int64, "duration_s": pl.Float64,
          "in_system": pl.Float64, "throughput": pl.Float64, "sojourn_ms": pl.Float64}


def point(params: dict, seed: int) -> pl.DataFrame:
    """One load-balancing algorithm on one workload (:func:`labcdn.balancing.run`).

    Parameters
    ----------
    params : dict
        Fields of :data:`labcdn.balancing.DEFAULTS` but ``seed`` (HAProxy, NGINX and Envoy defaults
        where one exists).
    seed : int
        Seed of the workload draw.

    Returns
    -------
    polars.DataFrame
        One row of :func:`labcdn.balancing.summary_stats`, its ``requests`` renamed ``simulated``.
    """
    stats = summary_stats(run(replace(DEFAULTS, **params, seed=seed)))
    stats["simulated"] = stats.pop("requests")
    schema = {("simulated" if k == "requests" else k): v for k, v in _STATS.items()}
    return pl.DataFrame([stats], schema=schema, orient="row")


def check(params: dict) -> None:
    """Put one point through the model's own checks without computing it (the sweep checks its whole grid first)."""
    from labcdn._validation import check_choice, check_range
    from labcdn.balancing import ALGORITHMS, SERVICES, cluster, settings

    d = replace(DEFAULTS, **params)
    check_choice("algorithm", d.algorithm, ALGORITHMS)
    check_choice("service", d.service, SERVICES)
    check_range("load", d.load, 0.0, None, low_open=True)
    check_range("requests", d.requests, 1, None, integer=True)
    cluster(d.backends, d.heterogeneity, weights=d.weights)
    settings(d)
