"""labcdn.orchestration: a simulated day of the Omega workload, and the monolithic scheduler against SimPy.

- The headline: one simulated day (86,400 s) of the Omega simulator's example workload
  (batch every 10 s, 100 tasks of 100 s; service every 20 s, 10 tasks of 500 s; 1 CPU,
  2 GB per task) on a 10,000-node cell of 4-CPU, 16 GB machines, with kube-scheduler's
  adaptive node sampling (500 nodes scored per pod at this size). Timed: the whole
  :func:`labcdn.orchestration.omega` call (drawing the workload, the kernel, the
  timeline); no peer. Both designs; quick mode simulates one hour.
- Against SimPy: the same monolithic scheduler (FIFO queue, ``t_job + t_task x
  tasks`` of thinking, then filter-and-score over ``numFeasibleNodesToFind`` nodes
  from a rotating start, LeastAllocated) written as SimPy processes, on the same
  jobs and a 300-node cell for an hour. Both are checked to put every task on the
  same node before anything is timed. Timed: ``env.run`` (SimPy) and the
  :func:`simulate` call (labcdn); not timed: drawing the jobs.
- The widgets: the etcd/ZooKeeper/Lease failover Monte Carlo (20,000 trials each),
  the autoscaling day (both controllers) and the rolling-update comparison, warm;
  no peer (budget: about 100 ms for a slider).
"""

from __future__ import annotations

import numpy as np
import simpy
from _harness import Comparison, best_of

from labcdn.orchestration import autoscaling, failover, rolling
from labcdn.orchestration.nodes import num_feasible_nodes_to_find, uniform_cluster
from labcdn.orchestration.scheduling import omega, simulate
from labcdn.orchestration.workload import OMEGA, omega_jobs


def simpy_monolithic(jobs, nodes, cpu_cap, mem_cap, horizon, t_job=0.1, t_task=0.005):
    """kube-scheduler as SimPy processes; returns the node of every task (-1 if unplaced)."""
    env = simpy.Environment()
    free_cpu = [cpu_cap] * nodes
    free_mem = [mem_cap] * nodes
    pods = [0] * nodes
    to_find = int(num_feasible_nodes_to_find(nodes, 0))
    queue = simpy.Store(env)
    placed = [-1] * int(jobs.tasks.sum())
    offsets = np.concatenate([[0], np.cumsum(jobs.tasks)[:-1]]).tolist()
    state = {"start": 0}

    def score(n, cpu, mem):
        s = 0
        for cap, free, req in ((cpu_cap, free_cpu[n], cpu), (mem_cap, free_mem[n], mem)):
            s += (free - req) * 100 // cap
        return s // 2

    def run_task(n, cpu, mem, duration):
        yield env.timeout(duration)
        free_cpu[n] += cpu
        free_mem[n] += mem
        pods[n] -= 1

    def arrivals():
        for j in range(jobs.size):
            yield env.timeout(jobs.arrival[j] - env.now)
            yield queue.put(j)

    def scheduler():
        while True:
            j = yield queue.get()
            cpu, mem, k = int(jobs.cpu_milli[j]), int(jobs.mem_mib[j]), int(jobs.tasks[j])
            yield env.timeout(t_job + t_task * k)
            for r in range(k):
                found, best, best_s, processed, i = 0, -1, -1, 0, state["start"]
                while processed < nodes and found < to_find:
                    if free_cpu[i] >= cpu and free_mem[i] >= mem and pods[i] < 110:
                        found += 1
                        s = score(i, cpu, mem)
                        if s > best_s:
                            best, best_s = i, s
                    processed += 1
                    i = (i + 1) % nodes
                state["start"] = (state["start"] + processed) % nodes
                if best < 0:
                    raise RuntimeError("a task did not fit: pick an input where everything fits")
                free_cpu[best] -= cpu
                free_mem[best] -= mem
                pods[best] += 1
                placed[offsets[j] + r] = best
                env.process(run_task(best, cpu, mem, float(jobs.duration[j])))

    env.process(arrivals())
    env.process(scheduler())
    env.run(until=horizon)
    return np.asarray(placed)


def run(quick: bool = False) -> list[Comparison]:
    horizon = 3600.0 if quick else OMEGA.horizon
    rows = []
    for design in ("monolithic", "two_level"):
        label = f"10,000 nodes, {horizon / 3600:.0f} h, {omega_jobs(10_000, horizon, seed=2013).total_tasks} tasks"
        rows.append(Comparison(f"omega workload, {design}", label,
                               best_of(lambda d=design: omega(d, 10_000, horizon=horizon, sample_interval=600.0),
                                       1 if not quick else 3, 1), "(labcdn alone; target 10 s a day)", None))
    nodes, hour = 300, 3600.0
    jobs = omega_jobs(nodes, hour, seed=7)
    cl = uniform_cluster(nodes)
    ours = simulate("monolithic", jobs, cl, horizon=hour)
    theirs = simpy_monolithic(jobs, nodes, OMEGA.node_cpu_milli, OMEGA.node_mem_mib, hour)
    if not np.array_equal(ours.task_node, theirs):
        raise AssertionError("SimPy and labcdn placed tasks differently")
    repeat = 3 if quick else 5
    rows.append(Comparison("monolithic scheduler vs SimPy", f"{nodes} nodes, 1 h, {jobs.total_tasks} tasks",
                           best_of(lambda: simulate("monolithic", jobs, cl, horizon=hour), repeat, 1),
                           f"simpy {simpy.__version__}, same model", best_of(
                               lambda: simpy_monolithic(jobs, nodes, OMEGA.node_cpu_milli, OMEGA.node_mem_mib, hour),
                               1 if not quick else 2, 0)))
    rows.append(Comparison("failover Monte Carlo, 3 mechanisms", "20,000 trials each",
                           best_of(lambda: failover.failover(trials=20_000), repeat, 1), "(widget budget 100 ms)", None))
    rows.append(Comparison("autoscaling day, HPA and Marathon", "86,400 s",
                           best_of(autoscaling.compare, repeat, 1), "(widget budget 100 ms)", None))
    rows.append(Comparison("rolling update, both strategies", "10 replicas",
                           best_of(rolling.compare, repeat, 1), "(widget budget 100 ms)", None))
    return rows


if __name__ == "__main__":
    for row in run(quick=True):
        print(row.as_dict())
