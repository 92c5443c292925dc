"""Replay Alibaba's GPU-cluster pods on its real node inventory under both designs.

Two ways to replay the 8,152 pods of ``cluster-trace-gpu-v2023``:

``snapshot`` (default)
    As the trace's authors do: the pod list is a snapshot to be placed, in creation
    order, and nothing leaves. The pods ask for 98 percent of the cluster's 6,212
    GPUs, so the last ones meet a nearly full, fragmented cluster; ``inflate`` > 1
    appends pods drawn from the list with replacement until the GPU asked for
    reaches that multiple of the capacity (Weng et al.'s "workload inflation").
    Pods arrive ``spacing`` seconds apart so neither design's scheduler is the
    bottleneck.
``arrival``
    On the recorded clock: each pod arrives at its ``creation_time`` and is deleted
    at its ``deletion_time``, placed or not. Lifetimes are short (median 540 s), so
    only a few dozen pods run at once and almost everything fits.

Every pod is a one-task job. Best-effort pods (``qos`` BE) go to the batch framework,
all others (LS, Burstable, Guaranteed) to Marathon; the monolithic scheduler takes
them all. Pods are never abandoned (kube-scheduler retries a pod for as long as it
exists); one still unplaced at the end, or deleted first, is unschedulable. The
trace itself records 897 pods that stayed ``Pending``.

References
----------
.. [1] Q. Weng, L. Yang, Y. Yu, W. Wang, X. Tang, G. Yang, L. Zhang, "Beware of
   Fragmentation: Scheduling GPU-Sharing Workloads with Fragmentation Gradient
   Descent", USENIX ATC 2023; github.com/alibaba/clusterdata, cluster-trace-gpu-v2023.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import polars as pl

from labcdn._validation import check_choice, check_range, rng_from
from labcdn.datasets import load_alibaba_nodes, load_alibaba_pods
from labcdn.orchestration.nodes import GPU_MILLI, Cluster, cluster
from labcdn.orchestration.scheduling import DEFAULTS, DESIGNS, STRATEGIES, Simulation, simulate
from labcdn.orchestration.workload import BATCH, SERVICE, Jobs, jobs_from_arrays

NEVER_ABANDON = 2**62
MODES = ("snapshot", "arrival")


def gpu_request(jobs: Jobs) -> np.ndarray:
    """GPUs each job's task asks for (a share counts as its fraction)."""
    return _gpus(jobs.ngpu, jobs.gpu_milli)


def _gpus(ngpu, gpu_milli):
    milli = np.where(ngpu == 0, 0, np.where(gpu_milli < GPU_MILLI, gpu_milli, ngpu * GPU_MILLI))
    return milli / GPU_MILLI


