"""The job and task bookkeeping both scheduler kernels share.

A job's tasks are numbered ``task_off[j] .. task_off[j] + tasks[j] - 1`` and
placed in that order; ``job_placed[j]`` counts those placed so far and
``job_state[j]`` says whether the job still waits, got all its tasks
(``DONE``), ran out of attempts (``ABANDONED``) or passed its deadline
(``DELETED``). These helpers are the only code that moves a task onto a node
or off it and the only code that ends a job, in :mod:`~labcdn.orchestration.monolithic`
and :mod:`~labcdn.orchestration.two_level` alike; the kernels keep their own
queues and clocks.
"""

from __future__ import annotations

import numpy as np

from labcdn._jit import kernel
from labcdn.orchestration.nodes import account, bind, release

WAITING, DONE, ABANDONED, DELETED = 0, 1, 2, 3


@kernel(inline="always")
def next_times(arrival, ja, heap_t, hn, si, n_samples, sample_dt):
    """When job ``ja`` arrives, the next task completes and timeline sample ``si`` is due (inf: never)."""
    ta = arrival[ja] if ja < arrival.size else np.inf
    tc = heap_t[0] if hn > 0 else np.inf
    tsm = si * sample_dt if si < n_samples else np.inf
    return ta, tc, tsm


@kernel(inline="always")
def end_job(j, state, job_state, tasks, job_placed):
    """Job ``j`` leaves for good as ``state``; returns its tasks that will now never be placed."""
    job_state[j] = state
    return tasks[j] - job_placed[j]


@kernel(inline="always")
def place_task(j, n, task_off, task_node, task_gpus, job_placed, free_cpu, free_mem, pods, gpu_free, used, cpu,
               mem, ngpu, gmilli):
    """Bind job ``j``'s next task to node ``n`` (which must fit it) and count it in ``used``; returns the task."""
    i = task_off[j] + job_placed[j]
    task_gpus[i] = bind(free_cpu, free_mem, pods, gpu_free, n, cpu[j], mem[j], ngpu[j], gmilli[j])
    task_node[i] = n
    account(used, 1, cpu[j], mem[j], ngpu[j], gmilli[j])
    job_placed[j] += 1
    return i


@kernel(inline="always")
def end_task(i, task_job, task_node, task_gpus, free_cpu, free_mem, pods, gpu_free, used, cpu, mem, ngpu, gmilli):
    """Task ``i`` completes: give its resources back to its node and take it out of ``used``; returns its job."""
    j = task_job[i]
    release(free_cpu, free_mem, pods, gpu_free, task_node[i], cpu[j], mem[j], ngpu[j], gmilli[j], task_gpus[i])
    account(used, -1, cpu[j], mem[j], ngpu[j], gmilli[j])
    return j


@kernel(inline="always")
def after_attempt(j, max_attempts, job_state, tasks, job_placed, job_attempts, counters):
    """A scheduler has tried job ``j``: done if every task is placed, abandoned after ``max_attempts``.

    Counts a failed attempt in ``counters[1]``. Returns ``(tasks dropped, whether the job waits on)``.
    """
    if job_placed[j] == tasks[j]:
        job_state[j] = DONE
        return 0, False
    counters[1] += 1
    if job_attempts[j] >= max_attempts:
        return end_job(j, ABANDONED, job_state, tasks, job_placed), False
    return 0, True
