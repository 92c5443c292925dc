"""A cluster's nodes as arrays, and the per-node steps both scheduler designs share.

Resources are integers, as Kubernetes and the Alibaba trace count them: CPU in
millicores, memory in MiB, GPUs as whole devices each split into 1000
thousandths. A pod asks for ``cpu``, ``mem`` and either a share of one GPU
(``ngpu = 1``, ``gmilli < 1000``) or ``ngpu`` whole GPUs (``gmilli = 1000``).

The jitted helpers here are the only code that changes a node's free
resources: :func:`fits` (the filter), :func:`bind` and :func:`release`, plus
kube-scheduler's two ``NodeResourcesFit`` scores and the fragmentation
measure. Binding never lets a free amount go negative, so no node is ever
over-committed whichever scheduler calls it.

References
----------
.. [1] Kubernetes scheduler, ``NodeResourcesFit`` plugin: ``LeastAllocated`` and
   ``MostAllocated`` scoring strategies (kubernetes.io, "Resource Bin Packing").
.. [2] Q. Weng et al., "Beware of Fragmentation: Scheduling GPU-Sharing Workloads
   with Fragmentation Gradient Descent", USENIX ATC 2023 (GPU fragmentation).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from labcdn._jit import kernel
from labcdn._validation import check_array, check_range

GPU_MILLI = 1000  # one whole GPU
LEAST_ALLOCATED = 0
MOST_ALLOCATED = 1
MAX_NODE_SCORE = 100  # kube-scheduler's framework.MaxNodeScore


class Cluster(NamedTuple):
    """Node capacities: ``cpu_milli``, ``mem_mib``, ``gpus`` (int64 arrays of one length)."""

    cpu_milli: np.ndarray
    mem_mib: np.ndarray
    gpus: np.ndarray

    @property
    def nodes(self) -> int:
        return int(self.cpu_milli.size)


def cluster(cpu_milli, mem_mib, gpus=None) -> Cluster:
    """Validate node capacities into a :class:`Cluster`.

    Parameters
    ----------
    cpu_milli, mem_mib : array_like of int
        Per-node CPU (millicores) and memory (MiB).
    gpus : array_like of int, optional
        Per-node GPU count (default none), at most 64.

    Returns
    -------
    Cluster
    """
    cpu = check_array("cpu_milli", cpu_milli, dtype=np.int64, low=0, min_size=1)
    mem = check_array("mem_mib", mem_mib, dtype=np.int64, low=0, min_size=1)
    gpu = np.zeros(cpu.size, dtype=np.int64) if gpus is None else check_array(
        "gpus", gpus, dtype=np.int64, low=0, high=64, min_size=1)
    if not cpu.size == mem.size == gpu.size:
        raise ValueError(f"cpu_milli, mem_mib and gpus need one entry per node; got {cpu.size}, {mem.size}, {gpu.size}")
    # own writable copies: read-only arrays (e.g. from polars) would make numba compile the kernels again
    return Cluster(cpu.copy(), mem.copy(), gpu.copy())


def uniform_cluster(nodes, cpu_milli=4000, mem_mib=16384, gpus=0) -> Cluster:
    """``nodes`` identical nodes (default: the Omega simulator's example cell, 4 CPUs and 16 GB).

    Parameters
    ----------
    nodes : int
        Number of nodes, 1 to 2,000,000.
    cpu_milli, mem_mib, gpus : int
        Capacity of each node.

    Returns
    -------
    Cluster
    """
    nodes = check_range("nodes", nodes, 1, 2_000_000, integer=True)
    cpu_milli = check_range("cpu_milli", cpu_milli, 1, None, integer=True)
    mem_mib = check_range("mem_mib", mem_mib, 1, None, integer=True)
    gpus = check_range("gpus", gpus, 0, 64, integer=True)
    full = np.full
    return Cluster(full(nodes, cpu_milli, np.int64), full(nodes, mem_mib, np.int64), full(nodes, gpus, np.int64))


def gpu_table(gpus) -> np.ndarray:
    """Free thousandths per GPU slot, shape (nodes, max(1, max gpus)); -1 marks a slot with no GPU."""
    width = max(1, int(gpus.max()) if gpus.size else 1)
    table = np.full((gpus.size, width), -1, dtype=np.int64)
    for g in range(width):
        table[gpus > g, g] = GPU_MILLI
    return table


@kernel
def gpu_fits(gpu_free, n, ngpu, gmilli):
    """Whether node ``n`` has the GPU part of a request free."""
    if ngpu == 0:
        return True
    if gmilli < GPU_MILLI:
        for g in range(gpu_free.shape[1]):
            if gpu_free[n, g] >= gmilli:
                return True
        return False
    whole = 0
    for g in range(gpu_free.shape[1]):
        if gpu_free[n, g] == GPU_MILLI:
            whole += 1
    return whole >= ngpu


@kernel
def fits(free_cpu, free_mem, pods, max_pods, gpu_free, n, cpu, mem, ngpu, gmilli):
    """kube-scheduler's ``NodeResourcesFit`` filter (plus the pods-per-node limit)."""
    return (free_cpu[n] >= cpu and free_mem[n] >= mem and pods[n] < max_pods
            and gpu_fits(gpu_free, n, ngpu, gmilli))


@kernel
def bind(free_cpu, free_mem, pods, gpu_free, n, cpu, mem, ngpu, gmilli):
    """Take a request from node ``n`` (which must fit); return the bit mask of GPUs used.

    A GPU share goes to the fullest GPU that still holds it (best fit); whole GPUs
    are the lowest-numbered free ones.
    """
    free_cpu[n] -= cpu
    free_mem[n] -= mem
    pods[n] += 1
    mask = np.int64(0)
    if ngpu == 0:
        return mask
    if gmilli < GPU_MILLI:
        best = -1
        for g in range(gpu_free.shape[1]):
            if gpu_free[n, g] >= gmilli and (best < 0 or gpu_free[n, g] < gpu_free[n, best]):
                best = g
        gpu_free[n, best] -= gmilli
        return np.int64(1) << best
    taken = 0
    for g in range(gpu_free.shape[1]):
        if taken < ngpu and gpu_free[n, g] == GPU_MILLI:
            gpu_free[n, g] = 0
            mask |= np.int64(1) << g
            taken += 1
    return mask


@kernel
def release(free_cpu, free_mem, pods, gpu_free, n, cpu, mem, ngpu, gmilli, mask):
    """Give a bound request back to node ``n``."""
    free_cpu[n] += cpu
    free_mem[n] += mem
    pods[n] -= 1
    if ngpu == 0:
        return
    amount = gmilli if gmilli < GPU_MILLI else GPU_MILLI
    for g in range(gpu_free.shape[1]):
        if (mask >> g) & 1:
            gpu_free[n, g] += amount


@kernel
def score(strategy, cap_cpu, cap_mem, free_cpu, free_mem, n, cpu, mem):
    """``NodeResourcesFit`` score of placing (cpu, mem) on node ``n``, 0-100, integer as in kube.

    LeastAllocated scores ``(capacity - requested) * 100 / capacity`` per resource,
    MostAllocated ``requested * 100 / capacity`` (requested includes the pod); the
    node's score is the mean over CPU and memory (weights 1, 1), truncated.
    """
    total = 0
    for r in range(2):
        cap = cap_cpu[n] if r == 0 else cap_mem[n]
        if cap == 0:
            continue
        requested = cap - (free_cpu[n] if r == 0 else free_mem[n]) + (cpu if r == 0 else mem)
        if strategy == LEAST_ALLOCATED:
            total += (cap - requested) * MAX_NODE_SCORE // cap
        else:
            total += requested * MAX_NODE_SCORE // cap
    return total // 2


@kernel
def percent_floor(amount, cap, inv):
    """``amount * 100 // cap`` for ``0 <= amount <= cap``, by a float multiply corrected to the exact integer.

    ``inv`` is ``100 / cap`` (0 when ``cap`` is 0); integer division is the slowest step
    of scoring thousands of nodes per pod, so the scorer uses this instead.
    """
    if cap == 0:
        return 0
    q = np.int64(amount * inv)
    exact = amount * MAX_NODE_SCORE
    if (q + 1) * cap <= exact:
        q += 1
    elif q * cap > exact:
        q -= 1
    return q


@kernel
def fast_score(strategy, cap_cpu, cap_mem, inv_cpu, inv_mem, free_cpu, free_mem, n, cpu, mem):
    """:func:`score`, equal to it for every fitting request, using :func:`percent_floor`."""
    cc = cap_cpu[n]
    cm = cap_mem[n]
    req_cpu = cc - free_cpu[n] + cpu
    req_mem = cm - free_mem[n] + mem
    if strategy == LEAST_ALLOCATED:
        s = percent_floor(cc - req_cpu, cc, inv_cpu[n]) + percent_floor(cm - req_mem, cm, inv_mem[n])
    else:
        s = percent_floor(req_cpu, cc, inv_cpu[n]) + percent_floor(req_mem, cm, inv_mem[n])
    return s // 2


@kernel
def fragmentation(free_cpu, free_mem, pods, max_pods, gpu_free, s_cpu, s_mem, s_ngpu, s_gmilli, s_weight):
    """Fragmented share of the free CPU and of the free GPU, against a mix of pod shapes.

    For each shape (weight ``s_weight``), free CPU on a node is fragmented when the
    shape does not fit the node. Free GPU is measured against the GPU shapes only,
    following Weng et al.'s cases: all free GPU of a node the shape cannot use, and,
    where it fits, the free remainders of GPUs too small for it. Returns
    ``(frag_cpu, frag_gpu)`` as fractions of the free amounts (0 when nothing is free).
    """
    total_cpu = 0.0
    total_gpu = 0.0
    for n in range(free_cpu.size):
        total_cpu += free_cpu[n]
        for g in range(gpu_free.shape[1]):
            if gpu_free[n, g] > 0:
                total_gpu += gpu_free[n, g]
    w_all = 0.0
    w_gpu = 0.0
    for s in range(s_cpu.size):
        w_all += s_weight[s]
        if s_ngpu[s] > 0:
            w_gpu += s_weight[s]
    frag_cpu = 0.0
    frag_gpu = 0.0
    for s in range(s_cpu.size):
        stranded_cpu = 0.0
        stranded_gpu = 0.0
        need = s_gmilli[s] if s_gmilli[s] < GPU_MILLI else GPU_MILLI
        for n in range(free_cpu.size):
            ok = fits(free_cpu, free_mem, pods, max_pods, gpu_free, n, s_cpu[s], s_mem[s], s_ngpu[s], s_gmilli[s])
            if not ok:
                stranded_cpu += free_cpu[n]
            if s_ngpu[s] > 0:
                for g in range(gpu_free.shape[1]):
                    if gpu_free[n, g] > 0 and (not ok or gpu_free[n, g] < need):
                        stranded_gpu += gpu_free[n, g]
        if total_cpu > 0 and w_all > 0:
            frag_cpu += s_weight[s] / w_all * stranded_cpu / total_cpu
        if total_gpu > 0 and w_gpu > 0 and s_ngpu[s] > 0:
            frag_gpu += s_weight[s] / w_gpu * stranded_gpu / total_gpu
    return frag_cpu, frag_gpu


@kernel
def num_feasible_nodes_to_find(num_all_nodes, percentage):
    """kube-scheduler's ``numFeasibleNodesToFind``: how many feasible nodes to score.

    ``percentage`` 0 means adaptive: ``50 - nodes/125``, at least 5 percent; the result
    is at least 100 nodes (``minFeasibleNodesToFind``), or all nodes in a cluster
    smaller than that.
    """
    if num_all_nodes < 100 or percentage >= 100:
        return num_all_nodes
    if percentage <= 0:
        percentage = 50 - num_all_nodes // 125
        if percentage < 5:
            percentage = 5
    n = num_all_nodes * percentage // 100
    return 100 if n < 100 else n


@kernel
def gpu_amount(ngpu, gmilli):
    """Thousandths of GPU a request takes: its share, or 1000 per whole GPU."""
    if ngpu == 0:
        return 0
    return gmilli if gmilli < GPU_MILLI else ngpu * GPU_MILLI


@kernel
def fresh_state(cap_cpu, cap_mem, gpu_init):
    """An empty cluster: ``(free_cpu, free_mem, pods, gpu_free, capacity, used)``.

    ``capacity`` (float64) and ``used`` (int64) hold totals of CPU, memory and GPU
    thousandths, in that order.
    """
    free_cpu = cap_cpu.copy()
    free_mem = cap_mem.copy()
    pods = np.zeros(cap_cpu.size, dtype=np.int64)
    gpu_free = gpu_init.copy()
    capacity = np.zeros(3)
    for n in range(cap_cpu.size):
        capacity[0] += cap_cpu[n]
        capacity[1] += cap_mem[n]
        for g in range(gpu_free.shape[1]):
            if gpu_free[n, g] > 0:
                capacity[2] += gpu_free[n, g]
    return free_cpu, free_mem, pods, gpu_free, capacity, np.zeros(3, dtype=np.int64)


@kernel
def account(used, sign, cpu, mem, ngpu, gmilli):
    """Add (``sign`` 1) or take back (-1) a request in the running totals ``used``."""
    used[0] += sign * cpu
    used[1] += sign * mem
    used[2] += sign * gpu_amount(ngpu, gmilli)


@kernel
def record_sample(samples, si, t, used, capacity, running, pending, free_cpu, free_mem, pods, max_pods,
                  gpu_free, shapes):
    """Row ``si`` of the timeline: time, CPU/memory/GPU in use (fractions), running and pending tasks,
    CPU and GPU fragmentation (against ``shapes``: the arrays ``s_cpu, s_mem, s_ngpu, s_gmilli, s_weight``)."""
    s_cpu, s_mem, s_ngpu, s_gmilli, s_weight = shapes
    samples[si, 0] = t
    for r in range(3):
        samples[si, 1 + r] = used[r] / capacity[r] if capacity[r] > 0 else 0.0
    samples[si, 4] = running
    samples[si, 5] = pending
    frag_cpu, frag_gpu = fragmentation(free_cpu, free_mem, pods, max_pods, gpu_free, s_cpu, s_mem, s_ngpu,
                                       s_gmilli, s_weight)
    samples[si, 6] = frag_cpu
    samples[si, 7] = frag_gpu
