"""The two-level design: a Mesos master's DRF allocator offering resources to frameworks.

Framework 0 is a batch framework, framework 1 is Marathon (services). Every
``allocation_interval`` seconds, if a framework has queued jobs and holds no
offer, the allocator walks the agents (from a start that rotates each round)
and offers each agent's free resources to the wanting framework with the lowest
dominant share, counting resources already offered, skipping a framework that
has filtered the agent. Offered resources are locked: no other framework sees
them. After ``t_alloc`` the framework receives its offers and, for every job in
its queue, thinks ``t_job + t_task x tasks left`` and places tasks first-fit on
the offered agents. When it has thought about them all it launches the tasks,
declines the rest with a filter (``refuse`` seconds: 5 s, Mesos' default, for
the batch framework; 120 s, Marathon's ``decline_offer_duration``), and jobs with
tasks still unplaced wait for a later offer. A new job revives its framework
(clears its filters), as Marathon does with ``revive_offers_for_new_apps``.

This follows the Mesos model of the Omega simulator (offers held while the
framework decides) with Mesos' own per-agent DRF ordering and filters.

References
----------
.. [1] B. Hindman et al., "Mesos: A Platform for Fine-Grained Resource Sharing in
   the Data Center", NSDI 2011.
.. [2] Apache Mesos configuration: ``--allocation_interval`` (default 1 s); ``Filters``
   ``refuse_seconds`` (default 5 s). Marathon command-line flags:
   ``--decline_offer_duration`` (default 120 s), ``--revive_offers_for_new_apps``.
.. [3] github.com/google/cluster-scheduler-simulator, ``MesosSimulation.scala``
   (allocator think time 1 ms; offers locked until the framework replies).
"""

from __future__ import annotations

import numpy as np

from labcdn._events import empty, pop, push
from labcdn._jit import kernel
from labcdn.orchestration.jobs import DELETED, after_attempt, end_job, end_task, next_times, place_task
from labcdn.orchestration.nodes import GPU_MILLI, fits, fresh_state, gpu_amount, record_sample

FRAMEWORKS = 2
MIN_OFFER_CPU_MILLI = 10  # Mesos MIN_CPUS = 0.01
MIN_OFFER_MEM_MIB = 32  # Mesos MIN_MEM = 32 MB


@kernel
def _dominant_share(alloc, offered, capacity, f):
    share = 0.0
    for r in range(3):
        if capacity[r] > 0:
            s = (alloc[f, r] + offered[f, r]) / capacity[r]
            if s > share:
                share = s
    return share


@kernel(inline="always")
def _charge(alloc, f, sign, cpu, mem, ngpu, gmilli):
    """Add (``sign`` 1) or take back (-1) a task in framework ``f``'s allocation, as the DRF allocator counts it."""
    alloc[f, 0] += sign * cpu
    alloc[f, 1] += sign * mem
    alloc[f, 2] += sign * gpu_amount(ngpu, gmilli)


@kernel
def _make_offers(t, rotate, want, locked, filter_set, filter_until, revived, alloc, offered, capacity, offer_nodes,
                 offer_n, free_cpu, free_mem, gpu_free):
    """The allocator walks the agents from ``rotate`` and offers each unlocked one with resources free to the
    wanting framework of lowest dominant share that has not filtered it; offered agents are locked."""
    m = free_cpu.size
    for k in range(m):
        n = (rotate + k) % m
        if locked[n] >= 0 or (free_cpu[n] < MIN_OFFER_CPU_MILLI and free_mem[n] < MIN_OFFER_MEM_MIB):
            continue
        best = -1
        best_share = 0.0
        for f in range(FRAMEWORKS):
            if not want[f] or (filter_set[f, n] >= revived[f] and filter_until[f, n] > t):
                continue
            s = _dominant_share(alloc, offered, capacity, f)
            if best < 0 or s < best_share:
                best = f
                best_share = s
        if best < 0:
            continue
        locked[n] = best
        offer_nodes[best, offer_n[best]] = n
        offer_n[best] += 1
        offered[best, 0] += free_cpu[n]
        offered[best, 1] += free_mem[n]
        for g in range(gpu_free.shape[1]):
            if gpu_free[n, g] > 0:
                offered[best, 2] += gpu_free[n, g]


@kernel
def _offer_bounds(agents, free_cpu, free_mem, gpu_free):
    """Upper bounds on what any one offered agent has free: CPU, memory, the largest GPU share, whole GPUs.

    Free amounts only shrink while a framework places its jobs, so a job larger than these cannot fit.
    """
    top_cpu = 0
    top_mem = 0
    top_share = 0
    top_whole = 0
    for n in agents:
        top_cpu = max(top_cpu, free_cpu[n])
        top_mem = max(top_mem, free_mem[n])
        whole = 0
        for g in range(gpu_free.shape[1]):
            top_share = max(top_share, gpu_free[n, g])
            if gpu_free[n, g] == GPU_MILLI:
                whole += 1
        top_whole = max(top_whole, whole)
    return top_cpu, top_mem, top_share, top_whole


