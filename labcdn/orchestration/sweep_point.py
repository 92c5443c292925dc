"""Chapter 7 as a sweep point: one scheduler design on the Omega example workload.

The sweep's study ``"orchestration"``; what ``PARAMETERS``, ``MODULES``, ``DESCRIPTION``,
``DATA`` and :func:`point` mean is in :mod:`labcdn.sweep.registry`.
"""

from __future__ import annotations

import polars as pl

from labcdn.orchestration import DEFAULTS, omega

_SCHEDULING = DEFAULTS.scheduling
PARAMETERS = {"design": "monolithic", "nodes": _SCHEDULING.nodes, "horizon": _SCHEDULING.horizon,
              "load": _SCHEDULING.load, "strategy": _SCHEDULING.strategy, "t_job": _SCHEDULING.t_job,
              "t_task": _SCHEDULING.t_task, "service_t_job": _SCHEDULING.service_t_job,
              "percentage_of_nodes_to_score": _SCHEDULING.percentage_of_nodes_to_score,
              "max_pods": _SCHEDULING.max_pods, "allocation_interval": _SCHEDULING.allocation_interval}
_JOB_METRICS = ("jobs", "tasks", "tasks_placed", "unschedulable_tasks", "wait_first_mean", "wait_first_p90",
                "wait_all_mean", "wait_all_p90")
_JOB_COUNTS = ("jobs", "tasks", "tasks_placed", "unschedulable_tasks")
MODULES = ("labcdn.orchestration",)
DESCRIPTION = "Kubernetes vs Mesos+Marathon: scheduler busyness and job waits on the Omega workload (chapter 7)"
DATA = ()


def point(params: dict, seed: int) -> pl.DataFrame:
    """One scheduler design on the Omega example workload (:func:`labcdn.orchestration.omega`).

    Parameters
    ----------
    params : dict
        ``design`` and the fields of :data:`labcdn.orchestration.DEFAULTS.scheduling` listed in
        ``PARAMETERS`` (Omega's t_job and t_task, the kubelet's maxPods).
    seed : int
        Workload seed.

    Returns
    -------
    polars.DataFrame
        One row per scheduler: ``busyness``, and the design's job metrics (all jobs) repeated.
    """
    p = dict(params)
    sim = omega(p.pop("design"), p.pop("nodes"), horizon=p.pop("horizon"), load=p.pop("load"),
                              seed=seed, **p)
    table = sim.metrics().filter(pl.col("workload") == "all")
    values = dict(zip(table["metric"], table["value"], strict=True))
    jobs = {k: values.get(k) for k in _JOB_METRICS}
    for k in _JOB_COUNTS:
        jobs[k] = int(jobs[k])
    rows = [{"scheduler": name, "busyness": busy / sim.horizon, **jobs} for name, busy in sim.busy.items()]
    schema = {"scheduler": pl.String, "busyness": pl.Float64,
              **{k: pl.Int64 if k in _JOB_COUNTS else pl.Float64 for k in _JOB_METRICS}}
    return pl.DataFrame(rows, schema=schema, orient="row")


def check(params: dict) -> None:
    """Put one point through the model's own checks without computing it (the sweep checks its whole grid first)."""
    from labcdn._validation import check_choice, check_range
    from labcdn.orchestration.scheduling import DESIGNS, STRATEGIES

    p = params
    check_choice("design", p["design"], DESIGNS)
    check_range("nodes", p["nodes"], 1, 2_000_000, integer=True)
    check_range("horizon", p["horizon"], 0.0, 10 * 86_400.0, low_open=True)
    check_range("load", p["load"], 0.01, 1000.0)
    check_choice("strategy", p["strategy"], STRATEGIES)
    check_range("t_job", p["t_job"], 0.0, 1000.0)
    check_range("t_task", p["t_task"], 0.0, 1000.0)
    if p["service_t_job"] is not None:
        check_range("service_t_job", p["service_t_job"], 0.0, 1000.0)
    check_range("percentage_of_nodes_to_score", p["percentage_of_nodes_to_score"], 0, 100, integer=True)
    check_range("max_pods", p["max_pods"], 1, 10_000, integer=True)
    check_range("allocation_interval", p["allocation_interval"], 0.0, 3600.0, low_open=True)
