"""Monolithic (kube-scheduler) against two-level (Mesos + Marathon) on the same jobs and nodes.

:func:`simulate` runs one design on given :class:`~labcdn.orchestration.workload.Jobs`
and :class:`~labcdn.orchestration.nodes.Cluster`; :func:`omega` builds the Omega
example workload for a cell size first; :func:`size_sweep` grows the cell (and
its workload with it) to show where each design's schedulers saturate.

References
----------
.. [1] Schwarzkopf et al., "Omega: flexible, scalable schedulers for large compute
   clusters", EuroSys 2013.
.. [2] Kubernetes documentation: "Considerations for large clusters" (5,000 nodes,
   150,000 pods, 110 pods per node), "Scheduler Performance Tuning".
.. [3] Hindman et al., "Mesos", NSDI 2011 (50,000 emulated nodes).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import polars as pl

from labcdn._validation import check_choice, check_memory, check_range
from labcdn.orchestration.jobs import ABANDONED, DELETED, DONE, WAITING
from labcdn.orchestration.monolithic import _monolithic_kernel
from labcdn.orchestration.nodes import (
    LEAST_ALLOCATED,
    MOST_ALLOCATED,
    Cluster,
    gpu_table,
    num_feasible_nodes_to_find,
    uniform_cluster,
)
from labcdn.orchestration.two_level import _two_level_kernel
from labcdn.orchestration.workload import OMEGA, WORKLOADS, Jobs, omega_jobs

DESIGNS = ("monolithic", "two_level")
STRATEGIES = {"least_allocated": LEAST_ALLOCATED, "most_allocated": MOST_ALLOCATED}
STATES = {WAITING: "waiting", DONE: "placed", ABANDONED: "abandoned", DELETED: "deleted"}
TIMELINE_COLUMNS = ("time", "cpu_used", "mem_used", "gpu_used", "running_tasks", "pending_tasks",
                    "frag_cpu", "frag_gpu")


@dataclass(frozen=True)
class SchedulingDefaults:
    """Slider defaults for the scheduling study; published figures where there is one.

    Attributes
    ----------
    nodes : int
        1,000 nodes (a fast interactive default; the Omega cell is 10,000, :data:`OMEGA`).
    horizon : float
        One simulated hour for the sliders (the benchmark and summary use a day).
    load : float
        Multiplier on the Omega example's arrival rates.
    strategy : str
        ``least_allocated``: kube-scheduler's default ``NodeResourcesFit`` strategy.
    t_job, t_task : float
        0.1 s and 5 ms, Omega's production figures.
    service_t_job : float
        Service scheduler's per-job time; Omega sweeps it from 0.1 s to 100 s.
    percentage_of_nodes_to_score : int
        0: kube-scheduler's adaptive ``50 - nodes/125`` percent, at least 5 percent and 100 nodes.
    max_pods : int
        110, the kubelet's default ``maxPods`` and the documented per-node limit.
    max_attempts : int
        1,000 scheduling attempts before a job is abandoned (Omega simulator).
    allocation_interval : float
        1 s, Mesos ``--allocation_interval``.
    t_alloc : float
        1 ms per allocation round (Omega simulator's ``allocatorConstantThinkTime``).
    refuse_batch, refuse_marathon : float
        Offer filters: 5 s (Mesos ``Filters.refuse_seconds`` default) and 120 s
        (Marathon ``--decline_offer_duration``).
    sample_interval : float
        Seconds between timeline samples.
    seed : int
        Workload seed.
    """

    nodes: int = 1000
    horizon: float = 3600.0
    load: float = 1.0
    strategy: str = "least_allocated"
    t_job: float = OMEGA.t_job
    t_task: float = OMEGA.t_task
    service_t_job: float = OMEGA.t_job
    percentage_of_nodes_to_score: int = 0
    max_pods: int = 110
    max_attempts: int = 1000
    allocation_interval: float = 1.0
    t_alloc: float = 0.001
    refuse_batch: float = 5.0
    refuse_marathon: float = 120.0
    sample_interval: float = 300.0
    seed: int = 2013


DEFAULTS = SchedulingDefaults()


class Simulation(NamedTuple):
    """What :func:`simulate` returns.

    Attributes
    ----------
    design : str
    jobs : Jobs
        The input jobs (arrival order).
    cluster : Cluster
    horizon : float
    task_node : numpy.ndarray
        Node of each task (-1 if never placed); tasks of job ``j`` are consecutive.
    task_start, task_end : numpy.ndarray
        When each placed task started and ended (NaN if never placed; an end past the
        horizon was not reached).
    job_first, job_last : numpy.ndarray
        When a job's first and last task started (NaN if none).
    job_placed, job_attempts : numpy.ndarray
        Tasks placed and scheduling attempts per job.
    job_state : numpy.ndarray
        0 waiting at the horizon, 1 all placed, 2 abandoned, 3 deleted before placed.
    busy : dict
        Busy seconds per scheduler (``scheduler`` for monolithic; ``batch``,
        ``marathon`` and ``allocator`` for two-level).
    counters : dict
        ``decisions``, ``failed_attempts``, ``allocation_rounds``, ``agent_offers``.
    timeline : polars.DataFrame
        One row per sample: ``time``; the fractions of capacity bound to tasks
        ``cpu_used``, ``mem_used``, ``gpu_used``; ``running_tasks`` (bound to a node),
        ``pending_tasks`` (of arrived jobs, not yet bound); ``frag_cpu``, ``frag_gpu``
        (see :func:`~labcdn.orchestration.nodes.fragmentation`). In the two-level design
        a framework binds tasks when it decides and starts them when it replies, so
        these count a task from its decision.
    """

    design: str
    jobs: Jobs
    cluster: Cluster
    horizon: float
    task_node: np.ndarray
    task_start: np.ndarray
    task_end: np.ndarray
    job_first: np.ndarray
    job_last: np.ndarray
    job_placed: np.ndarray
    job_attempts: np.ndarray
    job_state: np.ndarray
    busy: dict
    counters: dict
    timeline: pl.DataFrame

    def busyness(self) -> pl.DataFrame:
        """Fraction of the horizon each scheduler spent deciding, one row per scheduler."""
        return pl.DataFrame({"design": self.design, "scheduler": list(self.busy),
                             "busyness": [v / self.horizon for v in self.busy.values()]})

    def job_table(self) -> pl.DataFrame:
        """One row per job: arrival, workload, tasks, placed, waits to first/all tasks, attempts, state."""
        j = self.jobs
        all_placed = self.job_placed == j.tasks
        return pl.DataFrame({
            "job": np.arange(j.size), "workload": np.asarray(WORKLOADS)[j.workload], "arrival": j.arrival,
            "tasks": j.tasks, "placed": self.job_placed,
            "wait_first": self.job_first - j.arrival,
            "wait_all": np.where(all_placed, self.job_last - j.arrival, np.nan),
            "attempts": self.job_attempts,
            "state": np.asarray([STATES[s] for s in range(4)])[self.job_state],
        }).with_columns(pl.col("wait_first", "wait_all").fill_nan(None))

    def metrics(self) -> pl.DataFrame:
        """Headline measures, tidy: ``design``, ``workload`` (batch, service, all), ``metric``, ``value``.

        Metrics: ``jobs``, ``tasks``, ``tasks_placed``, ``unschedulable_tasks`` (never placed:
        still waiting, abandoned or deleted first), ``wait_first_mean``/``_p90`` (jobs with a
        task placed), ``wait_all_mean``/``_p90`` (fully placed jobs), and for ``all`` the
        time-averaged ``cpu_used``, ``mem_used``, ``gpu_used``, ``frag_cpu``, ``frag_gpu``.
        """
        table = self.job_table()
        rows = []
        for name, part in (("batch", table.filter(pl.col("workload") == "batch")),
                           ("service", table.filter(pl.col("workload") == "service")), ("all", table)):
            first = part["wait_first"].drop_nulls()
            every = part["wait_all"].drop_nulls()
            values = {
                "jobs": part.height, "tasks": part["tasks"].sum(), "tasks_placed": part["placed"].sum(),
                "unschedulable_tasks": part["tasks"].sum() - part["placed"].sum(),
                "wait_first_mean": first.mean(), "wait_first_p90": first.quantile(0.9, "linear"),
                "wait_all_mean": every.mean(), "wait_all_p90": every.quantile(0.9, "linear"),
            }
            if name == "all" and self.timeline.height:
                for col in ("cpu_used", "mem_used", "gpu_used", "frag_cpu", "frag_gpu"):
                    values[col] = self.timeline[col].mean()
            rows += [{"design": self.design, "workload": name, "metric": k,
                      "value": None if v is None else float(v)} for k, v in values.items()]
        return pl.DataFrame(rows, schema={"design": pl.String, "workload": pl.String, "metric": pl.String,
                                          "value": pl.Float64})


def _shapes(jobs: Jobs, limit=16):
    """The most common task shapes of a workload, weighted by task count (fragmentation reference)."""
    keys = np.stack([jobs.cpu_milli, jobs.mem_mib, jobs.ngpu, jobs.gpu_milli], axis=1)
    if keys.shape[0] == 0:
        return tuple(np.zeros(1, np.int64) for _ in range(4)) + (np.zeros(1),)
    uniq, inverse = np.unique(keys, axis=0, return_inverse=True)
    weight = np.bincount(inverse.ravel(), weights=jobs.tasks, minlength=uniq.shape[0])
    top = np.argsort(-weight, kind="stable")[:limit]
    return (*(np.ascontiguousarray(uniq[top, c]) for c in range(4)), weight[top].astype(np.float64))


def simulate(design, jobs: Jobs, cluster: Cluster, *, strategy=DEFAULTS.strategy, t_job=DEFAULTS.t_job,
             t_task=DEFAULTS.t_task, service_t_job=None, percentage_of_nodes_to_score=0,
             max_pods=DEFAULTS.max_pods, max_attempts=DEFAULTS.max_attempts, horizon=None,
             sample_interval=DEFAULTS.sample_interval, allocation_interval=DEFAULTS.allocation_interval,
             t_alloc=DEFAULTS.t_alloc, refuse_batch=DEFAULTS.refuse_batch,
             refuse_marathon=DEFAULTS.refuse_marathon) -> Simulation:
    """Run one scheduler design over a workload on a cluster.

    Parameters
    ----------
    design : {"monolithic", "two_level"}
        kube-scheduler alone, or a Mesos master offering to a batch framework and Marathon.
    jobs : Jobs
        The workload (e.g. :func:`~labcdn.orchestration.workload.omega_jobs`).
    cluster : Cluster
        The nodes.
    strategy : {"least_allocated", "most_allocated"}
        kube-scheduler's scoring (monolithic only; frameworks place first-fit).
    t_job, t_task : float
        Decision time per job and per task, seconds (0 to 1000).
    service_t_job : float, optional
        Per-job time for service jobs (default ``t_job``).
    percentage_of_nodes_to_score : int
        kube-scheduler's ``percentageOfNodesToScore`` (0 adaptive, 1-100).
    max_pods : int
        Pods per node, 1 to 10,000.
    max_attempts : int
        Attempts before a job is abandoned, >= 1.
    horizon : float, optional
        Seconds simulated (default: the last arrival plus one second).
    sample_interval : float
        Seconds between timeline samples (> 0).
    allocation_interval, t_alloc : float
        Mesos allocation round period and the allocator's time per round (two-level).
    refuse_batch, refuse_marathon : float
        Seconds a declined agent stays filtered for each framework (two-level).

    Returns
    -------
    Simulation
    """
    check_choice("design", design, DESIGNS)
    check_choice("strategy", strategy, STRATEGIES)
    if not isinstance(jobs, Jobs):
        raise ValueError(f"jobs must be a Jobs (see omega_jobs, jobs_from_arrays); got {type(jobs).__name__}")
    if not isinstance(cluster, Cluster):
        raise ValueError(f"cluster must be a Cluster (see uniform_cluster, cluster); got {type(cluster).__name__}")
    t_job = check_range("t_job", t_job, 0.0, 1000.0)
    t_task = check_range("t_task", t_task, 0.0, 1000.0)
    service_t_job = t_job if service_t_job is None else check_range("service_t_job", service_t_job, 0.0, 1000.0)
    pct = check_range("percentage_of_nodes_to_score", percentage_of_nodes_to_score, 0, 100, integer=True)
    max_pods = check_range("max_pods", max_pods, 1, 10_000, integer=True)
    max_attempts = check_range("max_attempts", max_attempts, 1, None, integer=True)
    last = float(jobs.arrival[-1]) + 1.0 if jobs.size else 1.0
    horizon = last if horizon is None else check_range("horizon", horizon, 0.0, 1e9, low_open=True)
    sample_interval = check_range("sample_interval", sample_interval, 0.0, None, low_open=True)
    allocation_interval = check_range("allocation_interval", allocation_interval, 0.0, 3600.0, low_open=True)
    t_alloc = check_range("t_alloc", t_alloc, 0.0, 60.0)
    refuse = np.array([check_range("refuse_batch", refuse_batch, 0.0, 1e6),
                       check_range("refuse_marathon", refuse_marathon, 0.0, 1e6)])
    n_jobs = jobs.size
    task_off = np.zeros(n_jobs, dtype=np.int64)
    np.cumsum(jobs.tasks[:-1], out=task_off[1:])
    task_job = np.repeat(np.arange(n_jobs, dtype=np.int64), jobs.tasks)
    n_tasks = task_job.size
    out = dict(task_node=np.full(n_tasks, -1, np.int64), task_start=np.full(n_tasks, np.nan),
               task_end=np.full(n_tasks, np.nan), task_gpus=np.zeros(n_tasks, np.int64),
               job_first=np.full(n_jobs, np.nan), job_last=np.full(n_jobs, np.nan),
               job_placed=np.zeros(n_jobs, np.int64), job_attempts=np.zeros(n_jobs, np.int64),
               job_state=np.zeros(n_jobs, np.int64))
    busy = np.zeros(3)
    n_samples = int(np.floor(horizon / sample_interval)) + 1
    samples = np.zeros((n_samples, len(TIMELINE_COLUMNS)))
    counters = np.zeros(5, dtype=np.int64)
    t_jobs = np.array([t_job, service_t_job])
    t_tasks = np.array([t_task, t_task])
    shapes = _shapes(jobs)
    common = ((jobs.arrival, jobs.workload, jobs.tasks, jobs.duration, jobs.cpu_milli, jobs.mem_mib, jobs.ngpu,
               jobs.gpu_milli, jobs.deadline, task_off, task_job),
              (cluster.cpu_milli, cluster.mem_mib, gpu_table(cluster.gpus), max_pods), (t_jobs, t_tasks),
              tuple(out.values()))
    tail = (shapes, busy, samples, counters)
    if design == "monolithic":
        to_find = num_feasible_nodes_to_find(cluster.nodes, pct)
        _monolithic_kernel(*common, STRATEGIES[strategy], to_find, max_attempts, horizon, sample_interval, *tail)
        busy_named = {"scheduler": float(busy[0] + busy[1])}
    else:
        _two_level_kernel(*common, refuse, allocation_interval, t_alloc, max_attempts, horizon, sample_interval,
                          *tail)
        busy_named = {"batch": float(busy[0]), "marathon": float(busy[1]), "allocator": float(busy[2])}
    late = (out["job_state"] == WAITING) & (jobs.deadline <= horizon)
    out["job_state"][late] = DELETED  # deleted while waiting, whether or not the kernel noticed
    taken = int(counters[4])
    timeline = pl.DataFrame(samples[:taken], schema=list(TIMELINE_COLUMNS), orient="row")
    names = ("decisions", "failed_attempts", "allocation_rounds", "agent_offers")
    return Simulation(design, jobs, cluster, float(horizon), out["task_node"], out["task_start"],
                      out["task_end"], out["job_first"], out["job_last"], out["job_placed"],
                      out["job_attempts"], out["job_state"], busy_named,
                      {k: int(v) for k, v in zip(names, counters[:4], strict=True)}, timeline)


def omega(design, nodes=DEFAULTS.nodes, *, horizon=DEFAULTS.horizon, load=DEFAULTS.load, seed=DEFAULTS.seed,
          rng=None, **options) -> Simulation:
    """One design on the Omega example workload for a cell of ``nodes`` 4-CPU, 16 GB machines.

    Parameters
    ----------
    design : {"monolithic", "two_level"}
    nodes : int
        Cell size; arrival rates grow in proportion (see :func:`~labcdn.orchestration.workload.omega_jobs`).
    horizon : float
        Seconds simulated; jobs arrive throughout.
    load : float
        Multiplier on the arrival rates.
    seed : int, optional
    rng : numpy.random.Generator, optional
        Use instead of ``seed`` (pass ``seed=None``).
    **options
        Passed to :func:`simulate`.

    Returns
    -------
    Simulation
    """
    if rng is not None:
        seed = None
    check_memory(f"omega(nodes={nodes}, horizon={horizon}, load={load})", omega_bytes(nodes, horizon, load),
                 "lower nodes, horizon or load")
    jobs = omega_jobs(nodes, horizon, load=load, seed=seed, rng=rng)
    return simulate(design, jobs, uniform_cluster(nodes, OMEGA.node_cpu_milli, OMEGA.node_mem_mib),
                    horizon=horizon, **options)


#: Peak bytes per task, per job and per node of :func:`omega`, measured with tracemalloc on both designs
#: (62-71 per task, 80-120 per node at 2,000-50,000 nodes) and rounded up.
OMEGA_BYTES_PER_TASK = 100
OMEGA_BYTES_PER_JOB = 200
OMEGA_BYTES_PER_NODE = 150


def omega_bytes(nodes, horizon, load, workload=OMEGA) -> float:
    """Estimated peak memory of :func:`omega`, in bytes, from the workload's expected job and task counts.

    Parameters
    ----------
    nodes : int
    horizon : float
    load : float
    workload : OmegaWorkload

    Returns
    -------
    float
    """
    nodes = check_range("nodes", nodes, 1, 2_000_000, integer=True)
    horizon = check_range("horizon", horizon, 0.0, 10 * 86_400.0, low_open=True)
    load = check_range("load", load, 0.01, 1000.0)
    scale = load * nodes / workload.reference_nodes
    batch = horizon * scale / workload.batch_interarrival
    service = horizon * scale / workload.service_interarrival
    tasks = batch * (workload.batch_tasks + 1) + service * (workload.service_tasks + 1)  # counts rounded up
    return OMEGA_BYTES_PER_TASK * tasks + OMEGA_BYTES_PER_JOB * (batch + service) + OMEGA_BYTES_PER_NODE * nodes


SWEEP_SIZES = (100, 300, 1000, 3000, 10_000, 30_000, 100_000, 200_000, 300_000)


def size_sweep(sizes=SWEEP_SIZES, designs=DESIGNS, *, horizon=1800.0, load=DEFAULTS.load,
               nodes_to_score=100, seed=DEFAULTS.seed, progress=False, **options) -> pl.DataFrame:
    """Grow the Omega cell and its workload together; measure each design's schedulers.

    The workload scales with the cell, so a scheduler's busyness grows in proportion
    to the size until it reaches 1 and jobs queue without bound. For speed the
    monolithic scheduler here scores ``nodes_to_score`` nodes per pod
    (kube-scheduler's floor of 100 by default) instead of the adaptive 5-50 percent:
    at this load almost every node fits, so placement quality barely matters and the
    *modelled* decision time is ``t_job + t_task x tasks`` either way. (The sample is
    set as ``percentageOfNodesToScore``, kube's unit, so it is ``nodes_to_score``
    rounded up to a whole percent of the cell, and never below 100 nodes.)

    Parameters
    ----------
    sizes : sequence of int
        Cell sizes (nodes).
    designs : sequence of str
        Subset of :data:`DESIGNS`.
    horizon : float
        Seconds simulated at each size.
    load : float
        Arrival-rate multiplier.
    nodes_to_score : int
        About how many feasible nodes to score per pod (monolithic), >= 1.
    seed : int
        One workload seed for every size and design.
    progress : bool
        Show a tqdm bar on stderr.
    **options
        Passed to :func:`simulate`.

    Returns
    -------
    polars.DataFrame
        Tidy: ``nodes``, ``design``, ``scheduler``, ``busyness`` (measured, at most 1),
        ``demand`` (first-attempt decision time asked of that scheduler by the jobs that
        arrived, per second of horizon: it keeps growing past 1), ``wait_first_mean``,
        ``wait_all_mean``, ``jobs_waiting`` (at the horizon), one row per scheduler
        (the wait columns repeat the design's values for all jobs).
    """
    sizes = [check_range("sizes", s, 1, 2_000_000, integer=True) for s in sizes]
    for d in designs:
        check_choice("designs", d, DESIGNS)
    nodes_to_score = check_range("nodes_to_score", nodes_to_score, 1, None, integer=True)
    rows = []
    grid = [(s, d) for s in sizes for d in designs]
    if progress:
        from tqdm.auto import tqdm

        grid = tqdm(grid, desc="size sweep")
    for nodes, design in grid:
        pct = max(1, min(100, int(np.ceil(100 * nodes_to_score / nodes))))
        sim = omega(design, nodes, horizon=horizon, load=load, seed=seed,
                    percentage_of_nodes_to_score=pct if design == "monolithic" else 0, **options)
        table = sim.job_table()
        waiting = int((sim.job_state == WAITING).sum())
        t_job = options.get("t_job", DEFAULTS.t_job)
        service_t_job = options.get("service_t_job")
        t_jobs = (t_job, t_job if service_t_job is None else service_t_job)  # 0.0 is a value, not "unset"
        first = np.asarray(t_jobs)[sim.jobs.workload] + options.get("t_task", DEFAULTS.t_task) * sim.jobs.tasks
        demand = {"scheduler": first.sum(), "batch": first[sim.jobs.workload == 0].sum(),
                  "marathon": first[sim.jobs.workload == 1].sum(), "allocator": np.nan}
        for scheduler, seconds in sim.busy.items():
            rows.append({"nodes": nodes, "design": design, "scheduler": scheduler,
                         "busyness": seconds / sim.horizon, "demand": demand[scheduler] / sim.horizon,
                         "wait_first_mean": table["wait_first"].mean(), "wait_all_mean": table["wait_all"].mean(),
                         "jobs_waiting": waiting})
    return pl.DataFrame(rows, schema={"nodes": pl.Int64, "design": pl.String, "scheduler": pl.String,
                                      "busyness": pl.Float64, "demand": pl.Float64, "wait_first_mean": pl.Float64,
                                      "wait_all_mean": pl.Float64, "jobs_waiting": pl.Int64})


def saturation_size(sweep: pl.DataFrame) -> pl.DataFrame:
    """Where each scheduler's ``demand`` crosses 1, interpolated linearly in size between sweep points.

    Parameters
    ----------
    sweep : polars.DataFrame
        Output of :func:`size_sweep`.

    Returns
    -------
    polars.DataFrame
        ``design``, ``scheduler``, ``saturation_nodes`` (null where demand stays below 1,
        starts above it, or is not defined, as for the allocator).
    """
    rows = []
    for (design, scheduler), part in sweep.sort("nodes").group_by(["design", "scheduler"], maintain_order=True):
        x = part["nodes"].to_numpy().astype(float)
        y = part["demand"].to_numpy()
        hit = None
        for k in range(1, x.size):
            if y[k - 1] < 1.0 <= y[k]:
                hit = float(x[k - 1] + (1.0 - y[k - 1]) * (x[k] - x[k - 1]) / (y[k] - y[k - 1]))
                break
        rows.append({"design": design, "scheduler": scheduler, "saturation_nodes": hit})
    return pl.DataFrame(rows, schema={"design": pl.String, "scheduler": pl.String, "saturation_nodes": pl.Float64})


def expected_saturation(*, load=DEFAULTS.load, t_job=DEFAULTS.t_job, t_task=DEFAULTS.t_task, service_t_job=None,
                        workload=OMEGA) -> pl.DataFrame:
    """The cell size at which each scheduler's expected demand reaches 1 (no simulation).

    With Poisson arrivals at ``load x nodes / reference_nodes`` times the example's rates
    and ``ceil(Exponential)`` tasks per job (mean ``1 / (1 - exp(-1/mean))``), the decision
    time asked per second grows in proportion to the cell; it reaches 1 at
    ``reference_nodes / demand(reference_nodes)``.

    Parameters
    ----------
    load, t_job, t_task, service_t_job : float
        As in :func:`omega` and :func:`simulate`.
    workload : OmegaWorkload

    Returns
    -------
    polars.DataFrame
        ``design``, ``scheduler``, ``demand_at_reference`` (per second, at ``reference_nodes``),
        ``saturation_nodes``.
    """
    load = check_range("load", load, 0.01, 1000.0)
    service_t_job = t_job if service_t_job is None else service_t_job
    tasks = {k: 1.0 / (1.0 - np.exp(-1.0 / m)) for k, m in (("batch", workload.batch_tasks),
                                                              ("service", workload.service_tasks))}
    batch = load / workload.batch_interarrival * (t_job + t_task * tasks["batch"])
    service = load / workload.service_interarrival * (service_t_job + t_task * tasks["service"])
    rows = [("monolithic", "scheduler", batch + service), ("two_level", "batch", batch),
            ("two_level", "marathon", service)]
    return pl.DataFrame([{"design": d, "scheduler": s, "demand_at_reference": v,
                          "saturation_nodes": workload.reference_nodes / v} for d, s, v in rows])