@kernel
def _decide(f, t0, agents, queue, qh, qn, t_job, t_task, max_attempts, jobs, records, state, alloc, launched,
            counters):
    """Framework ``f``, holding offers of ``agents`` from ``t0``, thinks about every job in its queue in turn
    and places tasks first-fit on the agents; jobs with tasks left wait for a later offer.

    Returns ``(seconds of thought, tasks placed into launched[:n], pending tasks resolved)``.
    """
    _, _, tasks, _, cpu, mem, ngpu, gmilli, deadline, task_off, _ = jobs
    task_node, _, _, task_gpus, _, _, job_placed, job_attempts, job_state = records
    free_cpu, free_mem, pods, max_pods, gpu_free, used = state
    qcap = queue.shape[1]
    top_cpu, top_mem, top_share, top_whole = _offer_bounds(agents, free_cpu, free_mem, gpu_free)
    think = 0.0
    nl = 0
    resolved = 0
    for _ in range(qn[f]):
        j = queue[f, qh[f]]
        qh[f] = (qh[f] + 1) % qcap
        qn[f] -= 1
        if deadline[j] <= t0:
            resolved += end_job(j, DELETED, job_state, tasks, job_placed)
            continue
        think += t_job[f] + t_task[f] * (tasks[j] - job_placed[j])
        job_attempts[j] += 1
        counters[0] += 1
        maybe = cpu[j] <= top_cpu and mem[j] <= top_mem
        if ngpu[j] > 0:
            maybe = maybe and (gmilli[j] <= top_share if gmilli[j] < GPU_MILLI else ngpu[j] <= top_whole)
        cursor = 0
        while maybe and job_placed[j] < tasks[j]:
            while cursor < agents.size and not fits(free_cpu, free_mem, pods, max_pods, gpu_free, agents[cursor],
                                                    cpu[j], mem[j], ngpu[j], gmilli[j]):
                cursor += 1
            if cursor == agents.size:
                break
            launched[nl] = place_task(j, agents[cursor], task_off, task_node, task_gpus, job_placed, free_cpu,
                                      free_mem, pods, gpu_free, used, cpu, mem, ngpu, gmilli)
            nl += 1
            _charge(alloc, f, 1, cpu[j], mem[j], ngpu[j], gmilli[j])
            resolved += 1
        dropped, waits = after_attempt(j, max_attempts, job_state, tasks, job_placed, job_attempts, counters)
        resolved += dropped
        if waits:
            queue[f, (qh[f] + qn[f]) % qcap] = j
            qn[f] += 1
    return think, nl, resolved


@kernel
def _launch(tasks, reply, task_job, duration, deadline, task_start, task_end, job_first, job_last, heap_t, heap_i,
            hn):
    """The framework replies at ``reply``: the tasks it placed start, each ending at its duration or its job's
    deadline; returns the completion heap's new size."""
    for i in tasks:
        j = task_job[i]
        task_start[i] = reply
        task_end[i] = min(reply + duration[j], max(deadline[j], reply))
        hn = push(heap_t, heap_i, hn, task_end[i], i)
        if np.isnan(job_first[j]):
            job_first[j] = reply
        job_last[j] = reply
    return hn


@kernel
def _next_tick(t, interval):
    return (np.floor(t / interval) + 1.0) * interval