def alibaba_jobs(pods: pl.DataFrame | None = None, *, mode="snapshot", inflate=1.0, spacing=1.0,
                 gpu_capacity=None, seed=None, rng=None) -> Jobs:
    """The trace's pods as one-task :class:`~labcdn.orchestration.workload.Jobs`.

    Parameters
    ----------
    pods : polars.DataFrame, optional
        :func:`labcdn.datasets.load_alibaba_pods` output (loaded when omitted).
    mode : {"snapshot", "arrival"}
        See the module docstring.
    inflate : float
        Snapshot only: keep adding pods drawn with replacement until the GPUs asked for
        reach ``inflate x gpu_capacity`` (1.0 to 5.0; at 1.0 the list is used as it is).
    spacing : float
        Snapshot only: seconds between arrivals (> 0).
    gpu_capacity : float, optional
        GPUs in the cluster (default 6,212, the trace's node list).
    seed : int, optional
    rng : numpy.random.Generator, optional
        Draw the inflation pods.

    Returns
    -------
    Jobs
        ``workload`` batch for BE pods, service otherwise. Snapshot: arrivals
        ``spacing`` apart in creation order, never deleted. Arrival: ``arrival`` =
        creation time, ``deadline`` = deletion time, ``duration`` = their difference.
    """
    check_choice("mode", mode, MODES)
    inflate = check_range("inflate", inflate, 1.0, 5.0)
    spacing = check_range("spacing", spacing, 0.0, 3600.0, low_open=True)
    pods = load_alibaba_pods() if pods is None else _checked_frame("pods", pods, POD_COLUMNS)
    pods = pods.sort("creation_time", maintain_order=True)
    kind = np.where(pods["qos"].cast(pl.String).to_numpy() == "BE", BATCH, SERVICE)
    cols = [pods[c].to_numpy() for c in ("cpu_milli", "memory_mib", "num_gpu", "gpu_milli")]
    if mode == "arrival":
        arrival = pods["creation_time"].to_numpy().astype(np.float64)
        deadline = pods["deletion_time"].to_numpy().astype(np.float64)
        return jobs_from_arrays(arrival, kind, np.ones(arrival.size, np.int64), deadline - arrival, *cols, deadline)
    order = np.arange(kind.size)
    if inflate > 1.0:
        capacity = 6212.0 if gpu_capacity is None else check_range("gpu_capacity", gpu_capacity, 0.0, None,
                                                                   low_open=True)
        gpus = _gpus(cols[2], cols[3])
        rng = rng_from(seed, rng)
        extra = []
        total = gpus.sum()
        while total < inflate * capacity:
            draw = rng.integers(0, kind.size, size=1024)
            extra.append(draw)
            total += gpus[draw].sum()
        extra = np.concatenate(extra)
        cum = gpus.sum() + np.cumsum(gpus[extra])
        extra = extra[: int(np.searchsorted(cum, inflate * capacity)) + 1]
        order = np.concatenate([order, extra])
    n = order.size
    return jobs_from_arrays(np.arange(n) * spacing, kind[order], np.ones(n, np.int64), np.full(n, np.inf),
                            *(c[order] for c in cols))


#: Columns :func:`alibaba_jobs` reads from a pods frame, and :func:`alibaba_cluster` from a nodes frame.
POD_COLUMNS = ("creation_time", "deletion_time", "qos", "cpu_milli", "memory_mib", "num_gpu", "gpu_milli")
NODE_COLUMNS = ("cpu_milli", "memory_mib", "gpu")


def _checked_frame(name, frame, columns) -> pl.DataFrame:
    """``frame`` if it is a non-empty polars DataFrame with ``columns``; else a ValueError naming ``name``."""
    if not isinstance(frame, pl.DataFrame):
        raise ValueError(f"{name} must be a polars DataFrame (as labcdn.datasets loads it); got {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{name} lacks column(s) {', '.join(missing)}; it has {', '.join(frame.columns) or 'none'}")
    if frame.height == 0:
        raise ValueError(f"{name} has no rows")
    return frame


def alibaba_cluster(nodes: pl.DataFrame | None = None) -> Cluster:
    """The trace's 1,523 nodes as a :class:`~labcdn.orchestration.nodes.Cluster`.

    Parameters
    ----------
    nodes : polars.DataFrame, optional
        :func:`labcdn.datasets.load_alibaba_nodes` output (loaded when omitted).

    Returns
    -------
    Cluster
    """
    nodes = load_alibaba_nodes() if nodes is None else _checked_frame("nodes", nodes, NODE_COLUMNS)
    return cluster(nodes["cpu_milli"].to_numpy(), nodes["memory_mib"].to_numpy(), nodes["gpu"].to_numpy())


class Replay(NamedTuple):
    """What :func:`replay` returns: one :class:`~labcdn.orchestration.scheduling.Simulation` per run,
    and tidy ``metrics`` and ``timeline`` frames with a ``run`` column naming each."""

    runs: dict
    metrics: pl.DataFrame
    timeline: pl.DataFrame


RUNS = (("monolithic", "least_allocated"), ("monolithic", "most_allocated"), ("two_level", "least_allocated"))


