"""Every study as a *point function*: one parameter dict and one seed in, a small tidy frame out.

:mod:`labcdn.sweep` evaluates a point function over a parameter grid. Each
:class:`Study` holds

- ``point(params, seed) -> polars.DataFrame``: calls the study's model through
  its public API and returns one or a few rows of results (no parameter
  columns: the sweep adds those);
- ``defaults``: every parameter a grid may set, with its default. The defaults
  are read from the model's own parameter classes, whose docstrings give each
  value's source (a published figure or a marked assumption);
- ``modules``: the labcdn modules the point calls; with everything they import
  they make the study's *code version* (:func:`labcdn.sweep.code_version`).

Point functions draw nothing themselves: ``seed`` goes to the model as its own
seed argument (studies whose model is deterministic ignore it). Output columns
have explicit dtypes, so every chunk of a sweep has the same schema.

=================  ==========================================================
``ranking``        :func:`labcdn.popularity.study`: file- vs title-ranking storage
``prediction``     :func:`labcdn.prediction.run`: nightly fill, one row per method
``hashing``        :func:`labcdn.hashing.balance` and :func:`~labcdn.hashing.disruption`
``serving``        :func:`labcdn.serving.evaluate` of a :class:`~labcdn.serving.ServerConfig`
``balancing``      :func:`labcdn.balancing.run` of one algorithm on one workload
``orchestration``  :func:`labcdn.orchestration.omega`: one design on the Omega workload
``replication``    :func:`labcdn.replication.compare`: every copy rule at one routing
=================  ==========================================================
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, fields, replace
from pathlib import Path
from typing import NamedTuple

import numpy as np
import polars as pl

from labcdn import balancing, hashing, orchestration, popularity, prediction, replication, serving
from labcdn._validation import check_choice


class Study(NamedTuple):
    """One study the sweep can run.

    Attributes
    ----------
    name : str
    point : callable
        ``point(params: dict, seed: int) -> polars.DataFrame`` with every key of ``defaults``.
    defaults : dict
        Parameter name -> default value (its type fixes how grid values are read).
    modules : tuple of str
        labcdn modules the point function calls (roots of its code version).
    description : str
    data : tuple of pathlib.Path
        Input files the model reads (part of its code version).
    """

    name: str
    point: Callable[[dict, int], pl.DataFrame]
    defaults: dict
    modules: tuple[str, ...]
    description: str
    data: tuple[Path, ...] = ()


STUDIES: dict[str, Study] = {}


def register(name: str, defaults: dict, modules: tuple[str, ...], description: str, data=()):
    """Decorator registering ``point(params, seed)`` as study ``name``.

    Parameters
    ----------
    name : str
    defaults : dict
        Every parameter a grid may set -> its default.
    modules : tuple of str
        labcdn modules the point calls.
    description : str
        What one point returns, in a line.
    data : sequence of path
        Input files the model reads.

    Returns
    -------
    callable
        The decorator (it returns the point function unchanged).
    """

    def wrap(point):
        STUDIES[name] = Study(name, point, dict(defaults), tuple(modules), description, tuple(map(Path, data)))
        return point

    return wrap


def get(name: str) -> Study:
    """The registered study called ``name``.

    Parameters
    ----------
    name : str

    Returns
    -------
    Study

    Raises
    ------
    ValueError
        Naming the registered studies, if ``name`` is not one.
    """
    return STUDIES[check_choice("study", name, STUDIES)]


def _frame(rows: list[dict], schema: dict) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=schema, orient="row")


_DEMAND = popularity.DemandParams()
_CATALOGUE = popularity.CatalogueParams()


@register("ranking", {"concentration": _DEMAND.concentration, "zipf_exponent": _DEMAND.zipf_exponent,
                      "n_titles": _CATALOGUE.n_titles, "target_efficiency": 0.9, "capacity_fraction": 0.1},
          ("labcdn.popularity.ranking",),
          "file- vs title-ranking: storage each needs for the target efficiency (chapter 1)", (popularity.LADDER_PATH,))
def ranking_point(params: dict, seed: int) -> pl.DataFrame:
    """Storage ratio and both storage fractions for one catalogue (:func:`labcdn.popularity.study`).

    Parameters
    ----------
    params : dict
        ``concentration`` (κ) and ``zipf_exponent``: :class:`labcdn.popularity.DemandParams`;
        ``n_titles``: :class:`labcdn.popularity.CatalogueParams`; ``target_efficiency`` (0.9) and
        ``capacity_fraction`` (0.1): chapter 1's target and cache size.
    seed : int
        Catalogue seed.

    Returns
    -------
    polars.DataFrame
        One row: ``ratio`` (file ÷ title storage at the target), both storage fractions and
        both efficiencies at ``capacity_fraction``.
    """
    cp = replace(_CATALOGUE, n_titles=params["n_titles"])
    dp = replace(_DEMAND, concentration=params["concentration"], zipf_exponent=params["zipf_exponent"])
    s = popularity.study(cp, dp, params["target_efficiency"], seed, capacity_fraction=params["capacity_fraction"],
                      n_points=2)
    return _frame([{"ratio": s.ratio, "file_storage_fraction": s.file_storage_fraction,
                    "title_storage_fraction": s.title_storage_fraction, "file_efficiency": s.file_efficiency,
                    "title_efficiency": s.title_efficiency}],
                  dict.fromkeys(("ratio", "file_storage_fraction", "title_storage_fraction", "file_efficiency",
                                 "title_efficiency"), pl.Float64))


_NIGHTLY = {f.name: getattr(prediction.NightlyParams(), f.name) for f in fields(prediction.NightlyParams) if f.name != "seed"}


@register("prediction", _NIGHTLY, ("labcdn.prediction.nightly",),
          "nightly fill of one appliance: next-day efficiency per predictor (chapter 2)", (popularity.LADDER_PATH,))
def prediction_point(params: dict, seed: int) -> pl.DataFrame:
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
    days = prediction.run(prediction.NightlyParams(**params, seed=seed)).days
    method = days["method"].to_numpy()
    rows = []
    for name in prediction.METHODS:
        mask = method == name
        eff = days["efficiency"].to_numpy()[mask]
        oracle = days["oracle_efficiency"].to_numpy()[mask]
        churn = days["churn"].to_numpy()[mask]
        rows.append({"method": name, "efficiency": float(np.mean(eff)), "oracle_efficiency": float(np.mean(oracle)),
                     "gap": float(np.mean(oracle) - np.mean(eff)), "churn_mean": float(np.mean(churn)),
                     "churn_max": float(np.max(churn))})
    return _frame(rows, {"method": pl.String, "efficiency": pl.Float64, "oracle_efficiency": pl.Float64,
                         "gap": pl.Float64, "churn_mean": pl.Float64, "churn_max": pl.Float64})


_HASHING = {k: v for k, v in hashing.DEFAULTS._asdict().items() if k != "seed"}


@register("hashing", _HASHING, ("labcdn.hashing",),
          "consistent hashing: load balance and keys moved when a server is added or removed (chapter 3)")
def hashing_point(params: dict, seed: int) -> pl.DataFrame:
    """Balance and disruption of one consistent-hashing algorithm (:func:`labcdn.hashing.balance`, ``disruption``).

    Parameters
    ----------
    params : dict
        Fields of :data:`labcdn.hashing.DEFAULTS` but ``seed`` (160 vnodes from libmemcached,
        Zipf 0.8 from Breslau et al.).
    seed : int
        Seed of the catalogue draw.

    Returns
    -------
    polars.DataFrame
        One row: max/mean and CV of load under uniform and Zipf demand; keys moved (and
        moved ÷ ideal) when a server is added and when one is removed.
    """
    p = dict(params)
    algorithm = p.pop("algorithm")
    bal = hashing.balance(algorithm, **p, seed=seed)
    dis = hashing.disruption(algorithm, **p, seed=seed)
    b = {d: r for d, r in zip(bal["demand"], bal.iter_rows(named=True), strict=True)}
    m = {c: r for c, r in zip(dis["change"], dis.iter_rows(named=True), strict=True)}
    row = {"max_over_mean": b["uniform"]["max_over_mean"], "cv": b["uniform"]["cv"],
           "max_over_mean_zipf": b["zipf"]["max_over_mean"], "cv_zipf": b["zipf"]["cv"],
           "moved_add": m["add"]["moved"], "moved_over_ideal_add": m["add"]["moved_over_ideal"],
           "moved_remove": m["remove"]["moved"], "moved_over_ideal_remove": m["remove"]["moved_over_ideal"]}
    return _frame([row], dict.fromkeys(row, pl.Float64))


_SERVING = {f.name: getattr(serving.ServerConfig(), f.name) for f in fields(serving.ServerConfig)}


@register("serving", _SERVING, ("labcdn.serving",),
          "serving 100 Gbps from one server: throughput and bottleneck of one configuration (chapter 5)",
          (serving.calibration.CALIBRATION_CSV,))
def serving_point(params: dict, seed: int) -> pl.DataFrame:
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
    r = serving.evaluate(serving.ServerConfig(**params))
    row = {"gbps": r.gbps, "network_gbps": r.network_gbps, "stall_fraction": r.stall_fraction,
           "bottleneck": r.bottleneck, "cpu_us": r.cpu_us, "memory_bytes": r.memory_bytes}
    return _frame([row], {"gbps": pl.Float64, "network_gbps": pl.Float64, "stall_fraction": pl.Float64,
                          "bottleneck": pl.String, "cpu_us": pl.Float64, "memory_bytes": pl.Float64})


_BALANCING = {k: v for k, v in asdict(balancing.DEFAULTS).items() if k != "seed"}
_BALANCING_STATS = {"requests": pl.Int64, "ok": pl.Int64, "lost": pl.Int64, "refused": pl.Int64,
                    "no_server": pl.Int64, "failed": pl.Int64, "mean_ms": pl.Float64, "p50_ms": pl.Float64,
                    "p99_ms": pl.Float64, "p999_ms": pl.Float64, "max_utilisation": pl.Float64,
                    "min_utilisation": pl.Float64, "events": pl.Int64, "duration_s": pl.Float64,
                    "in_system": pl.Float64, "throughput": pl.Float64, "sojourn_ms": pl.Float64}


@register("balancing", _BALANCING, ("labcdn.balancing",),
          "load balancers: one algorithm on one workload, response times and utilisation (chapter 6)")
def balancing_point(params: dict, seed: int) -> pl.DataFrame:
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
    stats = balancing.summary_stats(balancing.run(replace(balancing.DEFAULTS, **params, seed=seed)))
    stats["simulated"] = stats.pop("requests")
    schema = {("simulated" if k == "requests" else k): v for k, v in _BALANCING_STATS.items()}
    return _frame([stats], schema)


_SCHEDULING = orchestration.DEFAULTS.scheduling
_ORCHESTRATION = {"design": "monolithic", "nodes": _SCHEDULING.nodes, "horizon": _SCHEDULING.horizon,
                  "load": _SCHEDULING.load, "strategy": _SCHEDULING.strategy, "t_job": _SCHEDULING.t_job,
                  "t_task": _SCHEDULING.t_task, "service_t_job": _SCHEDULING.service_t_job,
                  "percentage_of_nodes_to_score": _SCHEDULING.percentage_of_nodes_to_score,
                  "max_pods": _SCHEDULING.max_pods, "allocation_interval": _SCHEDULING.allocation_interval}
_JOB_METRICS = ("jobs", "tasks", "tasks_placed", "unschedulable_tasks", "wait_first_mean", "wait_first_p90",
                "wait_all_mean", "wait_all_p90")
_JOB_COUNTS = ("jobs", "tasks", "tasks_placed", "unschedulable_tasks")


@register("orchestration", _ORCHESTRATION, ("labcdn.orchestration",),
          "Kubernetes vs Mesos+Marathon: scheduler busyness and job waits on the Omega workload (chapter 7)")
def orchestration_point(params: dict, seed: int) -> pl.DataFrame:
    """One scheduler design on the Omega example workload (:func:`labcdn.orchestration.omega`).

    Parameters
    ----------
    params : dict
        ``design`` and the fields of :data:`labcdn.orchestration.DEFAULTS.scheduling` listed in
        ``_ORCHESTRATION`` (Omega's t_job and t_task, the kubelet's maxPods).
    seed : int
        Workload seed.

    Returns
    -------
    polars.DataFrame
        One row per scheduler: ``busyness``, and the design's job metrics (all jobs) repeated.
    """
    p = dict(params)
    sim = orchestration.omega(p.pop("design"), p.pop("nodes"), horizon=p.pop("horizon"), load=p.pop("load"),
                              seed=seed, **p)
    table = sim.metrics().filter(pl.col("workload") == "all")
    values = dict(zip(table["metric"], table["value"], strict=True))
    jobs = {k: values.get(k) for k in _JOB_METRICS}
    for k in _JOB_COUNTS:
        jobs[k] = int(jobs[k])
    rows = [{"scheduler": name, "busyness": busy / sim.horizon, **jobs} for name, busy in sim.busy.items()]
    schema = {"scheduler": pl.String, "busyness": pl.Float64,
              **{k: pl.Int64 if k in _JOB_COUNTS else pl.Float64 for k in _JOB_METRICS}}
    return _frame(rows, schema)


_REPLICATION = {k: v for k, v in asdict(replication.DEFAULTS).items()
                if k not in ("seed", "copy_rule", "failed", "requests", "flash_servers", "storage_servers",
                             "ram_gb_flash", "ram_gb_storage")}


@register("replication", _REPLICATION, ("labcdn.replication",),
          "replication: usable capacity, storage cost and one failure for every copy rule", (popularity.LADDER_PATH,))
def replication_point(params: dict, seed: int) -> pl.DataFrame:
    """Every copy rule at the point's routing (:func:`labcdn.replication.compare`).

    Parameters
    ----------
    params : dict
        Fields of :data:`labcdn.replication.DEFAULTS` but those :func:`~labcdn.replication.compare`
        sweeps or does not use (``copy_rule``, ``failed``, ``requests``, the tier sizes) and ``seed``
        (100 Gbps servers, Open Connect's popularity rule among the rules compared).
    seed : int
        Seed of the catalogue draw.

    Returns
    -------
    polars.DataFrame
        One row per copy rule: copies, storage overhead, usable fraction, peak utilisation, and
        one failure (the server holding the hottest file's first copy): peak after, demand
        leaving the cluster, usable fraction after.
    """
    d = replace(replication.DEFAULTS, **params, seed=seed)
    table = replication.compare(d, routings=(d.routing,)).drop("routing")
    schema = {"copy_rule": pl.String, "copies": pl.Int64, "storage_overhead": pl.Float64,
              "usable_fraction": pl.Float64, "peak_utilisation": pl.Float64, "failed_server": pl.Int64,
              "peak_after": pl.Float64, "leaving_cluster": pl.Float64, "usable_after": pl.Float64}
    return table.select(pl.col(name).cast(dtype) for name, dtype in schema.items())
