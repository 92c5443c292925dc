"""labcdn.balancing.simulate against SimPy running the same model, in one process.

Input: 16 identical backends, Poisson arrivals at load 0.8, exponential
service (mean 10 ms), one balancer node, no failures -- the chapter's defaults
-- with 1e5 requests (quick: 2e4). One event is an arrival or a departure
(the health-check timers are pushed out of the run so both sides process the
same events: 2 per request).

- labcdn, timed: the whole ``simulate`` call (argument checks, output
  allocation, the kernel). Not timed: drawing the workload.
- SimPy, timed: building the environment and ``env.run()`` for the same model
  written the idiomatic SimPy way: one ``Resource(capacity=1)`` per backend
  (its FIFO queue), one process per request, the pick made at arrival with
  the same rule and the same random draws.

Before timing, each pair is checked to send every request to the same backend
and to finish it at the same time (to 1e-12 s). Also timed, labcdn alone: 1e6
requests (events per second at scale) and ``run(DEFAULTS)`` including the
workload draw (the widget budget, 100 ms).
"""

from __future__ import annotations

import math
import sys
import time
from dataclasses import replace

import numpy as np
from _harness import Comparison, best_of

from labcdn.balancing import DEFAULTS, HealthCheck, build_workload, simulate
from labcdn.balancing import run as run_study
from labcdn.hashing.keys import draw64

ALGORITHMS = ("round_robin", "least_connections", "power_of_d")
QUIET = HealthCheck(inter=86_400.0)


def _draw(seed, i):
    return int(draw64(np.uint64(seed), np.uint64(i)))


def simpy_model(w, algorithm):
    """The same model in SimPy; returns (backend, finish) lists."""
    import simpy

    env = simpy.Environment()
    nb, n = w.cluster.size, w.requests
    servers = [simpy.Resource(env, capacity=1) for _ in range(nb)]
    speed = w.cluster.speeds.tolist()
    work = w.work.tolist()
    arrival = w.arrival.tolist()
    ew = [int(x) * 16 for x in w.cluster.weights]
    total = sum(ew)
    active = [0] * nb
    state = {"rr": 0, "ctr": 0}
    backend, finish = [-1] * n, [math.nan] * n

    def pick():
        if algorithm == "power_of_d":  # HAProxy random(2), equal weights: a later draw wins ties
            best = None
            for _ in range(2):
                cand = (_draw(w.seed, state["ctr"]) % total) // ew[0]
                state["ctr"] += 1
                if best is None or active[cand] <= active[best]:
                    best = cand
            return best
        start = state["rr"]
        if algorithm == "round_robin":
            b = start
        else:  # least connections, equal weights, round robin among ties
            b = start
            for j in range(1, nb):
                x = (start + j) % nb
                if active[x] < active[b]:
                    b = x
        state["rr"] = (b + 1) % nb
        return b

    def serve(i, b):
        with servers[b].request() as req:
            yield req
            yield env.timeout(work[i] / speed[b])
        finish[i] = env.now
        active[b] -= 1

    def arrivals():
        for i in range(n):
            yield env.timeout(arrival[i] - env.now)
            b = pick()
            backend[i] = b
            active[b] += 1
            env.process(serve(i, b))

    env.process(arrivals())
    env.run()
    return backend, finish


def run(quick: bool = False) -> list[Comparison]:
    """Time labcdn and SimPy on the same model; see the module docstring."""
    import simpy

    n = 20_000 if quick else 100_000
    d = replace(DEFAULTS, requests=n, weights="equal")
    w = build_workload(d)
    rows = []
    for algorithm in ALGORITHMS:
        ours = simulate(w, algorithm, health=QUIET)
        backend, finish = simpy_model(w, algorithm)
        if not (np.array_equal(ours.backend, backend) and np.allclose(ours.finish, finish, rtol=0, atol=1e-12)):
            raise AssertionError(f"{algorithm}: SimPy and labcdn disagree")
        labcdn_s = best_of(lambda a=algorithm: simulate(w, a, health=QUIET), 5 if quick else 7, 1)
        peer_s = best_of(lambda a=algorithm: simpy_model(w, a), 1 if quick else 3, 0)
        rows.append(Comparison(name=f"simulate {algorithm}", size=f"{n:.0e} req, {ours.events} events",
                               labcdn_s=labcdn_s, peer=f"simpy {simpy.__version__}, same model", peer_s=peer_s))
    big = build_workload(replace(d, requests=200_000 if quick else 1_000_000))
    for algorithm in ("power_of_d", "least_connections"):
        events = simulate(big, algorithm, health=QUIET).events
        rows.append(Comparison(name=f"simulate {algorithm}", size=f"{big.requests:.0e} req, {events} events",
                               labcdn_s=best_of(lambda a=algorithm: simulate(big, a, health=QUIET), 3, 1),
                               peer="(labcdn alone)", peer_s=None))
    widget = replace(DEFAULTS, requests=100_000)
    rows.append(Comparison(name="run(DEFAULTS) incl. workload draw", size="1e+05 req, 16 backends",
                           labcdn_s=best_of(lambda: run_study(widget), 5, 1), peer="(widget budget 100 ms)",
                           peer_s=None))
    return rows


def cpu_events_per_second(requests=1_000_000, repeat=3):
    """Events per CPU second (process time, so a busy shared machine does not count against it)."""
    w = build_workload(replace(DEFAULTS, requests=requests, weights="equal"))
    out = {}
    for algorithm in ("round_robin", "least_connections", "power_of_d", "random", "central_queue"):
        events = simulate(w, algorithm, health=QUIET).events
        best = math.inf
        for _ in range(repeat):
            t0 = time.process_time()
            simulate(w, algorithm, health=QUIET)
            best = min(best, time.process_time() - t0)
        out[algorithm] = events / best
    return out


if __name__ == "__main__":
    for name, rate in cpu_events_per_second(200_000 if "--quick" in sys.argv else 1_000_000).items():
        print(f"{name:24s} {rate / 1e6:6.1f} M events per CPU second")
    for row in run(quick="--quick" in sys.argv):
        events = int(row.size.split(", ")[1].split()[0]) if "events" in row.size else None
        rate = f"{events / row.labcdn_s / 1e6:6.1f} M events/s" if events else ""
        peer = "" if row.peer_s is None else f"{row.peer} {row.peer_s * 1e3:9.1f} ms  ratio {row.ratio:6.1f}x"
        print(f"{row.name:36s} {row.size:28s} labcdn {row.labcdn_s * 1e3:8.2f} ms {rate}  {peer}")
