"""The requests offered to the balancers: when they arrive, how much work each is, who sends it.

Everything random about a run is drawn here, once, from one NumPy Generator,
so that every algorithm can be compared on exactly the same requests (common
random numbers) and the same seed gives the same bytes.

Times are in seconds. ``load`` is the offered load ``rate * mean_service /
capacity``: 0.8 keeps the backends 80% busy on average whatever the
algorithm.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from labcdn._validation import check_array, check_choice, check_range, rng_from
from labcdn.balancing.cluster import Cluster

SERVICES = ("exponential", "lognormal", "pareto")

#: Default shape of each service distribution (ignored for exponential).
#: lognormal: sigma = 1.0 (coefficient of variation 1.31); pareto: alpha = 1.5, a finite mean and an
#: infinite variance, inside the 1-2 range measured for web transfer sizes (Crovella & Bestavros 1997).
DEFAULT_SHAPE = {"exponential": math.nan, "lognormal": 1.0, "pareto": 1.5}

MAX_REQUESTS = 50_000_000
MAX_CLIENTS = 10_000_000
MAX_NODES = 256


@dataclass(frozen=True, eq=False)
class Workload:
    """One draw of requests, clients and timer phases for a given cluster.

    Attributes
    ----------
    cluster : Cluster
        The backends the load was computed for.
    load, rate, mean_service : float
        Offered load, arrivals per second and mean work (seconds at speed 1).
    service : str
        Service distribution; ``shape`` its parameter (nan for exponential).
    arrival : numpy.ndarray of float64
        Arrival time of each request, non-decreasing.
    work : numpy.ndarray of float64
        Work of each request (seconds on a backend of speed 1).
    client : numpy.ndarray of int64
        Client of each request.
    new_connection : numpy.ndarray of bool
        Whether the request opens a new connection (always true without keep-alive).
    node : numpy.ndarray of int64
        Balancer node that receives the request (its client's node).
    address : numpy.ndarray of int64
        IPv4 address of each client, as an unsigned 32-bit number.
    nodes : int
        Number of balancer nodes.
    phase : numpy.ndarray of float64, shape (nodes, backends + 2)
        Uniform [0, 1) offsets of each node's timers: one health check per
        backend, then the stale-load refresh, then the bandwidth window.
    seed : int
        Seed of the kernel's counter-based generator (random choices at pick time).
    """

    cluster: Cluster
    load: float
    rate: float
    mean_service: float
    service: str
    shape: float
    arrival: np.ndarray
    work: np.ndarray
    client: np.ndarray
    new_connection: np.ndarray
    node: np.ndarray
    address: np.ndarray
    nodes: int
    phase: np.ndarray
    seed: int

    @property
    def requests(self) -> int:
        """Number of requests."""
        return int(self.arrival.size)


def workload(cluster, load=0.8, requests=100_000, *, service="exponential", shape=None, mean_service=0.01,
             clients=1000, client_skew=1.0, keepalive=1.0, nodes=1, arrivals=None, seed=None,
             rng=None) -> Workload:
    """Draw the requests for one study.

    Parameters
    ----------
    cluster : Cluster
        The backends (their total speed turns ``load`` into an arrival rate).
    load : float
        Offered load in (0, 2]: arrival rate times mean work over total speed.
    requests : int
        Number of requests, in [1, 5e7] (ignored when ``arrivals`` is given).
    service : {"exponential", "lognormal", "pareto"}
        Distribution of the work per request.
    shape : float, optional
        lognormal sigma in (0, 4] or Pareto alpha in (1, 10]; defaults in :data:`DEFAULT_SHAPE`.
    mean_service : float
        Mean work in seconds at speed 1, in (0, 3600].
    clients : int
        Number of clients, in [1, 1e7].
    client_skew : float
        Zipf exponent of the clients' request rates, in [0, 3] (0: all equal).
    keepalive : float
        Mean requests per connection, in [1, 1e6]; 1 balances every request.
        A request reuses its client's connection with probability ``1 - 1/keepalive``.
    nodes : int
        Balancer nodes, in [1, 256]; each client is pinned to one, drawn
        uniformly (as an ECMP flow hash would).
    arrivals : array_like of float, optional
        A real arrival stream (non-decreasing times). It is shifted to start
        at 0 and rescaled in time so that its mean rate gives ``load``; its
        burstiness is kept.
    seed : int, optional
        Seed of the Generator; or pass ``rng``.
    rng : numpy.random.Generator, optional
        The Generator to draw from.

    Returns
    -------
    Workload
    """
    if not isinstance(cluster, Cluster):
        raise ValueError(f"cluster must be a labcdn.balancing.Cluster; got {type(cluster).__name__}")
    load = float(check_range("load", load, 0.0, 2.0, low_open=True))
    service = check_choice("service", service, SERVICES)
    if shape is None:
        shape = DEFAULT_SHAPE[service]
    elif service == "lognormal":
        shape = float(check_range("shape", shape, 0.0, 4.0, low_open=True))
    elif service == "pareto":
        shape = float(check_range("shape", shape, 1.0, 10.0, low_open=True))
    else:
        raise ValueError(f"shape={shape!r} is not used by service='exponential'; pass shape=None")
    mean_service = float(check_range("mean_service", mean_service, 0.0, 3600.0, low_open=True))
    clients = check_range("clients", clients, 1, MAX_CLIENTS, integer=True)
    client_skew = float(check_range("client_skew", client_skew, 0.0, 3.0))
    keepalive = float(check_range("keepalive", keepalive, 1.0, 1e6))
    nodes = check_range("nodes", nodes, 1, MAX_NODES, integer=True)
    gen = rng_from(seed, rng)
    rate = load * cluster.capacity / mean_service
    if arrivals is None:
        n = check_range("requests", requests, 1, MAX_REQUESTS, integer=True)
        arrival = np.cumsum(gen.exponential(1.0 / rate, n))
    else:
        arrival = _rescaled(arrivals, rate)
        n = arrival.size
    work = _service(gen, service, shape, mean_service, n)
    if clients == 1:
        client = np.zeros(n, dtype=np.int64)
    else:
        p = 1.0 / np.arange(1, clients + 1, dtype=np.float64) ** client_skew
        client = gen.choice(clients, size=n, p=p / p.sum()).astype(np.int64)
    new_connection = gen.random(n) < 1.0 / keepalive
    address = gen.integers(0, 2**32, size=clients, dtype=np.int64)
    node_of_client = gen.integers(0, nodes, size=clients, dtype=np.int64)
    phase = gen.random((nodes, cluster.size + 2))
    kernel_seed = int(gen.integers(0, 2**63, dtype=np.int64))
    arrays = (arrival, work, client, new_connection, address, phase)
    node = node_of_client[client]
    for a in (*arrays, node):
        a.flags.writeable = False
    return Workload(cluster=cluster, load=load, rate=rate, mean_service=mean_service, service=service,
                    shape=float(shape), arrival=arrival, work=work, client=client,
                    new_connection=new_connection, node=node, address=address, nodes=nodes, phase=phase,
                    seed=kernel_seed)


def _service(gen, service, shape, mean, n):
    if service == "exponential":
        return gen.exponential(mean, n)
    if service == "lognormal":
        return gen.lognormal(math.log(mean) - shape * shape / 2.0, shape, n)
    scale = mean * (shape - 1.0) / shape  # Pareto I with mean `mean`: x_m = mean (alpha - 1) / alpha
    return scale * (1.0 + gen.pareto(shape, n))


def _rescaled(arrivals, rate):
    t = check_array("arrivals", arrivals, dtype=np.float64, min_size=2)
    if t.size > MAX_REQUESTS:
        raise ValueError(f"arrivals has {t.size} requests; at most {MAX_REQUESTS} are allowed")
    gaps = np.diff(t)
    if gaps.size and gaps.min() < 0:
        first = int(np.argmax(gaps < 0)) + 1
        raise ValueError(f"arrivals must be non-decreasing; arrivals[{first}] < arrivals[{first - 1}]")
    span = t[-1] - t[0]
    if span <= 0:
        raise ValueError("arrivals must span a positive time")
    observed = (t.size - 1) / span
    return (t - t[0]) * (observed / rate)
