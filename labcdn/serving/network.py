"""The serving path as a closed queueing network, solved exactly.

Each of ``cpus`` CPUs is one customer that loops forever through the work of
serving one 4 KiB page:

1. **CPU work** (an infinite-server, "delay" station): its own cycles, no
   sharing, mean ``cpu_us``;
2. **memory** (one processor-sharing server shared by all CPUs): the page's
   DRAM traffic at the effective memory bandwidth, demand ``memory_us``;
3. **its domain's lock** (one FCFS server per NUMA domain, the inactive
   page-queue lock): ``lock_visits`` acquisitions, each held ``lock_us``;
4. **the global lock** (one FCFS server shared by all CPUs, the pbuf mutex):
   ``global_lock_visits`` acquisitions, each held ``global_lock_us``.

CPUs are dealt round-robin to ``domains`` domains (CPU ``c`` belongs to domain
``c % domains``), so the network has one customer class per domain. A
contended spin lock hands over more slowly the more CPUs spin on it
(Boyd-Wickizer et al. 2012): with ``k`` CPUs at a lock (holder included) each
acquisition holds it ``lock_us + handoff_us * (k - 1)`` on average. A
queue-length-dependent rate keeps the network in product form (BCMP 1975), so
the solution is exact.

Solution: every class has the same demands at the shared stations, so the
normalising constant factorises into one polynomial per class (its CPUs spread
over CPU work and its own lock) times a function of how many CPUs sit at the
shared stations; the multinomial that couples the classes there sums away
(Vandermonde). This is the convolution algorithm (Buzen 1973; Reiser and
Kobayashi 1975) for this network, carried in logarithms so that hundreds of
CPUs neither overflow nor underflow; it gives the same numbers as exact
multi-class Mean Value Analysis (Reiser and Lavenberg 1980), against which
``tests/naive_serving.py`` checks it, together with a brute-force Markov chain.

References
----------
.. [1] F. Baskett, K. M. Chandy, R. R. Muntz, F. G. Palacios, "Open, closed and
   mixed networks of queues with different classes of customers", JACM 22(2), 1975.
.. [2] J. P. Buzen, "Computational algorithms for closed queueing networks with
   exponential servers", CACM 16(9), 1973.
.. [3] M. Reiser, S. S. Lavenberg, "Mean-value analysis of closed multichain
   queuing networks", JACM 27(2), 1980.
.. [4] S. Boyd-Wickizer, M. F. Kaashoek, R. Morris, N. Zeldovich, "Non-scalable
   locks are dangerous", Linux Symposium 2012.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from labcdn._jit import kernel
from labcdn._validation import check_range

MAX_CPUS = 4096


@dataclass(frozen=True)
class ClosedNetwork:
    """One serving path: CPUs looping through CPU work, memory and locks.

    Times are in microseconds per page (one loop of one CPU). The defaults
    leave a station out (zero demand) or take its lock once per page; the
    appliance's values come from :func:`labcdn.serving.evaluate`.

    Attributes
    ----------
    cpus : int
        CPUs, i.e. customers, in [1, 4096].
    cpu_us : float
        Mean CPU work per page outside memory stalls and locks (> 0).
    domains : int
        NUMA domains in [1, cpus], each with its own page-queue lock.
    memory_us : float
        Demand per page at the shared memory server (>= 0; 0 removes it).
    lock_us : float
        Uncontended hold time per acquisition of the domain lock (>= 0; 0
        removes the lock).
    lock_visits : float
        Domain-lock acquisitions per page (>= 0; 0 removes the lock).
    global_lock_us : float
        Uncontended hold time per acquisition of the global lock (>= 0; 0
        removes it).
    global_lock_visits : float
        Global-lock acquisitions per page (>= 0; 0 removes the lock).
    handoff_us : float
        Extra hold time per acquisition for each further CPU at the same lock
        (>= 0): the cost of handing a spin lock over past its spinners.
    """

    cpus: int
    cpu_us: float
    domains: int = 1
    memory_us: float = 0.0
    lock_us: float = 0.0
    lock_visits: float = 1.0
    global_lock_us: float = 0.0
    global_lock_visits: float = 1.0
    handoff_us: float = 0.0

    def __post_init__(self):
        # whole-number floats (a slider's 12.0) are accepted and stored as int: counts size arrays
        object.__setattr__(self, "cpus", check_range("cpus", self.cpus, 1, MAX_CPUS, integer=True))
        object.__setattr__(self, "domains", check_range("domains", self.domains, 1, self.cpus, integer=True))
        check_range("cpu_us", self.cpu_us, 0.0, 1e9, low_open=True)
        for name in ("memory_us", "lock_us", "lock_visits", "global_lock_us", "global_lock_visits", "handoff_us"):
            check_range(name, getattr(self, name), 0.0, 1e9)

    def class_sizes(self) -> np.ndarray:
        """CPUs per domain: domain ``d`` gets the CPUs ``c`` with ``c % domains == d``."""
        q, r = divmod(self.cpus, self.domains)
        return np.array([q + 1] * r + [q] * (self.domains - r), dtype=np.int64)

    def lock_demands(self, n: int) -> np.ndarray:
        """Domain-lock demand per page with ``k`` CPUs at the lock, ``k = 0..n`` (entry 0 unused)."""
        k = np.arange(n + 1, dtype=np.float64)
        return self.lock_visits * (self.lock_us + self.handoff_us * np.maximum(k - 1.0, 0.0))

    def global_lock_demands(self, n: int) -> np.ndarray:
        """Global-lock demand per page with ``k`` CPUs at the lock, ``k = 0..n`` (entry 0 unused)."""
        k = np.arange(n + 1, dtype=np.float64)
        return self.global_lock_visits * (self.global_lock_us + self.handoff_us * np.maximum(k - 1.0, 0.0))

    @property
    def has_memory(self) -> bool:
        return self.memory_us > 0.0

    @property
    def has_lock(self) -> bool:
        return self.lock_visits > 0.0 and self.lock_us > 0.0

    @property
    def has_global_lock(self) -> bool:
        return self.global_lock_visits > 0.0 and self.global_lock_us > 0.0


@dataclass(frozen=True)
class NetworkSolution:
    """Exact mean performance of a :class:`ClosedNetwork`.

    Per-domain arrays have one entry per domain (domains of equal size are
    identical). Throughputs are in pages per microsecond.

    Attributes
    ----------
    throughput : float
        Pages per microsecond, all CPUs together.
    domain_throughput : numpy.ndarray
        Pages per microsecond per domain.
    cpu_busy : float
        Mean number of CPUs doing CPU work (the delay station).
    memory_queue, memory_utilisation : float
        Mean CPUs stalled on memory (waiting or served) and the memory
        server's busy fraction.
    lock_queue, lock_utilisation : numpy.ndarray
        Per domain: mean CPUs at the domain lock (holder and spinners) and the
        fraction of time the lock is held.
    global_lock_queue, global_lock_utilisation : float
        The same for the global lock.
    """

    network: ClosedNetwork
    throughput: float
    domain_throughput: np.ndarray
    cpu_busy: float
    memory_queue: float
    memory_utilisation: float
    lock_queue: np.ndarray
    lock_utilisation: np.ndarray
    global_lock_queue: float
    global_lock_utilisation: float

    @property
    def cycle_us(self) -> float:
        """Mean time one CPU takes per page (Little's law: ``cpus / throughput``)."""
        return self.network.cpus / self.throughput

    def lock_wait_us(self) -> np.ndarray:
        """Mean time a CPU waits (spins) per domain-lock acquisition, per domain."""
        rate = self.domain_throughput * self.network.lock_visits
        return np.where(rate > 0, (self.lock_queue - self.lock_utilisation) / np.where(rate > 0, rate, 1.0), 0.0)

    def lock_hold_us(self) -> np.ndarray:
        """Mean hold time per domain-lock acquisition, per domain (grows with spinners)."""
        rate = self.domain_throughput * self.network.lock_visits
        return np.where(rate > 0, self.lock_utilisation / np.where(rate > 0, rate, 1.0), 0.0)

    def global_lock_wait_us(self) -> float:
        """Mean time a CPU waits per global-lock acquisition."""
        rate = self.throughput * self.network.global_lock_visits
        return (self.global_lock_queue - self.global_lock_utilisation) / rate if rate > 0 else 0.0

    def global_lock_hold_us(self) -> float:
        """Mean hold time per global-lock acquisition."""
        rate = self.throughput * self.network.global_lock_visits
        return self.global_lock_utilisation / rate if rate > 0 else 0.0


def solve(network: ClosedNetwork) -> NetworkSolution:
    """Solve a closed serving network exactly.

    Parameters
    ----------
    network : ClosedNetwork
        The CPUs, domains and demands.

    Returns
    -------
    NetworkSolution
        Throughput, queue lengths and utilisations.

    References
    ----------
    .. [1] J. P. Buzen, "Computational algorithms for closed queueing networks
       with exponential servers", CACM 16(9), 1973.
    """
    if not isinstance(network, ClosedNetwork):
        raise ValueError(f"network must be a labcdn.serving.ClosedNetwork; got {type(network).__name__}")
    sizes = network.class_sizes()
    n_max = int(sizes.max())
    lock = network.lock_demands(n_max) if network.has_lock else np.zeros(n_max + 1)
    glob = network.global_lock_demands(network.cpus) if network.has_global_lock else np.zeros(network.cpus + 1)
    out = np.empty(4 + 3 * 2, dtype=np.float64)
    kinds = np.unique(sizes)[::-1].copy()  # at most two sizes: q + 1 and q
    counts = np.array([(sizes == k).sum() for k in kinds], dtype=np.int64)
    _solve_kernel(kinds, counts, float(network.cpu_us), float(network.memory_us), lock, glob, out)
    per_kind = out[4:].reshape(2, 3)
    x_d = np.empty(network.domains)
    q_l = np.empty(network.domains)
    u_l = np.empty(network.domains)
    for i, k in enumerate(kinds):
        x_d[sizes == k], q_l[sizes == k], u_l[sizes == k] = per_kind[i]
    total = float(x_d.sum())
    return NetworkSolution(
        network=network,
        throughput=total,
        domain_throughput=x_d,
        cpu_busy=total * network.cpu_us,
        memory_queue=float(out[0]),
        memory_utilisation=float(out[1]),
        lock_queue=q_l,
        lock_utilisation=u_l,
        global_lock_queue=float(out[2]),
        global_lock_utilisation=float(out[3]),
    )


def asymptotic_bounds(network: ClosedNetwork) -> dict[str, float]:
    """Saturation rates, one per resource (pages per microsecond).

    ``cpu`` is ``cpus / (cpu_us + uncontended demands)``: every CPU always
    busy; each queueing station's bound is the rate it sustains when it never
    idles, with the spinners it would then have (all CPUs of a domain at its
    lock, all CPUs at the global lock). The smallest names the bottleneck
    (Lazowska et al., *Quantitative System Performance*, 1984, ch. 5).

    With ``handoff_us == 0`` these are upper bounds on the throughput. With
    hand-over growth a lock's rate is its slowest (every CPU spinning), and a
    network whose lock is not always that crowded can exceed it: for strict
    upper bounds pass the network with ``handoff_us=0``.
    """
    sizes = network.class_sizes()
    uncontended = network.memory_us
    bounds = {}
    if network.has_lock:
        uncontended += network.lock_visits * network.lock_us
        bounds["lock"] = sum(1.0 / float(network.lock_demands(int(n))[int(n)]) for n in sizes)
    if network.has_global_lock:
        uncontended += network.global_lock_visits * network.global_lock_us
        bounds["global_lock"] = 1.0 / float(network.global_lock_demands(network.cpus)[network.cpus])
    if network.has_memory:
        bounds["memory"] = 1.0 / float(network.memory_us)
    bounds["cpu"] = network.cpus / (network.cpu_us + uncontended)
    return bounds


# ------------------------------------------------------------------ kernels


@kernel
def _lse(a, b):
    """log(exp(a) + exp(b)) for a, b possibly -inf."""
    if a == -math.inf:
        return b
    if b == -math.inf:
        return a
    if a > b:
        return a + math.log1p(math.exp(b - a))
    return b + math.log1p(math.exp(a - b))


@kernel
def _log_polymul(a, b):
    """Coefficients (in logs) of the product of two polynomials given in logs."""
    out = np.full(a.size + b.size - 1, -math.inf)
    for i in range(a.size):
        if a[i] == -math.inf:
            continue
        for j in range(b.size):
            out[i + j] = _lse(out[i + j], a[i] + b[j])
    return out


@kernel
def _log_cumprod(demands, n):
    """log of prod_{i=1..k} demands[i] for k = 0..n (-inf once a demand is 0)."""
    out = np.empty(n + 1)
    out[0] = 0.0
    for k in range(1, n + 1):
        d = demands[k]
        out[k] = out[k - 1] + math.log(d) if d > 0.0 and out[k - 1] > -math.inf else -math.inf
    return out


@kernel
def _private(log_z, log_lock, n, mode):
    """Per-class private part: CPUs spread over CPU work and the own lock.

    Entry ``j`` is, in logs, the sum over ``b`` CPUs at the lock of
    ``Z^(j-b)/(j-b)! * F_lock(b)``, weighted by ``b`` (mode 1), by ``b >= 1``
    (mode 2) or not (mode 0).
    """
    out = np.full(n + 1, -math.inf)
    for j in range(n + 1):
        acc = -math.inf
        for b in range(j + 1):
            if log_lock[b] == -math.inf:
                break
            t = (j - b) * log_z - math.lgamma(j - b + 1.0) + log_lock[b]
            if mode == 1:
                if b == 0:
                    continue
                t += math.log(b)
            elif mode == 2 and b == 0:
                continue
            acc = _lse(acc, t)
        out[j] = acc
    return out


@kernel
def _class_poly(g, n):
    """Generating polynomial of one class of n CPUs: sum_k g(n - k) x^k / k!, in logs."""
    out = np.empty(n + 1)
    for k in range(n + 1):
        out[k] = g[n - k] - math.lgamma(k + 1.0)
    return out


@kernel
def _shared(log_m, log_glob, c, mode):
    """Shared part h(k) = sum_a M^a F_glob(k - a), in logs, optionally weighted.

    mode 0: plain; 1: weight a (CPUs at memory); 2: a >= 1; 3: weight k - a
    (CPUs at the global lock); 4: k - a >= 1.
    """
    out = np.full(c + 1, -math.inf)
    for k in range(c + 1):
        acc = -math.inf
        for a in range(k + 1):
            if log_m[a] == -math.inf or log_glob[k - a] == -math.inf:
                continue
            t = log_m[a] + log_glob[k - a]
            if mode == 1:
                if a == 0:
                    continue
                t += math.log(a)
            elif mode == 2 and a == 0:
                continue
            elif mode == 3:
                if k - a == 0:
                    continue
                t += math.log(k - a)
            elif mode == 4 and k - a == 0:
                continue
            acc = _lse(acc, t)
        out[k] = acc
    return out


@kernel
def _close(prod, h):
    """log G = log sum_k prod[k] * k! * h[k]."""
    acc = -math.inf
    for k in range(prod.size):
        if prod[k] == -math.inf or h[k] == -math.inf:
            continue
        acc = _lse(acc, prod[k] + math.lgamma(k + 1.0) + h[k])
    return acc


@kernel
def _product(kinds, counts, polys, skip_kind, extra):
    """Product of all class polynomials, one of kind ``skip_kind`` replaced by ``extra``."""
    acc = np.zeros(1)
    for i in range(kinds.size):
        n_i = counts[i] - (1 if i == skip_kind else 0)
        for _ in range(n_i):
            acc = _log_polymul(acc, polys[i, : kinds[i] + 1])
    if skip_kind >= 0:
        acc = _log_polymul(acc, extra)
    return acc


@kernel
def _solve_kernel(kinds, counts, cpu_us, memory_us, lock, glob, out):
    """Fill ``out`` with [Q_mem, U_mem, Q_glob, U_glob, (X, Q_lock, U_lock) per kind]."""
    c = 0
    for i in range(kinds.size):
        c += kinds[i] * counts[i]
    n_max = kinds[0]
    log_z = math.log(cpu_us)
    log_lock = _log_cumprod(lock, n_max)
    log_glob = _log_cumprod(glob, c)
    log_m = np.full(c + 1, -math.inf)
    log_m[0] = 0.0
    if memory_us > 0.0:
        for a in range(1, c + 1):
            log_m[a] = a * math.log(memory_us)
    g = _private(log_z, log_lock, n_max, 0)
    g_w = _private(log_z, log_lock, n_max, 1)
    g_b = _private(log_z, log_lock, n_max, 2)
    polys = np.full((kinds.size, n_max + 1), -math.inf)
    for i in range(kinds.size):
        polys[i, : kinds[i] + 1] = _class_poly(g, kinds[i])
    h = _shared(log_m, log_glob, c, 0)
    full = _product(kinds, counts, polys, -1, polys[0, :1])
    log_g = _close(full, h)
    out[0] = math.exp(_close(full, _shared(log_m, log_glob, c, 1)) - log_g)
    out[1] = math.exp(_close(full, _shared(log_m, log_glob, c, 2)) - log_g)
    out[2] = math.exp(_close(full, _shared(log_m, log_glob, c, 3)) - log_g)
    out[3] = math.exp(_close(full, _shared(log_m, log_glob, c, 4)) - log_g)
    for i in range(2):
        out[4 + 3 * i] = 0.0
        out[5 + 3 * i] = 0.0
        out[6 + 3 * i] = 0.0
    for i in range(kinds.size):
        n = kinds[i]
        if n == 0:
            continue
        fewer = _product(kinds, counts, polys, i, _class_poly(g, n - 1))
        out[4 + 3 * i] = math.exp(_close(fewer, h) - log_g)
        weighted = _product(kinds, counts, polys, i, _class_poly(g_w, n))
        busy = _product(kinds, counts, polys, i, _class_poly(g_b, n))
        out[5 + 3 * i] = math.exp(_close(weighted, h) - log_g)
        out[6 + 3 * i] = math.exp(_close(busy, h) - log_g)
