"""Jobs to schedule: the Omega simulator's synthetic workload, as arrays.

A job is ``tasks`` identical tasks (pods) that arrive together and each run for
``duration`` seconds once placed (but never past ``deadline``, the moment the
job is deleted; infinite for synthetic jobs). ``workload`` 0 is batch, 1 is
service; the monolithic scheduler serves both, the two-level design gives
batch to a batch framework and service to Marathon.

The default workload is the example the Omega authors published with their
simulator: a 10,000-machine cell of 4-CPU, 16 GB machines; batch jobs every
10 s on average with 100 tasks of 100 s; service jobs every 20 s with 10 tasks
of 500 s; every task 1 CPU and 2 GB; interarrival times, task counts (rounded
up) and durations exponential. Scheduler decision time is
``t_job + t_task x tasks`` with the paper's production figures 0.1 s and 5 ms.

References
----------
.. [1] M. Schwarzkopf, A. Konwinski, M. Abd-El-Malek, J. Wilkes, "Omega: flexible,
   scalable schedulers for large compute clusters", EuroSys 2013, section 4.
.. [2] github.com/google/cluster-scheduler-simulator, ``Workloads.scala``
   (``exampleCellStateDesc``, ``exampleWorkloadGeneratorBatch``/``Service``) and
   ``Simulation.scala`` (C = 0.1 s, L = 0.005 s, one simulated day).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from labcdn._validation import check_array, check_memory, check_range, rng_from

BATCH = 0
SERVICE = 1
WORKLOADS = ("batch", "service")
#: Bytes per job while :func:`omega_jobs` draws and merges (nine 8-byte columns, and copies as they merge).
JOB_BYTES = 200


@dataclass(frozen=True)
class OmegaWorkload:
    """The Omega simulator's example cell and workload (see the module docstring).

    Attributes
    ----------
    reference_nodes : int
        Machines in the example cell: 10,000. Arrival rates scale with
        ``nodes / reference_nodes`` so a larger cell gets proportionally more jobs.
    node_cpu_milli, node_mem_mib : int
        4 CPUs, 16 GB per machine.
    batch_interarrival, service_interarrival : float
        Mean seconds between jobs at the reference size: 10 and 20.
    batch_tasks, service_tasks : float
        Mean tasks per job: 100 and 10.
    batch_duration, service_duration : float
        Mean task duration, seconds: 100 and 500.
    task_cpu_milli, task_mem_mib : int
        Per task: 1 CPU, 2 GB.
    t_job, t_task : float
        Decision time per job and per task: 0.1 s and 5 ms (Omega, section 4).
    horizon : float
        One simulated day, 86,400 s, as in the simulator's experiments.
    """

    reference_nodes: int = 10_000
    node_cpu_milli: int = 4000
    node_mem_mib: int = 16 * 1024
    batch_interarrival: float = 10.0
    service_interarrival: float = 20.0
    batch_tasks: float = 100.0
    service_tasks: float = 10.0
    batch_duration: float = 100.0
    service_duration: float = 500.0
    task_cpu_milli: int = 1000
    task_mem_mib: int = 2 * 1024
    t_job: float = 0.1
    t_task: float = 0.005
    horizon: float = 86_400.0


OMEGA = OmegaWorkload()


class Jobs(NamedTuple):
    """Jobs sorted by arrival; every field is an array with one entry per job.

    ``arrival``, ``duration``, ``deadline`` are float64 seconds; ``workload``
    (0 batch, 1 service), ``tasks``, ``cpu_milli``, ``mem_mib``, ``ngpu``,
    ``gpu_milli`` are int64.
    """

    arrival: np.ndarray
    workload: np.ndarray
    tasks: np.ndarray
    duration: np.ndarray
    cpu_milli: np.ndarray
    mem_mib: np.ndarray
    ngpu: np.ndarray
    gpu_milli: np.ndarray
    deadline: np.ndarray

    @property
    def size(self) -> int:
        return int(self.arrival.size)

    @property
    def total_tasks(self) -> int:
        return int(self.tasks.sum())


def jobs_from_arrays(arrival, workload, tasks, duration, cpu_milli, mem_mib, ngpu=None, gpu_milli=None,
                     deadline=None) -> Jobs:
    """Validate job arrays into :class:`Jobs` (sorted by arrival, stably).

    Parameters
    ----------
    arrival, duration : array_like of float
        Arrival time and task duration, seconds (>= 0; a duration may be inf).
    workload : array_like of int
        0 batch, 1 service.
    tasks, cpu_milli, mem_mib : array_like of int
        Tasks per job (>= 1) and the per-task request.
    ngpu, gpu_milli : array_like of int, optional
        GPUs per task and thousandths per GPU (default none). A share of one GPU is
        ``ngpu = 1, gpu_milli < 1000``; whole GPUs have ``gpu_milli = 1000``.
    deadline : array_like of float, optional
        When each job is deleted, placed or not (default never).

    Returns
    -------
    Jobs
    """
    arrival = check_array("arrival", arrival, dtype=np.float64, low=0.0)
    n = arrival.size
    as_int = {"workload": (workload, 0, 1), "tasks": (tasks, 1, None), "cpu_milli": (cpu_milli, 0, None),
              "mem_mib": (mem_mib, 0, None), "ngpu": (np.zeros(n) if ngpu is None else ngpu, 0, 64),
              "gpu_milli": (np.zeros(n) if gpu_milli is None else gpu_milli, 0, 1000)}
    cols = {k: check_array(k, v, dtype=np.int64, low=lo, high=hi) for k, (v, lo, hi) in as_int.items()}
    duration = np.ascontiguousarray(duration, dtype=np.float64)
    if duration.ndim != 1 or np.isnan(duration).any() or (duration < 0).any():
        raise ValueError("duration must be a 1-d array of numbers >= 0 (inf: runs until deleted)")
    deadline = np.full(n, np.inf) if deadline is None else np.asarray(deadline, dtype=np.float64)
    for name, arr in (*cols.items(), ("duration", duration), ("deadline", deadline)):
        if arr.shape != (n,):
            raise ValueError(f"{name} has shape {arr.shape}; expected ({n},) like arrival")
    if np.isnan(deadline).any() or (deadline < arrival).any():
        raise ValueError("deadline must be a number >= arrival for every job")
    bad = (cols["ngpu"] > 1) & (cols["gpu_milli"] < 1000)
    if bad.any():
        raise ValueError(f"job {int(np.argmax(bad))}: a GPU share (gpu_milli < 1000) must ask for ngpu = 1")
    bad = (cols["ngpu"] > 0) & (cols["gpu_milli"] == 0)
    if bad.any():
        raise ValueError(f"job {int(np.argmax(bad))}: ngpu > 0 needs gpu_milli in [1, 1000]")
    order = np.argsort(arrival, kind="stable")
    return Jobs(arrival[order], cols["workload"][order], cols["tasks"][order], duration[order],
                cols["cpu_milli"][order], cols["mem_mib"][order], cols["ngpu"][order],
                cols["gpu_milli"][order], deadline[order])


def omega_jobs(nodes=OMEGA.reference_nodes, horizon=OMEGA.horizon, *, load=1.0, workload=OMEGA,
               seed=None, rng=None) -> Jobs:
    """The Omega example workload for a cell of ``nodes`` machines.

    Parameters
    ----------
    nodes : int
        Cell size; arrival rates are ``load x nodes / workload.reference_nodes`` times
        the example's.
    horizon : float
        Jobs arrive in ``[0, horizon)`` seconds.
    load : float
        Multiplier on both arrival rates (0.01 to 1000).
    workload : OmegaWorkload
        The parameters (default :data:`OMEGA`).
    seed : int, optional
    rng : numpy.random.Generator, optional

    Returns
    -------
    Jobs
        Batch and service jobs merged in arrival order.
    """
    nodes = check_range("nodes", nodes, 1, 2_000_000, integer=True)
    horizon = check_range("horizon", horizon, 0.0, 10 * 86_400.0, low_open=True)
    load = check_range("load", load, 0.01, 1000.0)
    rng = rng_from(seed, rng)
    scale = load * nodes / workload.reference_nodes
    expected_jobs = horizon * scale * (1 / workload.batch_interarrival + 1 / workload.service_interarrival)
    check_memory(f"omega_jobs(nodes={nodes}, horizon={horizon}, load={load})", JOB_BYTES * expected_jobs,
                 "lower nodes, horizon or load")
    parts = []
    for kind, gap, tasks, duration in ((BATCH, workload.batch_interarrival, workload.batch_tasks,
                                        workload.batch_duration),
                                       (SERVICE, workload.service_interarrival, workload.service_tasks,
                                        workload.service_duration)):
        mean_gap = gap / scale
        expected = horizon / mean_gap
        count = int(expected + 10 * math.sqrt(expected) + 20)
        times = np.cumsum(rng.exponential(mean_gap, size=count))
        while times[-1] < horizon:  # never taken in practice; keeps the draw exact if it is
            times = np.concatenate([times, times[-1] + np.cumsum(rng.exponential(mean_gap, size=count))])
        times = times[times < horizon]
        k = times.size
        n_tasks = np.maximum(1, np.ceil(rng.exponential(tasks, size=k))).astype(np.int64)
        dur = rng.exponential(duration, size=k)
        parts.append((times, np.full(k, kind, np.int64), n_tasks, dur))
    arrival = np.concatenate([p[0] for p in parts])
    n = arrival.size
    return jobs_from_arrays(arrival, np.concatenate([p[1] for p in parts]), np.concatenate([p[2] for p in parts]),
                            np.concatenate([p[3] for p in parts]), np.full(n, workload.task_cpu_milli),
                            np.full(n, workload.task_mem_mib))
