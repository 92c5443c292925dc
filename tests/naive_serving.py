"""Slow, obvious references for labcdn.serving (plain Python: loops, dicts, lists).

- :func:`machine_repairman`: the closed form of N machines and one repairman.
- :func:`mva_single_class`: Reiser and Lavenberg's exact MVA, one class.
- :func:`mva_multiclass`: exact multi-class MVA over every population vector.
- :func:`ctmc`: the network's Markov chain built state by state (FCFS order
  kept in every shared queue) and solved numerically; assumes no product form.
- :func:`simulate_naive`: the discrete-event simulation with lists and a
  linear search for the next event, consuming random draws exactly as the
  numba kernel does.
"""

from __future__ import annotations

import itertools
import math

import numpy as np

from labcdn.serving.simulation import _BLOCK


def machine_repairman(n, think, service):
    """Throughput and mean number at the repairman: N machines, think time Z, one repairman S.

    p0 = 1 / sum_k N!/(N-k)! (S/Z)^k; X = (1 - p0) / S; Q = N - X Z.
    """
    r = service / think
    terms = [math.factorial(n) / math.factorial(n - k) * r**k for k in range(n + 1)]
    p0 = 1.0 / sum(terms)
    x = (1.0 - p0) / service
    return x, n - x * think


def mva_single_class(n, think, demands):
    """Exact single-class MVA: think time plus single-server queues of given demands."""
    q = [0.0] * len(demands)
    x = 0.0
    for pop in range(1, n + 1):
        r = [d * (1.0 + qi) for d, qi in zip(demands, q, strict=True)]
        x = pop / (think + sum(r))
        q = [x * ri for ri in r]
    return x, q


def mva_multiclass(sizes, think, memory, lock, glob):
    """Exact multi-class MVA (constant rates): shared memory and global lock, one lock per class.

    Returns per-class throughput, memory queue, per-class lock queue, global queue.
    """
    d = len(sizes)
    memo = {}
    for pop in itertools.product(*[range(n + 1) for n in sizes]):
        if sum(pop) == 0:
            memo[pop] = ([0.0] * d, 0.0, [0.0] * d, 0.0)
            continue
        x = [0.0] * d
        q_mem_c, q_glob_c, q_lock = [0.0] * d, [0.0] * d, [0.0] * d
        for c in range(d):
            if pop[c] == 0:
                continue
            prev = list(pop)
            prev[c] -= 1
            _, qm, ql, qg = memo[tuple(prev)]
            r_mem = memory * (1.0 + qm)
            r_lock = lock * (1.0 + ql[c])
            r_glob = glob * (1.0 + qg)
            x[c] = pop[c] / (think + r_mem + r_lock + r_glob)
            q_mem_c[c] = x[c] * r_mem
            q_lock[c] = x[c] * r_lock
            q_glob_c[c] = x[c] * r_glob
        memo[pop] = (x, sum(q_mem_c), q_lock, sum(q_glob_c))
    return memo[tuple(sizes)]


def hold_demand(visits, hold, handoff, k):
    """Lock demand per page with ``k`` CPUs at the lock: each spinner beyond the holder adds ``handoff``.

    Written out here rather than taken from ``ClosedNetwork.lock_demands`` so that
    the references check the hand-over model too.
    """
    return visits * (hold + handoff * max(k - 1.0, 0.0))


