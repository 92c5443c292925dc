"""The discrete-event simulation: balancer nodes, backends, health checks and failures in one numba kernel.

Model
-----
- **Backends** serve one request at a time, first come first served, at their
  speed; a request's finish time is fixed when it is dispatched
  (``max(now, backend busy until) + work / speed``), so a departure is one heap
  event. A backend's load is its number of requests in service or queued.
- **Nodes** each run the algorithm on their own state: round-robin pointers,
  weights, health verdicts, and a load signal. The signal is the node's own
  count of its outstanding requests per backend (``view="local"``: what
  HAProxy, NGINX and Envoy know without shared state) or the true count at
  each backend (``view="global"``: backends report their load). With
  ``staleness > 0`` the node reads a snapshot of that signal refreshed every
  ``staleness`` seconds (Mitzenmacher's periodic bulletin board).
- **Keep-alive**: a request that does not open a new connection goes to its
  client's current backend if the node still sees it up; otherwise the
  algorithm picks, and the connection follows the pick.
- **Failures** (see :mod:`labcdn.balancing.health`): at failure the requests
  at the backend are *lost* and its connections reset; until the nodes mark it
  down, requests sent to it are *refused* at once; a node with no backend up
  answers *no_server* (HTTP 503).
- ``central_queue`` holds requests at the node while every backend already has
  one of the node's requests (HAProxy ``maxconn 1`` and its backend queue);
  with one node and identical backends it is the M/M/c queue.

Simplifications, each the documented behaviour rather than the product's
internals: HAProxy's leastconn tree order among equal loads is modelled as a
rotating start point; HAProxy ``random`` draws a server by weight directly
rather than by hashing a random number on the ring; Envoy's EDF scheduler is
rebuilt from scratch whenever the up set or the weights change; a failed
request is never retried.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np

from labcdn._validation import check_choice, check_range
from labcdn.balancing.algorithms import (
    ALGORITHMS,
    CODES,
    DEFAULT_BALANCE_FACTOR,
    DEFAULT_BIAS,
    DEFAULT_CHOICES,
    DEFAULT_WINDOW,
)
from labcdn.balancing.event_loop import (
    OK,
    PENDING,
    Backends,
    Failures,
    Outcome,
    Requests,
    Settings,
    simulate_kernel,
)
from labcdn.balancing.health import HealthCheck, failure_arrays
from labcdn.balancing.rings import haproxy_ring
from labcdn.balancing.workload import Workload

VIEWS = ("local", "global")
STATUSES = ("ok", "lost", "refused", "no_server")
OCCUPANCY_BINS = 64  # time at 0..63 requests per backend, and at 64 or more


@dataclass(frozen=True, eq=False)
class Run:
    """The outcome of one simulation.

    Attributes
    ----------
    workload : Workload
        The requests that were offered.
    algorithm : str
        The balancing algorithm.
    settings : Mapping
        staleness, view, health, failures, choices, bias, balance_factor, window (read-only).
    backend : numpy.ndarray of int64
        Backend each request was sent to (-1: none).
    start, finish : numpy.ndarray of float64
        Service start (nan if never served) and departure or failure time.
    status : numpy.ndarray of int8
        Index into :data:`STATUSES`: ok, lost, refused, no_server.
    occupancy : numpy.ndarray of float64, shape (backends, 65)
        Seconds each backend spent with 0, 1, ..., 63 and >= 64 requests.
    detections : numpy.ndarray of float64, shape (m, 4)
        Health verdict changes: time, node, backend, 1 (up) or 0 (down).
    events : int
        Events processed: arrivals, departures and timers.
    area : float
        Integral over time of the number of requests in the system.
    duration : float
        Time of the last event.
    """

    workload: Workload
    algorithm: str
    settings: MappingProxyType = field(repr=False)
    backend: np.ndarray = field(repr=False)
    start: np.ndarray = field(repr=False)
    finish: np.ndarray = field(repr=False)
    status: np.ndarray = field(repr=False)
    occupancy: np.ndarray = field(repr=False)
    detections: np.ndarray = field(repr=False)
    events: int = 0
    area: float = 0.0
    duration: float = 0.0

    @property
    def response(self) -> np.ndarray:
        """Time from arrival to departure (or failure) of every request, in seconds."""
        return self.finish - self.workload.arrival

    @property
    def ok(self) -> np.ndarray:
        """Mask of the requests that were served."""
        return self.status == OK


def simulate(workload, algorithm, *, staleness=0.0, view="local", health=None, failures=(),
             choices=DEFAULT_CHOICES, bias=DEFAULT_BIAS, balance_factor=DEFAULT_BALANCE_FACTOR,
             window=DEFAULT_WINDOW) -> Run:
    """Run one algorithm on a workload.

    Parameters
    ----------
    workload : Workload
        Requests, clients and timer phases (:func:`labcdn.balancing.workload`).
    algorithm : str
        One of :data:`labcdn.balancing.ALGORITHMS`.
    staleness : float
        Seconds between refreshes of the load signal, in [0, 3600]; 0 reads it live.
    view : {"local", "global"}
        Whose requests the load signal counts: the node's own, or all nodes'.
    health : HealthCheck, optional
        Health-check settings; HAProxy's defaults when omitted.
    failures : sequence of Failure
        Backend failures (non-overlapping per backend).
    choices : int
        Draws per pick for power_of_d and weighted_least_request, in [1, 64].
    bias : float
        Envoy's active_request_bias, in [0, 10].
    balance_factor : int
        HAProxy's hash-balance-factor in percent for bounded_hash: 0 (plain
        consistent hashing) or [100, 10000].
    window : float
        Bandwidth averaging window for least_bandwidth, in (0, 3600] seconds.

    Returns
    -------
    Run

    References
    ----------
    .. [1] M. Mitzenmacher, "How useful is old information?", IEEE TPDS 11(1), 2000.
    .. [2] HAProxy Configuration Manual, ``balance``, ``hash-balance-factor``,
       ``inter``/``fall``/``rise``, ``slowstart``, ``maxconn``.
    """
    if not isinstance(workload, Workload):
        raise ValueError(f"workload must be a labcdn.balancing.Workload; got {type(workload).__name__}")
    algorithm = check_choice("algorithm", algorithm, ALGORITHMS)
    staleness = float(check_range("staleness", staleness, 0.0, 3600.0))
    view = check_choice("view", view, VIEWS)
    health = HealthCheck() if health is None else health
    if not isinstance(health, HealthCheck):
        raise ValueError(f"health must be a labcdn.balancing.HealthCheck; got {type(health).__name__}")
    failures = tuple(failures)
    fail_backend, fail_at, fail_until = failure_arrays(failures, workload.cluster.size)
    choices = check_range("choices", choices, 1, 64, integer=True)
    bias = float(check_range("bias", bias, 0.0, 10.0))
    balance_factor = check_range("balance_factor", balance_factor, 0, 10_000, integer=True)
    if 0 < balance_factor < 100:
        raise ValueError(f"balance_factor={balance_factor} is out of range; expected 0 or [100, 10000]")
    window = float(check_range("window", window, 0.0, 3600.0, low_open=True))
    c = workload.cluster
    n, n_backends, k_nodes = workload.requests, c.size, workload.nodes
    if algorithm == "bounded_hash":
        points, owner, index = haproxy_ring(c.weights)
    else:
        points = owner = index = np.zeros(1, dtype=np.int64)
    backend = np.full(n, -1, dtype=np.int64)
    start = np.full(n, np.nan)
    finish = np.full(n, np.nan)
    status = np.full(n, PENDING, dtype=np.int64)
    occupancy = np.zeros((n_backends, OCCUPANCY_BINS + 1))
    detections = np.zeros((2 * fail_backend.size * k_nodes + 1, 4))
    counters = np.zeros(4)
    requests = Requests(workload.arrival, workload.work, workload.node, workload.client, workload.new_connection,
                        workload.address, workload.phase)
    scalars = Settings(CODES[algorithm], k_nodes, staleness, view == "global", choices, bias, balance_factor,
                       window, float(health.inter), health.fall, health.rise, health.slowstart_seconds,
                       np.uint64(workload.seed))
    outcome = Outcome(backend, start, finish, status, occupancy, detections, counters)
    simulate_kernel(requests, Backends(c.speeds, c.weights, points, owner, index), scalars,
                    Failures(fail_backend, fail_at, fail_until), outcome)
    if np.any(status == PENDING):
        raise RuntimeError("the event loop left requests unfinished; this is a bug in labcdn.balancing")
    m = int(counters[3])
    arrays = (backend, start, finish, occupancy)
    status8 = status.astype(np.int8)
    for a in (*arrays, status8):
        a.flags.writeable = False
    settings = MappingProxyType({
        "staleness": staleness, "view": view, "health": health, "failures": failures, "choices": choices,
        "bias": bias, "balance_factor": balance_factor, "window": window,
    })
    return Run(workload=workload, algorithm=algorithm, settings=settings, backend=backend, start=start,
               finish=finish, status=status8, occupancy=occupancy, detections=detections[:m].copy(),
               events=int(counters[0]), area=float(counters[1]), duration=float(counters[2]))
