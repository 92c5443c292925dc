"""labcdn.serving.simulate against SimPy on the same closed network; the analytic recompute.

Network: the model of the post's first TLS step (32 CPUs of an E5-2697A v4,
16 fake-NUMA domains: CPU work, shared memory, one inactive-queue lock per
domain) with constant lock hold times, so that SimPy's capacity-1
``Resource`` (FCFS) is the same station. An event is one service completion
(CPU work, memory or lock); both sides simulate the same number.

- labcdn, timed: the whole ``simulate`` call (argument checks, drawing the
  exponentials from a numpy Generator in blocks, the numba kernel, the
  statistics), no warm-up.
- SimPy, timed: ``env.run`` of one process per CPU that yields a timeout for
  CPU work and a ``request``/timeout/release per station. Not timed: drawing
  the exponentials (pre-drawn into a list that the processes pop from) and
  building the environment. Both throughputs are checked against the exact
  solution (within 3%) before anything is timed.
- The analytic recompute: :func:`labcdn.serving.evaluate` at the chapter's
  defaults (build the network, solve it exactly, ceilings, bottleneck), warm;
  no peer.
"""

from __future__ import annotations

import dataclasses
import time

import numpy as np
import simpy
from _harness import Comparison, best_of

from labcdn.serving import DEFAULTS, STEPS, evaluate, simulate, solve, step_configs


def bench_network():
    cfg = step_configs()[[s.key for s in STEPS].index("tls")]
    return dataclasses.replace(evaluate(cfg).network, handoff_us=0.0)


def simpy_run(net, events, seed=0):
    """Simulate ``events`` service completions in SimPy; returns (seconds, pages per us)."""
    rng = np.random.default_rng(seed)
    draws = rng.standard_exponential(events + net.cpus + 8).tolist()
    draws.reverse()
    pop = draws.pop
    env = simpy.Environment()
    memory = simpy.Resource(env, capacity=1)
    locks = [simpy.Resource(env, capacity=1) for _ in range(net.domains)]
    count = [0, 0]  # events, pages
    stop = env.event()

    def station(resource, mean):
        with resource.request() as req:
            yield req
            yield env.timeout(mean * pop())
        count[0] += 1

    def cpu(c):
        lock = locks[c % net.domains]
        mem_us, lock_us = net.memory_us, net.lock_visits * net.lock_us
        while True:
            yield env.timeout(net.cpu_us * pop())
            count[0] += 1
            yield from station(memory, mem_us)
            yield from station(lock, lock_us)
            count[1] += 1
            if count[0] >= events and not stop.triggered:
                stop.succeed()

    for c in range(net.cpus):
        env.process(cpu(c))
    t0 = time.perf_counter()
    env.run(until=stop)
    return time.perf_counter() - t0, count[1] / env.now


def run(quick: bool = False) -> list[Comparison]:
    net = bench_network()
    events = 200_000 if quick else 2_000_000
    exact = solve(net).throughput
    ours = simulate(net, events, warmup=0, seed=1).throughput  # also compiles
    peer_s, theirs = simpy_run(net, events, seed=1)
    for name, x in (("labcdn", ours), ("simpy", theirs)):
        if abs(x / exact - 1) > 0.03:
            raise AssertionError(f"{name} throughput {x:.5f} pages/us is not within 3% of the exact {exact:.5f}")
    labcdn_s = best_of(lambda: simulate(net, events, warmup=0, seed=1), repeat=3 if quick else 5)
    if not quick:
        peer_s = min(peer_s, simpy_run(net, events, seed=2)[0])
    size = (f"{events:.0e} events; {events / labcdn_s / 1e6:.1f} vs {events / peer_s / 1e6:.2f} Mev/s")
    rows = [Comparison(f"serving DES, {net.cpus} CPUs {net.domains} domains", size, labcdn_s,
                       f"simpy {simpy.__version__}", peer_s)]
    cfg = DEFAULTS.config()
    evaluate(cfg)
    rows.append(Comparison("serving analytic recompute at defaults", "1 configuration",
                           best_of(lambda: evaluate(cfg), repeat=20, warmup=3), "none", None))
    return rows


if __name__ == "__main__":
    for cmp in run(quick=True):
        print(cmp.as_dict())