@kernel
def _two_level_kernel(jobs, cluster, think, records, refuse, interval, t_alloc, max_attempts, horizon, sample_dt,
                      shapes, busy, samples, counters):
    """Run the Mesos allocator and the two frameworks over the jobs; fills ``records``, ``busy``, ``samples``
    and ``counters`` (see :func:`labcdn.orchestration.scheduling.simulate`, which packs the tuples)."""
    # One loop over five event kinds, kept whole: they share the loop-carried clock state (heap size, next
    # allocation round, rotation start, arrivals taken, pending tasks, sample index). The allocation round's
    # steps are helpers: _make_offers, _decide (a framework's first-fit over its queue) and _launch.
    arrival, workload, tasks, duration, cpu, mem, ngpu, gmilli, deadline, task_off, task_job = jobs
    cap_cpu, cap_mem, gpu_init, max_pods = cluster
    t_job, t_task = think
    task_node, task_start, task_end, task_gpus, job_first, job_last, job_placed, job_attempts, job_state = records
    n_jobs = arrival.size
    m = cap_cpu.size
    n_tasks_total = task_job.size
    free_cpu, free_mem, pods, gpu_free, capacity, used = fresh_state(cap_cpu, cap_mem, gpu_init)
    alloc = np.zeros((FRAMEWORKS, 3))
    offered = np.zeros((FRAMEWORKS, 3))
    heap_t, heap_i = empty(n_tasks_total)
    hn = 0
    qcap = max(1, n_jobs)
    queue = np.empty((FRAMEWORKS, qcap), dtype=np.int64)
    qh = np.zeros(FRAMEWORKS, dtype=np.int64)
    qn = np.zeros(FRAMEWORKS, dtype=np.int64)
    holding = np.zeros(FRAMEWORKS, dtype=np.bool_)
    reply_at = np.full(FRAMEWORKS, np.inf)
    offer_nodes = np.empty((FRAMEWORKS, m), dtype=np.int64)
    offer_n = np.zeros(FRAMEWORKS, dtype=np.int64)
    locked = np.full(m, -1, dtype=np.int64)
    filter_set = np.full((FRAMEWORKS, m), -np.inf)
    filter_until = np.full((FRAMEWORKS, m), -np.inf)
    revived = np.full(FRAMEWORKS, -np.inf)
    want = np.zeros(FRAMEWORKS, dtype=np.bool_)
    launched = np.empty(max(1, n_tasks_total), dtype=np.int64)
    state = (free_cpu, free_mem, pods, max_pods, gpu_free, used)  # as a framework's decision reads it
    next_cycle = np.inf
    rotate = 0
    ja = 0
    pending = 0
    n_samples = samples.shape[0]
    si = 0
    while True:
        ta, tc, tsm = next_times(arrival, ja, heap_t, hn, si, n_samples, sample_dt)
        tr = min(reply_at[0], reply_at[1])
        t = min(min(min(ta, tc), min(tr, tsm)), next_cycle)
        if t > horizon or t == np.inf:
            break
        if tc == t:  # a task completes
            i = heap_i[0]
            hn = pop(heap_t, heap_i, hn)
            j = end_task(i, task_job, task_node, task_gpus, free_cpu, free_mem, pods, gpu_free, used, cpu, mem, ngpu,
                         gmilli)
            _charge(alloc, workload[j], -1, cpu[j], mem[j], ngpu[j], gmilli[j])
        elif tr == t:  # a framework replies: launch was booked at decision time; decline the rest
            f = 0 if reply_at[0] == t else 1
            for k in range(offer_n[f]):
                n = offer_nodes[f, k]
                locked[n] = -1
                filter_set[f, n] = t
                filter_until[f, n] = t + refuse[f]
            offer_n[f] = 0
            offered[f, 0] = 0.0
            offered[f, 1] = 0.0
            offered[f, 2] = 0.0
            holding[f] = False
            reply_at[f] = np.inf
            if qn[f] > 0 and next_cycle == np.inf:
                next_cycle = _next_tick(t, interval)
        elif ta == t:  # a job arrives: queue it and revive its framework
            f = workload[ja]
            queue[f, (qh[f] + qn[f]) % qcap] = ja
            qn[f] += 1
            pending += tasks[ja]
            revived[f] = t
            ja += 1
            if not holding[f] and next_cycle == np.inf:
                next_cycle = _next_tick(t, interval)
        elif next_cycle == t:  # an allocation round
            any_want = False
            for f in range(FRAMEWORKS):
                want[f] = qn[f] > 0 and not holding[f]
                any_want = any_want or want[f]
            if not any_want:
                next_cycle = np.inf
                continue
            counters[2] += 1
            busy[2] += min(t_alloc, horizon - t)
            _make_offers(t, rotate, want, locked, filter_set, filter_until, revived, alloc, offered, capacity,
                         offer_nodes, offer_n, free_cpu, free_mem, gpu_free)
            rotate = (rotate + 1) % m
            for f in range(FRAMEWORKS):
                if not want[f] or offer_n[f] == 0:
                    continue
                counters[3] += offer_n[f]
                t0 = t + t_alloc
                think, nl, placed = _decide(f, t0, offer_nodes[f, :offer_n[f]], queue, qh, qn, t_job, t_task,
                                            max_attempts, jobs, records, state, alloc, launched, counters)
                pending -= placed
                reply = t0 + think
                busy[f] += max(0.0, min(think, horizon - t0))
                hn = _launch(launched[:nl], reply, task_job, duration, deadline, task_start, task_end, job_first,
                             job_last, heap_t, heap_i, hn)
                holding[f] = True
                reply_at[f] = reply
            still = False
            for f in range(FRAMEWORKS):
                still = still or (qn[f] > 0 and not holding[f])
            next_cycle = t + interval if still else np.inf
        else:
            record_sample(samples, si, t, used, capacity, hn, pending, free_cpu, free_mem, pods, max_pods,
                          gpu_free, shapes)
            si += 1
    counters[4] = si
