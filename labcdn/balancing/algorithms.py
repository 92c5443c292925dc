"""The balancing algorithms: names, the products they come from, and their published parameters.

Each name is one rule a balancer node applies to a new request (or, with
keep-alive, to a new connection). The rules follow the source of the product
named beside them, tie-breaking included; where the model simplifies, the
docstring of :func:`labcdn.balancing.simulate` says how.

References
----------
.. [1] HAProxy, ``src/backend.c`` (``get_server_rnd``), ``src/lb_fwlc.c``,
   ``src/lb_chash.c`` (``chash_server_is_eligible``), https://github.com/haproxy/haproxy.
.. [2] NGINX, ``ngx_http_upstream_round_robin.c`` (smooth weighted round robin),
   ``ngx_http_upstream_ip_hash_module.c``, ``ngx_http_upstream_random_module.c``,
   https://github.com/nginx/nginx.
.. [3] Envoy, ``least_request_lb.h`` and the LeastRequest proto (``choice_count`` 2,
   ``active_request_bias`` 1.0), https://www.envoyproxy.io/docs.
.. [4] gobetween, ``src/balance/leastbandwidth.go`` and ``src/stats/counters``
   (2-second bandwidth window), https://github.com/yyyar/gobetween.
.. [5] M. Mitzenmacher, "The power of two choices in randomized load balancing",
   IEEE TPDS 12(10), 2001; "How useful is old information?", IEEE TPDS 11(1), 2000.
"""

from __future__ import annotations

from types import MappingProxyType

from labcdn.balancing.figures import HASH_BALANCE_FACTOR

#: Every algorithm, in the order the chapter shows them.
ALGORITHMS = (
    "round_robin",
    "weighted_round_robin",
    "least_connections",
    "weighted_least_request",
    "least_bandwidth",
    "random",
    "power_of_d",
    "source_hash",
    "bounded_hash",
    "central_queue",
)

# Integer codes passed to the kernel (plain constants, frozen at compile time by design).
ROUND_ROBIN = 0
WEIGHTED_ROUND_ROBIN = 1
LEAST_CONNECTIONS = 2
WEIGHTED_LEAST_REQUEST = 3
LEAST_BANDWIDTH = 4
RANDOM = 5
POWER_OF_D = 6
SOURCE_HASH = 7
BOUNDED_HASH = 8
CENTRAL_QUEUE = 9

CODES = MappingProxyType({name: code for code, name in enumerate(ALGORITHMS)})

#: Algorithms that read a load signal (active requests, or bandwidth) and so can be stale.
LOAD_AWARE = ("least_connections", "weighted_least_request", "power_of_d", "bounded_hash", "least_bandwidth")

#: Algorithms that map a client to a backend by hashing its address.
HASHED = ("source_hash", "bounded_hash")

#: One line per algorithm: the product whose rule the model follows, and the rule.
RULES = MappingProxyType({
    "round_robin": "HAProxy static-rr / Balance / Pen -r with equal weights: the next up backend in turn",
    "weighted_round_robin": "NGINX smooth weighted round robin: add each weight, pick the largest, subtract the total",
    "least_connections": "HAProxy leastconn: fewest (active + 1) / weight, round robin among ties",
    "weighted_least_request": "Envoy LEAST_REQUEST: two random choices when weights are equal, "
                              "else EDF on weight / (active + 1)^bias",
    "least_bandwidth": "gobetween leastbandwidth: least bytes per second over the last 2 s window",
    "random": "HAProxy random / gobetween weight: a backend drawn with probability proportional to weight",
    "power_of_d": "HAProxy random(d) / NGINX random two least_conn: d weighted draws, keep the least loaded",
    "source_hash": "NGINX ip_hash: hash of the first three octets of the IPv4 address, weighted",
    "bounded_hash": "HAProxy hash-type consistent + hash-balance-factor: ring of 16 points per weight, "
                    "walk past backends over their bound",
    "central_queue": "HAProxy maxconn 1 with the backend queue: wait at the balancer for an idle backend (M/M/c)",
})

# Published parameters, each with its source.
DEFAULT_CHOICES = 2  # HAProxy random(2), NGINX "random two", Envoy choice_count default 2
DEFAULT_BIAS = 1.0  # Envoy active_request_bias default 1.0
DEFAULT_BALANCE_FACTOR = HASH_BALANCE_FACTOR  # HAProxy hash-balance-factor 125 = c 1.25 (balancing.figures)
DEFAULT_WINDOW = 2.0  # gobetween src/stats/counters/backendscounter.go: INTERVAL = 2 * time.Second
WEIGHT_SCALE = 16  # HAProxy BE_WEIGHT_SCALE: effective weight = weight * 16 at full speed
