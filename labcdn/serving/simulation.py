"""Discrete-event simulation of the closed serving network, the second method.

Simulates exactly the network :func:`labcdn.serving.solve` solves, event by
event, so that two independent methods must agree: each CPU draws an
exponential CPU-work time, queues first-come-first-served at memory, at its
domain's lock and at the global lock (exponential service, skipping stations
with zero demand), and starts its next page. A lock whose hold time grows with
its spinners has a queue-length-dependent rate: every arrival at a busy lock
redraws the holder's remaining time at the new rate, which is exact for
exponential times (memorylessness). Memory is FCFS here and processor-sharing
in the solver; product form makes their means equal (BCMP 1975).

The wrapper owns the randomness: it draws standard exponentials from a
``numpy.random.Generator`` in blocks and the kernel scales them, so a seed
fixes every event. The kernel is a binary heap of next-event times, one entry
per CPU (a CPU waiting in a queue has none).

References
----------
.. [1] F. Baskett, K. M. Chandy, R. R. Muntz, F. G. Palacios, "Open, closed and
   mixed networks of queues with different classes of customers", JACM 22(2), 1975.
.. [2] J. D. C. Little, "A proof for the queuing formula L = lambda W",
   Operations Research 9(3), 1961.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from labcdn._jit import kernel
from labcdn._validation import check_range, rng_from
from labcdn.serving.network import ClosedNetwork

_BLOCK = 1 << 18  # exponential draws per refill


@dataclass(frozen=True)
class SimulationResult:
    """Time averages from one simulation run, after the warm-up.

    Stations are indexed ``0`` CPU work, ``1`` memory, ``2 .. 2 + domains - 1``
    the domain locks, ``2 + domains`` the global lock. Times in microseconds.

    Attributes
    ----------
    throughput : float
        Pages per microsecond, all CPUs.
    domain_throughput : numpy.ndarray
        Pages per microsecond per domain.
    time_us : float
        Simulated time after the warm-up.
    events : int
        Service completions simulated after the warm-up.
    mean_number : numpy.ndarray
        Time-average number of CPUs at each station.
    utilisation : numpy.ndarray
        Fraction of time each station has at least one CPU; for CPU work (an
        infinite server), the mean fraction of CPUs doing CPU work.
    visits : numpy.ndarray
        Departures from each station.
    mean_residence_us : numpy.ndarray
        Mean time per visit at each station (waiting plus service).
    mean_cycle_us : float
        Mean time a CPU takes per page.
    """

    network: ClosedNetwork
    throughput: float
    domain_throughput: np.ndarray
    time_us: float
    events: int
    mean_number: np.ndarray
    utilisation: np.ndarray
    visits: np.ndarray
    mean_residence_us: np.ndarray
    mean_cycle_us: float

    def little_gap(self) -> np.ndarray:
        """Relative gap between L and lambda W per visited station (Little's law)."""
        lam = self.visits / self.time_us
        lw = lam * self.mean_residence_us
        return np.where(self.mean_number > 0, np.abs(self.mean_number - lw) / np.maximum(self.mean_number, 1e-300), 0.0)


def simulate(network: ClosedNetwork, events: int = 1_000_000, *, warmup: int | None = None, seed=None, rng=None):
    """Simulate the closed serving network.

    Parameters
    ----------
    network : ClosedNetwork
        The CPUs, domains and demands (as for :func:`labcdn.serving.solve`).
    events : int
        Service completions to simulate after the warm-up, in [1, 1e10].
    warmup : int, optional
        Completions simulated and discarded first; default ``events // 10``.
    seed : int, optional
        Seed of a new ``numpy.random.default_rng``.
    rng : numpy.random.Generator, optional
        Generator to draw from instead of ``seed``.

    Returns
    -------
    SimulationResult
        Throughput and per-station time averages.
    """
    if not isinstance(network, ClosedNetwork):
        raise ValueError(f"network must be a labcdn.serving.ClosedNetwork; got {type(network).__name__}")
    events = check_range("events", events, 1, 1e10, integer=True)
    warmup = events // 10 if warmup is None else check_range("warmup", warmup, 0, 1e10, integer=True)
    gen = rng_from(seed, rng)
    state = _State(network)
    if warmup:
        state.run(warmup, gen)
    state.reset_stats()
    state.run(events, gen)
    if not state.completions.sum():
        raise ValueError(f"events={events} completed no page after the warm-up, so there is no throughput to "
                         f"report; simulate more events (a page visits up to {int(state.route_len.max())} "
                         f"stations, and {network.cpus} CPUs share them)")
    return state.result()


class _State:
    """Arrays the kernel carries from one block of random draws to the next."""

    def __init__(self, net: ClosedNetwork):
        self.net = net
        c, d = net.cpus, net.domains
        n_st = d + 3
        self.n_st = n_st
        self.cls = np.arange(c, dtype=np.int64) % d
        routes = np.zeros((d, 4), dtype=np.int64)
        route_len = np.zeros(d, dtype=np.int64)
        for k in range(d):
            stops = [0]
            if net.has_memory:
                stops.append(1)
            if net.has_lock:
                stops.append(2 + k)
            if net.has_global_lock:
                stops.append(2 + d)
            routes[k, : len(stops)] = stops
            route_len[k] = len(stops)
        self.routes, self.route_len = routes, route_len
        means = np.zeros((n_st, c + 1))
        means[0, :] = net.cpu_us
        means[1, :] = net.memory_us
        lock = net.lock_demands(c)
        glob = net.global_lock_demands(c)
        for k in range(d):
            means[2 + k, :] = lock
        means[2 + d, :] = glob
        self.means = means
        self.load_dependent = np.zeros(n_st, dtype=np.bool_)
        if net.handoff_us > 0:
            self.load_dependent[2:] = True
        self.is_delay = np.zeros(n_st, dtype=np.bool_)
        self.is_delay[0] = True
        self.t = np.zeros(1)
        self.ev = np.full(c, np.inf)
        self.heap = np.arange(c, dtype=np.int64)
        self.pos = np.arange(c, dtype=np.int64)
        self.stage = np.zeros(c, dtype=np.int64)
        self.qbuf = np.zeros((n_st, c), dtype=np.int64)
        self.qhead = np.zeros(n_st, dtype=np.int64)
        self.qlen = np.zeros(n_st, dtype=np.int64)
        self.qlen[0] = c
        self.arr = np.zeros(c)
        self.cycle_start = np.zeros(c)
        self.area = np.zeros(n_st)
        self.busy = np.zeros(n_st)
        self.last = np.zeros(n_st)
        self.visits = np.zeros(n_st, dtype=np.int64)
        self.resid = np.zeros(n_st)
        self.completions = np.zeros(d, dtype=np.int64)
        self.cycle_sum = np.zeros(d)
        self.counters = np.zeros(2, dtype=np.int64)  # [events done, initialised]
        self.t0 = 0.0

    def run(self, n_events, gen):
        target = int(self.counters[0]) + n_events
        while self.counters[0] < target:
            draws = gen.standard_exponential(_BLOCK)
            _simulate_kernel(
                draws, target, self.cls, self.routes, self.route_len, self.means, self.load_dependent,
                self.is_delay, self.t, self.ev, self.heap, self.pos, self.stage, self.qbuf, self.qhead,
                self.qlen, self.arr, self.cycle_start, self.area, self.busy, self.last, self.visits,
                self.resid, self.completions, self.cycle_sum, self.counters,
            )

    def reset_stats(self):
        self.t0 = float(self.t[0])
        self.last[:] = self.t0
        for a in (self.area, self.busy, self.resid, self.cycle_sum):
            a[:] = 0.0
        self.visits[:] = 0
        self.completions[:] = 0
        self.counters[0] = 0

    def result(self):
        t_end = float(self.t[0])
        # close the time integrals at the end of the run
        for s in range(1, self.n_st):
            dt = t_end - self.last[s]
            self.area[s] += self.qlen[s] * dt
            self.busy[s] += (self.qlen[s] > 0) * dt
            self.last[s] = t_end
        span = t_end - self.t0
        # CPU work (infinite server) is not integrated event by event: CPUs are conserved
        self.area[0] = self.net.cpus * span - self.area[1:].sum()
        self.busy[0] = self.area[0] / self.net.cpus
        with np.errstate(invalid="ignore", divide="ignore"):
            resid = np.where(self.visits > 0, self.resid / np.maximum(self.visits, 1), 0.0)
        done = int(self.completions.sum())
        x_d = self.completions / span
        return SimulationResult(
            network=self.net,
            throughput=done / span,
            domain_throughput=x_d,
            time_us=span,
            events=int(self.counters[0]),
            mean_number=self.area / span,
            utilisation=self.busy / span,
            visits=self.visits.copy(),
            mean_residence_us=resid,
            mean_cycle_us=float(self.cycle_sum.sum() / done) if done else float("nan"),
        )


# ------------------------------------------------------------------ kernel


@kernel
def _sift_up(heap, pos, ev, i):
    c = heap[i]
    while i > 0:
        parent = (i - 1) >> 1
        p = heap[parent]
        if ev[p] <= ev[c]:
            break
        heap[i] = p
        pos[p] = i
        i = parent
    heap[i] = c
    pos[c] = i


@kernel
def _sift_down(heap, pos, ev, i, n):
    c = heap[i]
    while True:
        child = 2 * i + 1
        if child >= n:
            break
        if child + 1 < n and ev[heap[child + 1]] < ev[heap[child]]:
            child += 1
        h = heap[child]
        if ev[c] <= ev[h]:
            break
        heap[i] = h
        pos[h] = i
        i = child
    heap[i] = c
    pos[c] = i


@kernel
def _reschedule(heap, pos, ev, c, when, n):
    old = ev[c]
    ev[c] = when
    if when < old:
        _sift_up(heap, pos, ev, pos[c])
    else:
        _sift_down(heap, pos, ev, pos[c], n)


@kernel
def _touch(s, t, qlen, area, busy, last):
    dt = t - last[s]
    area[s] += qlen[s] * dt
    if qlen[s] > 0:
        busy[s] += dt
    last[s] = t


@kernel
def _simulate_kernel(draws, target, cls, routes, route_len, means, load_dependent, is_delay, t_arr, ev, heap,
                     pos, stage, qbuf, qhead, qlen, arr, cycle_start, area, busy, last, visits, resid,
                     completions, cycle_sum, counters):
    """Advance the simulation until ``counters[0] == target`` or the draws run out."""
    n = ev.size
    d = 0
    n_draws = draws.size
    if counters[1] == 0:  # first call: every CPU starts its CPU work at t = 0
        for c in range(n):
            ev[c] = means[0, 1] * draws[d]
            d += 1
        for i in range(n):
            heap[i] = i
            pos[i] = i
        for i in range(n // 2 - 1, -1, -1):
            _sift_down(heap, pos, ev, i, n)
        counters[1] = 1
    done = counters[0]
    t = t_arr[0]
    while done < target and d + 2 <= n_draws:
        c = heap[0]  # the CPU with the next event stays at the root until its new time is known
        t = ev[c]
        k = cls[c]
        s = routes[k, stage[c]]
        # departure from s (CPU work is not integrated: its mean number is cpus minus the rest)
        delay_s = is_delay[s]
        if not delay_s:
            _touch(s, t, qlen, area, busy, last)
        qlen[s] -= 1
        visits[s] += 1
        resid[s] += t - arr[c]
        if not delay_s:
            h = qhead[s] + 1
            qhead[s] = h if h < n else 0
            if qlen[s] > 0:  # the next CPU in line starts (its time exceeds t: c stays the root)
                _reschedule(heap, pos, ev, qbuf[s, qhead[s]], t + means[s, qlen[s]] * draws[d], n)
                d += 1
        # route to the next station
        st = stage[c] + 1
        if st == route_len[k]:
            st = 0
            completions[k] += 1
            cycle_sum[k] += t - cycle_start[c]
            cycle_start[c] = t
        stage[c] = st
        s2 = routes[k, st]
        arr[c] = t
        if is_delay[s2]:
            qlen[s2] += 1
            ev[c] = t + means[s2, 1] * draws[d]
            d += 1
        else:
            _touch(s2, t, qlen, area, busy, last)
            q = qlen[s2] + 1
            qlen[s2] = q
            tail = qhead[s2] + q - 1
            qbuf[s2, tail if tail < n else tail - n] = c
            if q == 1:
                ev[c] = t + means[s2, 1] * draws[d]
                d += 1
            else:
                if load_dependent[s2]:  # one more spinner: redraw the holder's remaining time
                    _reschedule(heap, pos, ev, qbuf[s2, qhead[s2]], t + means[s2, q] * draws[d], n)
                    d += 1
                ev[c] = np.inf  # only now: c must stay the root while others move
        _sift_down(heap, pos, ev, 0, n)
        done += 1
    counters[0] = done
    t_arr[0] = t
