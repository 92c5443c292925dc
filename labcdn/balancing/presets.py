"""The ten products of the source as simulator presets: what each offers, its default, and how to run it.

A :class:`Preset` is read from the product's own documentation (the
``source`` column of ``data/load_balancers.csv``): its layers, the algorithms
it offers under their own names, the default one, its health checks and its
sticky-session behaviour. Each of its algorithms maps to the labcdn rule
that models it (with the rule's parameters), or to ``None`` where labcdn has
no model (KEMP's agent-based adaptive, HAProxy's ``first``, Traefik's
``leasttime``...): those are listed, never silently replaced.

HAProxy, NGINX and Pen are **measured here** (:mod:`labcdn.balancing.live_study`
runs them on loopback against the simulator); the others are **from their
documentation**.

:func:`run_preset` simulates one product and algorithm on a workload;
:func:`preset_grid` runs every (product, algorithm) pair that has a model on
the chapter's workload, for the chapter's kernel-free "run it" selector.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np
import polars as pl

from labcdn._validation import check_choice
from labcdn.balancing.health import HealthCheck
from labcdn.balancing.metrics import summary_stats
from labcdn.balancing.simulation import simulate
from labcdn.balancing.studies import DEFAULTS, build_workload, settings
from labcdn.balancing.workload import Workload

#: Stickiness that the simulator models by keeping a client on its backend.
CLIENT_TRACKING = "client_tracking"


@dataclass(frozen=True)
class Preset:
    """One product as its documentation describes it.

    Attributes
    ----------
    product : str
        Name as in ``data/load_balancers.csv``.
    layers : tuple of str
        OSI layers it balances at.
    algorithms : Mapping[str, tuple or None]
        The product's name for each algorithm -> ``(labcdn algorithm, keyword
        arguments for simulate)``, or None where labcdn has no model.
    default : str
        The algorithm used when the configuration names none.
    health : HealthCheck or None
        Active-check defaults the simulator can use (None: passive only or not documented).
    health_text, sticky : str
        Health checks and sticky sessions in words.
    measured : bool
        True for the products run on loopback here (HAProxy, NGINX, Pen).
    link : str
        The documentation the preset was read from.
    """

    product: str
    layers: tuple
    algorithms: MappingProxyType = field(repr=False)
    default: str
    health: HealthCheck | None
    health_text: str
    sticky: str
    measured: bool
    link: str

    def __post_init__(self):
        if self.default not in self.algorithms:
            raise ValueError(f"{self.product}: default {self.default!r} is not one of its algorithms")

    @property
    def modelled(self) -> tuple:
        """The product's algorithms that labcdn can simulate."""
        return tuple(name for name, model in self.algorithms.items() if model is not None)

    @property
    def evidence(self) -> str:
        """``"measured here"`` or ``"from its documentation"``."""
        return "measured here" if self.measured else "from its documentation"


def _p(product, layers, algorithms, default, health, health_text, sticky, link, measured=False):
    return Preset(product, tuple(layers), MappingProxyType(dict(algorithms)), default, health, health_text, sticky,
                  measured, link)


_RR = ("round_robin", {})
_WRR = ("weighted_round_robin", {})
_LC = ("least_connections", {})
_HASH = ("source_hash", {})
_RAND = ("random", {})
_P2C = ("power_of_d", {"choices": 2})
_RING = ("bounded_hash", {"balance_factor": 0})

