"""The monolithic design: one kube-scheduler placing every job's pods, one job at a time.

A single FIFO queue holds every job, batch and service alike. The scheduler
takes the job at its head and thinks for ``t_job + t_task x pods left``; then,
one pod at a time, it filters nodes (``NodeResourcesFit`` and the pods-per-node
limit) starting where its last search stopped, stops once it has found
``numFeasibleNodesToFind`` feasible nodes, scores them (LeastAllocated or
MostAllocated) and binds the pod to the best (the first found on a tie).
Pods that fit nowhere leave the job unschedulable; it waits until a pod
completes on a node where one of its pods would now fit (kube-scheduler's
queueing hints for ``NodeResourcesFit``) and then joins the queue again.

The kernel is a discrete-event loop over four kinds of event, taken in this
order when they coincide: a pod completes, the scheduler finishes a decision,
a job arrives, a timeline sample is due.

References
----------
.. [1] Kubernetes, "Scheduling Framework", "Scheduler Performance Tuning"
   (``percentageOfNodesToScore``) and "Resource Bin Packing" (kubernetes.io).
.. [2] Schwarzkopf et al., "Omega", EuroSys 2013 (the decision-time model).
"""

from __future__ import annotations

import numpy as np

from labcdn._events import empty, pop, push
from labcdn._jit import kernel
from labcdn.orchestration.jobs import (
    DELETED,
    WAITING,
    after_attempt,
    end_job,
    end_task,
    next_times,
    place_task,
)
from labcdn.orchestration.nodes import (
    LEAST_ALLOCATED,
    MAX_NODE_SCORE,
    fast_score,
    fits,
    fresh_state,
    record_sample,
)


@kernel
def select_node(free_cpu, free_mem, pods, max_pods, gpu_free, cap_cpu, cap_mem, inv_cpu, inv_mem, strategy,
                to_find, start, cpu, mem, ngpu, gmilli, bound):
    """kube-scheduler's filter-then-score for one pod; returns ``(node or -1, nodes processed)``.

    Nodes are filtered from ``start`` round the list until ``to_find`` feasible ones are
    found (or every node was tried); the best-scoring one wins, the first found on a tie.
    ``inv_cpu``/``inv_mem`` are ``100 / capacity`` per node (see :func:`fast_score`).
    ``bound`` is a score no node can beat: once a node reaches it the rest of the
    window is only filtered (to count it), not scored -- the same answer, sooner.
    """
    m = free_cpu.size
    found = 0
    best = -1
    best_score = -1
    processed = 0
    i = start
    while processed < m and found < to_find and best_score < bound:
        if fits(free_cpu, free_mem, pods, max_pods, gpu_free, i, cpu, mem, ngpu, gmilli):
            found += 1
            s = fast_score(strategy, cap_cpu, cap_mem, inv_cpu, inv_mem, free_cpu, free_mem, i, cpu, mem)
            if s > best_score:
                best = i
                best_score = s
        processed += 1
        i += 1
        if i == m:
            i = 0
    while processed < m and found < to_find:  # the winner is known: count the rest of the window
        hi = min(m, i + min(to_find - found, m - processed))
        found += count_fitting(free_cpu, free_mem, pods, max_pods, gpu_free, i, hi, cpu, mem, ngpu, gmilli)
        processed += hi - i
        i = 0 if hi == m else hi
    return best, processed


@kernel
def count_fitting(free_cpu, free_mem, pods, max_pods, gpu_free, lo, hi, cpu, mem, ngpu, gmilli):
    """How many of nodes ``lo .. hi-1`` pass the filter (branch-free for CPU/memory-only requests).

    Called on chunks no longer than the number of feasible nodes still wanted, so
    the window ends exactly at the last feasible node kube-scheduler would reach.
    """
    c = 0
    if ngpu == 0:
        for n in range(lo, hi):
            c += (free_cpu[n] >= cpu) & (free_mem[n] >= mem) & (pods[n] < max_pods)
        return c
    for n in range(lo, hi):
        if fits(free_cpu, free_mem, pods, max_pods, gpu_free, n, cpu, mem, ngpu, gmilli):
            c += 1
    return c


@kernel
def score_bound(strategy, top_cpu, top_mem, cpu, mem):
    """A score no node can beat for (cpu, mem): LeastAllocated on an empty node of the largest
    capacities (the score grows with capacity), or 100 for MostAllocated."""
    if strategy != LEAST_ALLOCATED:
        return MAX_NODE_SCORE
    total = 0
    if top_cpu > 0:
        total += max(0, top_cpu - cpu) * MAX_NODE_SCORE // top_cpu
    if top_mem > 0:
        total += max(0, top_mem - mem) * MAX_NODE_SCORE // top_mem
    return total // 2