def replay(runs=RUNS, *, mode="snapshot", inflate=1.0, pods=None, nodes=None, sample_interval=None,
           spacing=1.0, t_job=DEFAULTS.t_job, t_task=DEFAULTS.t_task, max_pods=DEFAULTS.max_pods, seed=2023,
           **options) -> Replay:
    """Replay the Alibaba pods on the Alibaba nodes under each (design, strategy) run.

    Parameters
    ----------
    runs : sequence of (str, str)
        ``(design, strategy)`` pairs; the strategy only matters for the monolithic design.
    mode : {"snapshot", "arrival"}
        See the module docstring.
    inflate : float
        Snapshot only: GPUs asked for, as a multiple of the cluster's (1.0 to 5.0).
    pods, nodes : polars.DataFrame, optional
        The loaded trace (read from ``labcdn.datasets`` when omitted).
    sample_interval : float, optional
        Seconds between timeline samples (default: every 100 arrivals in a snapshot,
        6 hours on the recorded clock).
    spacing : float
        Snapshot only: seconds between arrivals.
    t_job, t_task : float
        Decision time per pod (each pod is a one-task job).
    max_pods : int
        Pods per node.
    seed : int
        Seed for the inflation draw.
    **options
        Passed to :func:`~labcdn.orchestration.scheduling.simulate`.

    Returns
    -------
    Replay
        ``metrics`` rows: ``run``, ``design``, ``strategy``, ``workload``, ``metric``, ``value``
        (as :meth:`Simulation.metrics`); ``timeline`` rows: ``run``, the
        :data:`~labcdn.orchestration.scheduling.TIMELINE_COLUMNS` and ``gpu_asked``
        (GPUs asked for by the pods arrived so far, over the cluster's).
    """
    if isinstance(runs, str) or not isinstance(runs, Sequence) or not runs:
        raise ValueError(f"runs={runs!r} must be a non-empty sequence of (design, strategy) pairs, e.g. {RUNS[:1]}")
    pairs = []
    for i, run in enumerate(runs):
        if isinstance(run, str) or not isinstance(run, Sequence) or len(run) != 2:
            raise ValueError(f"runs holds {run!r}; each run is a (design, strategy) pair, e.g. {RUNS[0]}")
        design, strategy = run
        pairs.append((check_choice(f"runs[{i}] design", design, DESIGNS),
                      check_choice(f"runs[{i}] strategy", strategy, STRATEGIES)))
    cl = alibaba_cluster(nodes)
    gpu_capacity = float(cl.gpus.sum())
    jobs = alibaba_jobs(pods, mode=mode, inflate=inflate, spacing=spacing, gpu_capacity=gpu_capacity or None,
                        seed=seed)
    if mode == "snapshot":
        horizon = float(jobs.arrival[-1]) + 600.0
        default_interval = 100 * spacing
    else:
        horizon = float(jobs.deadline.max())
        default_interval = 6 * 3600.0
    sample_interval = default_interval if sample_interval is None else check_range(
        "sample_interval", sample_interval, 0.0, None, low_open=True)
    asked = np.cumsum(gpu_request(jobs)) / max(gpu_capacity, 1.0)
    results, metrics, timelines = {}, [], []
    for design, strategy in pairs:
        name = design if design == "two_level" else f"{design}/{strategy}"
        sim: Simulation = simulate(design, jobs, cl, strategy=strategy, t_job=t_job, t_task=t_task,
                                   max_pods=max_pods, max_attempts=NEVER_ABANDON, horizon=horizon,
                                   sample_interval=sample_interval, **options)
        results[name] = sim
        m = sim.metrics().with_columns(pl.lit(name).alias("run"), pl.lit(strategy).alias("strategy"))
        metrics.append(m.select("run", "design", "strategy", "workload", "metric", "value"))
        arrived = np.searchsorted(jobs.arrival, sim.timeline["time"].to_numpy(), side="right")
        gpu_asked = np.where(arrived > 0, asked[np.maximum(arrived - 1, 0)], 0.0)
        timelines.append(sim.timeline.with_columns(pl.lit(name).alias("run"), pl.Series("gpu_asked", gpu_asked))
                         .select("run", *sim.timeline.columns, "gpu_asked"))
    return Replay(results, pl.concat(metrics), pl.concat(timelines))