#: The ten products of the source, in its order.
PRESETS = MappingProxyType({p.product: p for p in (
    _p("Seesaw", ("L4", "L7"), {"rr": _RR, "wrr": _WRR, "lc": _LC, "wlc": _LC, "sh": _HASH}, "wlc", None,
       "active: ICMP ping, TCP, UDP, HTTP(S), DNS, RADIUS checkers",
       "IPVS source hashing (sh) keeps a client on one backend",
       "https://github.com/google/seesaw"),
    _p("KEMP LoadMaster", ("L4", "L7"),
       {"round robin": _RR, "weighted round robin": _WRR, "least connection": _LC,
        "weighted least connection": _LC, "source IP hash": _HASH, "agent-based adaptive": None,
        "fixed weighting": None, "weighted response time": None},
       "round robin", HealthCheck(inter=9.0, fall=3, rise=2),
       "active: ICMP, TCP connect, HTTP(S); every 9 s, timeout 4 s, 2 retries",
       "persistence by source IP, cookie, SSL session and others",
       "https://support.kemptechnologies.com/hc/en-us/articles/202017723-KEMP-LoadMaster-Scheduling-Balancing-Methods"),
    _p("HAProxy", ("L4", "L7"),
       {"roundrobin": _WRR, "static-rr": _RR, "leastconn": _LC, "random(2)": _P2C, "random": _RAND,
        "source": _HASH, "uri + hash-type consistent": _RING,
        "hash-balance-factor 125": ("bounded_hash", {"balance_factor": 125}), "first": None},
       "roundrobin", HealthCheck(inter=2.0, fall=3, rise=2),
       "active: TCP, HTTP or agent checks; inter 2 s, fall 3, rise 2 by default",
       "stick tables and cookies; hashing by source, URI, header",
       "https://docs.haproxy.org/2.6/configuration.html", measured=True),
    _p("Zevenet", ("L3", "L4", "L7"),
       {"weight": _RAND, "round robin": _RR, "hash": _HASH, "symmetric hash": _HASH, "priority": None},
       "weight", None,
       "active: Farmguardian check commands per farm",
       "persistence by IP, cookie or header (HTTP farms)",
       "https://github.com/zevenet/nftlb"),
    _p("Neutrino", ("L4", "L7"), {"round robin": _RR, "least connection": _LC}, "round robin", None,
       "not documented in the sources consulted", "not documented in the sources consulted",
       "https://tech.ebayinc.com/engineering/announcing-neutrino-for-load-balancing-and-l7-switching/"),
    _p("Balance", ("L4",), {"round robin": _RR, "hash (%)": _HASH}, "round robin", None,
       "none active: an unreachable channel is skipped, then the next channel group",
       "hash groups keep a client IP on one channel",
       "https://manpages.ubuntu.com/manpages/bionic/man1/balance.1.html"),
    _p("Pen", ("L4",),
       {"client tracking": ("round_robin", {CLIENT_TRACKING: True}), "-r": _RR, "-h": _HASH,
        "-W (weight)": None, "priority": None},
       "client tracking", None,
       "passive: a server that does not answer is blacklisted for 30 s (-b)",
       "default: a client goes back to its last server (client table of 2048 slots)",
       "https://github.com/UlricE/pen/blob/master/pen.1", measured=True),
    _p("NGINX", ("L4", "L7"),
       {"round robin": _WRR, "least_conn": _LC, "ip_hash": _HASH, "hash $request_uri consistent": _RING,
        "random": _RAND, "random two least_conn": _P2C, "least_time (NGINX Plus)": None},
       "round robin", None,
       "passive: max_fails 1 within fail_timeout 10 s; active health_check only in NGINX Plus",
       "ip_hash or hash; sticky cookie only in NGINX Plus",
       "https://nginx.org/en/docs/http/ngx_http_upstream_module.html", measured=True),
    _p("Traefik", ("L4", "L7"), {"wrr": _WRR, "p2c": _P2C, "hrw": _RING, "leasttime": None}, "wrr", None,
       "active HTTP/gRPC checks (path, interval, timeout); passive failureWindow",
       "sticky cookies",
       "https://doc.traefik.io/traefik/reference/routing-configuration/http/load-balancing/service/"),
    _p("Gobetween", ("L4",),
       {"weight": _RAND, "roundrobin": _RR, "leastconn": _LC, "leastbandwidth": ("least_bandwidth", {}),
        "iphash": _HASH, "iphash1": _HASH},
       "weight", None,
       "active: ping (TCP connect), exec, probe",
       "iphash keeps a client IP on one backend",
       "https://github.com/yyyar/gobetween/wiki/Balancing"),
)})

PRODUCTS = tuple(PRESETS)


def preset(product: str) -> Preset:
    """The preset of one product (a key of :data:`PRESETS`)."""
    return PRESETS[check_choice("product", product, PRESETS)]


def sticky_workload(w: Workload) -> Workload:
    """The workload with client tracking: each client opens one connection and keeps its backend."""
    first = np.zeros(w.requests, dtype=bool)
    _, idx = np.unique(np.asarray(w.client), return_index=True)
    first[idx] = True
    first.flags.writeable = False
    return dataclasses.replace(w, new_connection=first)


def run_preset(product: str, algorithm: str | None = None, workload: Workload | None = None, defaults=DEFAULTS):
    """Simulate one product with one of its algorithms.

    Parameters
    ----------
    product : str
        A key of :data:`PRESETS`.
    algorithm : str, optional
        The product's name for the algorithm; its default when omitted.
    workload : Workload, optional
        The requests; the chapter's (:func:`labcdn.balancing.build_workload`) when omitted.
    defaults : Defaults
        Simulator settings other than the algorithm (staleness, view, ...).

    Returns
    -------
    labcdn.balancing.Run

    Raises
    ------
    ValueError
        When the product does not offer the algorithm, or labcdn has no model of it.
    """
    p = preset(product)
    algorithm = p.default if algorithm is None else check_choice("algorithm", algorithm, p.algorithms)
    model = p.algorithms[algorithm]
    if model is None:
        raise ValueError(f"algorithm={algorithm!r} of {product} has no labcdn model; "
                         f"choose one of {', '.join(p.modelled)}")
    name, kwargs = model
    kwargs = dict(kwargs)
    w = build_workload(defaults) if workload is None else workload
    if kwargs.pop(CLIENT_TRACKING, False):
        w = sticky_workload(w)
    kw = settings(defaults)
    if p.health is not None:
        kw["health"] = p.health
    kw.update(kwargs)
    return simulate(w, name, **kw)


def presets_table() -> pl.DataFrame:
    """One row per product: layers, default, algorithms (modelled or not), checks, stickiness, evidence, link."""
    rows = []
    for p in PRESETS.values():
        rows.append({
            "product": p.product, "layers": " ".join(p.layers), "default": p.default,
            "algorithms": ", ".join(p.modelled),
            "not modelled": ", ".join(a for a in p.algorithms if p.algorithms[a] is None) or "-",
            "health checks": p.health_text, "sticky sessions": p.sticky, "evidence": p.evidence, "link": p.link,
        })
    return pl.DataFrame(rows)


def preset_grid(defaults=DEFAULTS) -> pl.DataFrame:
    """Every modelled (product, algorithm) pair on the chapter's workload: one row each.

    Columns: product, algorithm, model, default (bool), evidence, and the
    run's :func:`labcdn.balancing.summary_stats` (mean, p50, p99 response...).
    """
    w = build_workload(defaults)
    rows = []
    for p in PRESETS.values():
        for name in p.modelled:
            run = run_preset(p.product, name, w, defaults)
            rows.append({"product": p.product, "algorithm": name, "model": p.algorithms[name][0],
                         "default": name == p.default, "evidence": p.evidence, **summary_stats(run)})
    return pl.DataFrame(rows)