@kernel
def _monolithic_kernel(jobs, cluster, think, records, strategy, to_find, max_attempts, horizon, sample_dt, shapes,
                       busy, samples, counters):
    """Run kube-scheduler over the jobs; fills ``records``, ``busy``, ``samples`` and ``counters`` (see
    :func:`labcdn.orchestration.scheduling.simulate`, which packs the tuples)."""
    # One loop over four event kinds, kept whole: the kinds share a dozen loop-carried scalars (heap size, queue
    # head and length, unschedulable count, current job and its finish, search start, pending tasks, sample
    # index) that a helper per kind would have to take and hand back; the per-node and per-job steps are
    # already helpers (select_node, and jobs.place_task / end_task / end_job / after_attempt).
    arrival, workload, tasks, duration, cpu, mem, ngpu, gmilli, deadline, task_off, task_job = jobs
    cap_cpu, cap_mem, gpu_init, max_pods = cluster
    t_job, t_task = think
    task_node, task_start, task_end, task_gpus, job_first, job_last, job_placed, job_attempts, job_state = records
    n_jobs = arrival.size
    m = cap_cpu.size
    free_cpu, free_mem, pods, gpu_free, capacity, used = fresh_state(cap_cpu, cap_mem, gpu_init)
    inv_cpu = np.zeros(m)
    inv_mem = np.zeros(m)
    for n in range(m):
        if cap_cpu[n] > 0:
            inv_cpu[n] = 100.0 / cap_cpu[n]
        if cap_mem[n] > 0:
            inv_mem[n] = 100.0 / cap_mem[n]
    top_cpu = cap_cpu.max()
    top_mem = cap_mem.max()
    heap_t, heap_i = empty(task_job.size)
    hn = 0
    queue = np.empty(max(1, n_jobs), dtype=np.int64)  # ring buffer; a job is queued at most once
    qh = 0
    qn = 0
    unsched = np.empty(max(1, n_jobs), dtype=np.int64)
    un = 0
    ja = 0
    current = -1
    busy_until = np.inf
    start = 0
    pending = 0
    n_samples = samples.shape[0]
    si = 0
    while True:
        ta, tc, tsm = next_times(arrival, ja, heap_t, hn, si, n_samples, sample_dt)
        ts = busy_until if current >= 0 else np.inf
        t = min(min(ta, tc), min(ts, tsm))
        if t > horizon or t == np.inf:
            break
        if tc == t:  # a pod completes: free its node, wake jobs that would now fit there
            i = heap_i[0]
            hn = pop(heap_t, heap_i, hn)
            n = task_node[i]
            end_task(i, task_job, task_node, task_gpus, free_cpu, free_mem, pods, gpu_free, used, cpu, mem, ngpu,
                     gmilli)
            kept = 0
            for k in range(un):  # in arrival order of their failures, kept stable
                w = unsched[k]
                if deadline[w] <= t:
                    pending -= end_job(w, DELETED, job_state, tasks, job_placed)
                elif fits(free_cpu, free_mem, pods, max_pods, gpu_free, n, cpu[w], mem[w], ngpu[w], gmilli[w]):
                    queue[(qh + qn) % n_jobs] = w
                    qn += 1
                else:
                    unsched[kept] = w
                    kept += 1
            un = kept
        elif ts == t:  # the scheduler has decided: bind the pods that fit
            j = current
            current = -1
            job_attempts[j] += 1
            counters[0] += 1
            if deadline[j] <= t:  # deleted while the scheduler was thinking
                pending -= end_job(j, DELETED, job_state, tasks, job_placed)
            bound = score_bound(strategy, top_cpu, top_mem, cpu[j], mem[j])
            while job_state[j] == WAITING and job_placed[j] < tasks[j]:
                n, processed = select_node(free_cpu, free_mem, pods, max_pods, gpu_free, cap_cpu, cap_mem,
                                           inv_cpu, inv_mem, strategy, to_find, start, cpu[j], mem[j],
                                           ngpu[j], gmilli[j], bound)
                start = (start + processed) % m
                if n < 0:
                    break
                if job_placed[j] == 0:
                    job_first[j] = t
                i = place_task(j, n, task_off, task_node, task_gpus, job_placed, free_cpu, free_mem, pods, gpu_free,
                               used, cpu, mem, ngpu, gmilli)
                task_start[i] = t
                task_end[i] = min(t + duration[j], deadline[j])
                hn = push(heap_t, heap_i, hn, task_end[i], i)
                job_last[j] = t
                pending -= 1
            if job_state[j] != DELETED:
                dropped, waits = after_attempt(j, max_attempts, job_state, tasks, job_placed, job_attempts, counters)
                pending -= dropped
                if waits:
                    unsched[un] = j
                    un += 1
        elif ta == t:
            queue[(qh + qn) % n_jobs] = ja
            qn += 1
            pending += tasks[ja]
            ja += 1
        else:
            kept = 0
            for k in range(un):  # deletions of unschedulable jobs, noticed at sample times
                w = unsched[k]
                if deadline[w] <= t:
                    pending -= end_job(w, DELETED, job_state, tasks, job_placed)
                else:
                    unsched[kept] = w
                    kept += 1
            un = kept
            record_sample(samples, si, t, used, capacity, hn, pending, free_cpu, free_mem, pods, max_pods,
                          gpu_free, shapes)
            si += 1
        while current < 0 and qn > 0:  # idle: start on the next live job
            j = queue[qh]
            qh = (qh + 1) % n_jobs
            qn -= 1
            if deadline[j] <= t:
                pending -= end_job(j, DELETED, job_state, tasks, job_placed)
                continue
            current = j
            d = t_job[workload[j]] + t_task[workload[j]] * (tasks[j] - job_placed[j])
            busy_until = t + d
            busy[workload[j]] += min(d, horizon - t)
    counters[4] = si