def ctmc(network):
    """Solve the network's continuous-time Markov chain by brute force (tiny networks only).

    Returns ``(throughput per class, mean number at memory, per-class lock,
    global lock, utilisation of memory, per-class lock, global lock)``.
    """
    sizes = [int(s) for s in network.class_sizes()]
    d = len(sizes)
    route = ["delay"]
    if network.has_memory:
        route.append("memory")
    if network.has_lock:
        route.append("lock")
    if network.has_global_lock:
        route.append("glob")
    lock_dem = [hold_demand(network.lock_visits, network.lock_us, network.handoff_us, k)
                for k in range(network.cpus + 1)]
    glob_dem = [hold_demand(network.global_lock_visits, network.global_lock_us, network.handoff_us, k)
                for k in range(network.cpus + 1)]

    def arrive(state, cls, station):
        delay, mem, locks, glob = state
        if station == "delay":
            delay = delay[:cls] + (delay[cls] + 1,) + delay[cls + 1:]
        elif station == "memory":
            mem = mem + (cls,)
        elif station == "lock":
            locks = locks[:cls] + (locks[cls] + 1,) + locks[cls + 1:]
        else:
            glob = glob + (cls,)
        return (delay, mem, locks, glob)

    def after(station):
        return route[(route.index(station) + 1) % len(route)]

    def moves(state):
        delay, mem, locks, glob = state
        out = []  # (rate, new state, class completing a cycle or -1)
        for c in range(d):
            if delay[c]:
                s = (delay[:c] + (delay[c] - 1,) + delay[c + 1:], mem, locks, glob)
                out.append((delay[c] / network.cpu_us, arrive(s, c, after("delay")), -1))
        if mem:
            c = mem[0]
            s = (delay, mem[1:], locks, glob)
            nxt = after("memory")
            out.append((1.0 / network.memory_us, arrive(s, c, nxt), c if nxt == "delay" else -1))
        for c in range(d):
            if locks[c]:
                s = (delay, mem, locks[:c] + (locks[c] - 1,) + locks[c + 1:], glob)
                nxt = after("lock")
                out.append((1.0 / lock_dem[locks[c]], arrive(s, c, nxt), c if nxt == "delay" else -1))
        if glob:
            c = glob[0]
            s = (delay, mem, locks, glob[1:])
            out.append((1.0 / glob_dem[len(glob)], arrive(s, c, "delay"), c))
        return out

    start = (tuple(sizes), (), (0,) * d, ())
    index = {start: 0}
    frontier = [start]
    edges = []
    while frontier:
        state = frontier.pop()
        for rate, new, done in moves(state):
            if new not in index:
                index[new] = len(index)
                frontier.append(new)
            edges.append((index[state], index[new], rate, done))
    n = len(index)
    gen = np.zeros((n, n))
    for i, j, rate, _ in edges:
        gen[i, j] += rate
        gen[i, i] -= rate
    a = np.vstack([gen.T, np.ones(n)])
    b = np.zeros(n + 1)
    b[-1] = 1.0
    pi = np.linalg.lstsq(a, b, rcond=None)[0]
    x = [0.0] * d
    for i, _, rate, done in edges:
        if done >= 0:
            x[done] += pi[i] * rate
    states = sorted(index, key=index.get)
    q_mem = sum(pi[i] * len(s[1]) for i, s in enumerate(states))
    q_lock = [sum(pi[i] * s[2][c] for i, s in enumerate(states)) for c in range(d)]
    q_glob = sum(pi[i] * len(s[3]) for i, s in enumerate(states))
    u_mem = sum(pi[i] for i, s in enumerate(states) if s[1])
    u_lock = [sum(pi[i] for i, s in enumerate(states) if s[2][c]) for c in range(d)]
    u_glob = sum(pi[i] for i, s in enumerate(states) if s[3])
    return x, q_mem, q_lock, q_glob, u_mem, u_lock, u_glob


