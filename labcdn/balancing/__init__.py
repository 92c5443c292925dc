"""Chapter 6, "Load balancers": algorithms under load, stale information, several nodes, failures, and the products.

A numba discrete-event simulation of one or more balancer nodes in front of
heterogeneous backends (:func:`simulate`), on requests drawn once per study
(:func:`cluster`, :func:`workload`) so every algorithm sees the same load:

========================== ================================================
``round_robin``            the next up backend in turn
``weighted_round_robin``   NGINX smooth weighted round robin
``least_connections``      HAProxy leastconn, round robin among ties
``weighted_least_request`` Envoy: P2C, or EDF on weight / (active + 1)^bias
``least_bandwidth``        gobetween: least bytes/s over a 2 s window
``random``                 weighted random
``power_of_d``             HAProxy random(d), NGINX random two least_conn
``source_hash``            NGINX ip_hash (first three octets of IPv4)
``bounded_hash``           HAProxy consistent hashing + hash-balance-factor
``central_queue``          HAProxy maxconn 1 with the backend queue (M/M/c)
========================== ================================================

Stale load (``staleness``), several nodes with their own state (``nodes``,
``view``), HAProxy-style health checks (:class:`HealthCheck`), failures
(:class:`Failure`), keep-alive and heavy tails are arguments. Results come as
tidy polars frames (:func:`metrics`, :func:`backend_stats`, :func:`timeline`,
:func:`queue_tail`, :func:`detections`); :mod:`~labcdn.balancing.theory` holds
the M/M/1, Erlang C and supermarket formulas; :func:`products` reads the
product table; :class:`Defaults`, :func:`run`, :func:`compare`, :func:`sweep`
and :func:`summary` are the chapter's studies; :mod:`~labcdn.balancing.figures` holds the
published defaults (HAProxy's check timers, the bounded-load factor) with their sources.
"""

from labcdn.balancing import figures
from labcdn.balancing.algorithms import ALGORITHMS, HASHED, LOAD_AWARE, RULES
from labcdn.balancing.cluster import Cluster, cluster
from labcdn.balancing.health import Failure, HealthCheck
from labcdn.balancing.metrics import (
    backend_stats,
    detections,
    littles_law,
    metrics,
    queue_tail,
    summary_stats,
    timeline,
)
from labcdn.balancing.products import products
from labcdn.balancing.simulation import STATUSES, VIEWS, Run, simulate
from labcdn.balancing.studies import (
    DEFAULTS,
    Defaults,
    Remembered,
    build_workload,
    compare,
    run,
    settings,
    summary,
    sweep,
)
from labcdn.balancing.theory import erlang_c, littles_l, mm1_response, mmc_wait, supermarket_tail
from labcdn.balancing.workload import SERVICES, Workload, workload

__all__ = [
    "figures",
    "ALGORITHMS",
    "DEFAULTS",
    "HASHED",
    "LOAD_AWARE",
    "RULES",
    "SERVICES",
    "STATUSES",
    "VIEWS",
    "Cluster",
    "Defaults",
    "Failure",
    "HealthCheck",
    "Remembered",
    "Run",
    "Workload",
    "backend_stats",
    "build_workload",
    "cluster",
    "compare",
    "detections",
    "erlang_c",
    "littles_l",
    "littles_law",
    "metrics",
    "mm1_response",
    "mmc_wait",
    "products",
    "queue_tail",
    "run",
    "settings",
    "simulate",
    "summary",
    "summary_stats",
    "supermarket_tail",
    "sweep",
    "timeline",
    "workload",
]