def simulate_naive(network, events, warmup, seed):
    """The discrete-event simulation, slowly: same events, same draws, same statistics.

    Returns ``(completions per class, time span, mean number per station,
    visits per station, residence sum per station)``.
    """
    rng = np.random.default_rng(seed)
    c_n, d = network.cpus, network.domains
    n_st = d + 3
    cls = [c % d for c in range(c_n)]
    routes = []
    for k in range(d):
        stops = [0]
        if network.has_memory:
            stops.append(1)
        if network.has_lock:
            stops.append(2 + k)
        if network.has_global_lock:
            stops.append(2 + d)
        routes.append(stops)

    def mean(s, k):
        if s == 0:
            return network.cpu_us
        if s == 1:
            return network.memory_us
        if s == 2 + d:
            return hold_demand(network.global_lock_visits, network.global_lock_us, network.handoff_us, k)
        return hold_demand(network.lock_visits, network.lock_us, network.handoff_us, k)

    ld = network.handoff_us > 0
    ev = [math.inf] * c_n
    stage = [0] * c_n
    queues = [[] for _ in range(n_st)]  # FCFS order; the head is in service
    qlen = [0] * n_st
    qlen[0] = c_n
    arr = [0.0] * c_n
    cycle_start = [0.0] * c_n
    stats = {"area": [0.0] * n_st, "last": [0.0] * n_st, "visits": [0] * n_st, "resid": [0.0] * n_st,
             "done": [0] * d}
    now = 0.0
    started = False

    def touch(s, t):
        stats["area"][s] += qlen[s] * (t - stats["last"][s])
        stats["last"][s] = t

    def run(n_events):
        nonlocal now, started
        done = 0
        while done < n_events:
            draws = list(rng.standard_exponential(_BLOCK))
            p = 0
            if not started:
                for c in range(c_n):
                    ev[c] = mean(0, 1) * draws[p]
                    p += 1
                started = True
            while done < n_events and p + 2 <= len(draws):
                c = min(range(c_n), key=lambda i: ev[i])
                t = ev[c]
                k = cls[c]
                s = routes[k][stage[c]]
                touch(s, t)
                qlen[s] -= 1
                stats["visits"][s] += 1
                stats["resid"][s] += t - arr[c]
                if s != 0:
                    queues[s].pop(0)
                    if queues[s]:
                        ev[queues[s][0]] = t + mean(s, qlen[s]) * draws[p]
                        p += 1
                stage[c] += 1
                if stage[c] == len(routes[k]):
                    stage[c] = 0
                    stats["done"][k] += 1
                    cycle_start[c] = t
                s2 = routes[k][stage[c]]
                touch(s2, t)
                arr[c] = t
                qlen[s2] += 1
                ev[c] = math.inf
                if s2 == 0:
                    ev[c] = t + mean(0, 1) * draws[p]
                    p += 1
                else:
                    queues[s2].append(c)
                    if qlen[s2] == 1:
                        ev[c] = t + mean(s2, 1) * draws[p]
                        p += 1
                    elif ld and s2 >= 2:  # locks only: memory is not load-dependent
                        ev[queues[s2][0]] = t + mean(s2, qlen[s2]) * draws[p]
                        p += 1
                now = t
                done += 1

    if warmup:
        run(warmup)
    stats["area"] = [0.0] * n_st
    stats["last"] = [now] * n_st
    stats["visits"] = [0] * n_st
    stats["resid"] = [0.0] * n_st
    stats["done"] = [0] * d
    t0 = now
    run(events)
    for s in range(n_st):
        touch(s, now)
    span = now - t0
    return stats["done"], span, [a / span for a in stats["area"]], stats["visits"], stats["resid"]


def simulate_simpy(network, cycles, seed):
    """The same network in SimPy (peer oracle; constant hold times only).

    Each CPU is a process: CPU work as a timeout, memory and locks as
    capacity-1 ``simpy.Resource``s (FCFS). Returns the throughput in pages per
    microsecond over ``cycles`` completed pages (after a tenth as warm-up).
    """
    import simpy

    if network.handoff_us > 0:
        raise ValueError("SimPy reference has constant hold times only")
    rng = np.random.default_rng(seed)
    env = simpy.Environment()
    memory = simpy.Resource(env, capacity=1)
    locks = [simpy.Resource(env, capacity=1) for _ in range(network.domains)]
    glob = simpy.Resource(env, capacity=1)
    warm = cycles // 10
    done = {"n": 0, "t0": 0.0}
    finished = env.event()

    def hold(resource, mean):
        with resource.request() as req:
            yield req
            yield env.timeout(mean * rng.standard_exponential())

    def cpu(c):
        dom = c % network.domains
        while True:
            yield env.timeout(network.cpu_us * rng.standard_exponential())
            if network.has_memory:
                yield from hold(memory, network.memory_us)
            if network.has_lock:
                yield from hold(locks[dom], network.lock_visits * network.lock_us)
            if network.has_global_lock:
                yield from hold(glob, network.global_lock_visits * network.global_lock_us)
            done["n"] += 1
            if done["n"] == warm:
                done["t0"] = env.now
            if done["n"] == warm + cycles and not finished.triggered:
                finished.succeed()

    for c in range(network.cpus):
        env.process(cpu(c))
    env.run(until=finished)
    return cycles / (env.now - done["t0"])
