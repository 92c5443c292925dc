"""The chapter's studies: slider defaults, one-call runs, comparisons, grids and the CLI summary.

Every study builds a cluster and a workload from a :class:`Defaults` (change
fields with :func:`dataclasses.replace`) and runs each algorithm on the same
workload, so differences between algorithms are not sampling noise.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import asdict, dataclass, fields, replace

import polars as pl
from tqdm.auto import tqdm

from labcdn._validation import check_choice
from labcdn.balancing.algorithms import (
    ALGORITHMS,
    DEFAULT_BALANCE_FACTOR,
    DEFAULT_BIAS,
    DEFAULT_CHOICES,
    DEFAULT_WINDOW,
)
from labcdn.balancing.cluster import cluster
from labcdn.balancing.health import Failure, HealthCheck
from labcdn.balancing.metrics import metrics, summary_stats
from labcdn.balancing.simulation import simulate
from labcdn.balancing.workload import workload


@dataclass(frozen=True)
class Defaults:
    """The chapter's slider values.

    Attributes
    ----------
    algorithm : str
        Algorithm shown first: power_of_d, HAProxy ``random(2)``.
    backends : int
        16 backends: a modelling choice (a rack of servers behind one VIP), not a published figure.
    heterogeneity : float
        Fastest over slowest backend speed; 1 = identical backends.
    weights : str
        ``"speed"``: the operator sets weights proportional to speed.
    load : float
        Offered load 0.8: busy enough for queues to matter, a modelling choice.
    requests : int
        10^5 requests per run, the widget budget (<= 100 ms per run).
    service : str
        Exponential service times, the case queueing theory solves in closed form.
    mean_service : float
        10 ms of work per request at speed 1: a modelling choice; only its ratio to
        the health-check interval and to ``staleness`` matters.
    clients, client_skew : int, float
        1000 clients with Zipf(1) request rates: a few heavy clients, as behind large NATs.
    keepalive : float
        1 request per connection: every request is balanced.
    nodes : int
        One balancer node.
    staleness : float
        0 s: load read live.
    stale : float
        0.05 s (5 mean service times): the staleness used for the "with stale
        information" column of :func:`summary`, in the range where
        Mitzenmacher (2000) shows least-loaded herding.
    view : str
        ``"local"``: each node counts its own requests (HAProxy, NGINX, Envoy without shared state).
    inter, fall, rise : float, int, int
        HAProxy's health-check defaults: every 2 s, down after 3 failures, up after 2 successes.
    slowstart : float
        0 s: HAProxy's default (no slow start).
    fail_backend : int
        Backend that fails in the failure study (-1: none by default).
    fail_at, fail_for : float
        It dies 20 s into the run and comes back 30 s later.
    choices : int
        2 draws: HAProxy ``random(2)``, NGINX ``random two``, Envoy ``choice_count``.
    bias : float
        1.0: Envoy's ``active_request_bias`` default.
    balance_factor : int
        125: HAProxy ``hash-balance-factor`` (c = 1.25, Vimeo's production value).
    window : float
        2 s: gobetween's bandwidth statistics interval.
    seed : int
        Seed of the workload draw.
    """

    algorithm: str = "power_of_d"
    backends: int = 16
    heterogeneity: float = 1.0
    weights: str = "speed"
    load: float = 0.8
    requests: int = 100_000
    service: str = "exponential"
    mean_service: float = 0.01
    clients: int = 1000
    client_skew: float = 1.0
    keepalive: float = 1.0
    nodes: int = 1
    staleness: float = 0.0
    stale: float = 0.05
    view: str = "local"
    inter: float = 2.0
    fall: int = 3
    rise: int = 2
    slowstart: float = 0.0
    fail_backend: int = -1
    fail_at: float = 20.0
    fail_for: float = 30.0
    choices: int = DEFAULT_CHOICES
    bias: float = DEFAULT_BIAS
    balance_factor: int = DEFAULT_BALANCE_FACTOR
    window: float = DEFAULT_WINDOW
    seed: int = 2000


DEFAULTS = Defaults()
_WORKLOAD_FIELDS = ("backends", "heterogeneity", "weights", "load", "requests", "service", "mean_service",
                    "clients", "client_skew", "keepalive", "nodes", "seed")


def _check(defaults):
    if not isinstance(defaults, Defaults):
        raise ValueError(f"defaults must be a labcdn.balancing.Defaults; got {type(defaults).__name__}")
    return defaults


def build_workload(defaults=DEFAULTS):
    """The cluster and workload a :class:`Defaults` describes.

    Parameters
    ----------
    defaults : Defaults

    Returns
    -------
    Workload
    """
    d = _check(defaults)
    c = cluster(d.backends, d.heterogeneity, weights=d.weights)
    return workload(c, d.load, d.requests, service=d.service, mean_service=d.mean_service, clients=d.clients,
                    client_skew=d.client_skew, keepalive=d.keepalive, nodes=d.nodes, seed=d.seed)


def settings(defaults=DEFAULTS) -> dict:
    """Keyword arguments of :func:`labcdn.balancing.simulate` that a :class:`Defaults` describes.

    Parameters
    ----------
    defaults : Defaults

    Returns
    -------
    dict
        staleness, view, health, failures (one :class:`Failure` when
        ``fail_backend >= 0``), choices, bias, balance_factor, window.
    """
    d = _check(defaults)
    failures = ()
    if d.fail_backend >= 0:
        failures = (Failure(d.fail_backend, d.fail_at, d.fail_at + d.fail_for),)
    return {"staleness": d.staleness, "view": d.view,
            "health": HealthCheck(inter=d.inter, fall=d.fall, rise=d.rise, slowstart=d.slowstart),
            "failures": failures, "choices": d.choices, "bias": d.bias, "balance_factor": d.balance_factor,
            "window": d.window}


def run(defaults=DEFAULTS, algorithm=None):
    """Simulate one algorithm at the given settings: the call behind each widget.

    Parameters
    ----------
    defaults : Defaults
    algorithm : str, optional
        Defaults to ``defaults.algorithm``.

    Returns
    -------
    Run
    """
    d = _check(defaults)
    algorithm = d.algorithm if algorithm is None else algorithm
    return simulate(build_workload(d), algorithm, **settings(d))


def compare(defaults=DEFAULTS, algorithms=ALGORITHMS) -> pl.DataFrame:
    """Every algorithm on the same workload.

    Parameters
    ----------
    defaults : Defaults
    algorithms : sequence of str

    Returns
    -------
    polars.DataFrame
        One row per algorithm, as :func:`labcdn.balancing.metrics`.
    """
    d = _check(defaults)
    algorithms = [check_choice("algorithms", a, ALGORITHMS) for a in algorithms]
    return _every_algorithm(d, algorithms)


def _every_algorithm(d, algorithms, **labels):
    """:func:`metrics` of every algorithm on the one workload that ``d`` describes."""
    w = build_workload(d)
    kw = settings(d)
    return metrics([simulate(w, a, **kw) for a in algorithms], **labels)


def sweep(defaults=DEFAULTS, algorithms=ALGORITHMS, *, progress=False, **grid) -> pl.DataFrame:
    """Every algorithm at every point of a grid of :class:`Defaults` fields.

    Parameters
    ----------
    defaults : Defaults
        Values of the fields not in the grid.
    algorithms : sequence of str
    progress : bool
        Show a tqdm progress bar on stderr.
    **grid
        Field name -> sequence of values, e.g. ``load=[0.5, 0.7, 0.9]``.

    Returns
    -------
    polars.DataFrame
        One row per (grid point, algorithm), with a column per grid field.
    """
    d = _check(defaults)
    algorithms = [check_choice("algorithms", a, ALGORITHMS) for a in algorithms]
    names = [f.name for f in fields(Defaults)]
    for key in grid:
        check_choice("grid field", key, names)
    keys = list(grid)
    points = list(itertools.product(*(list(grid[k]) for k in keys)))
    frames = []
    for values in tqdm(points, disable=not progress, desc="sweep"):
        labels = dict(zip(keys, values, strict=True))
        frames.append(_every_algorithm(replace(d, **labels), algorithms, **labels))
    return pl.concat(frames, how="vertical")


def summary(defaults=DEFAULTS) -> dict:
    """Headline numbers for ``labcdn balancing --json``: p99 per algorithm, live and with stale load.

    Parameters
    ----------
    defaults : Defaults

    Returns
    -------
    dict
        ``{"defaults": {...}, "stale_s": float, "algorithms": {name: {"p99_ms", "mean_ms", "failed",
        "max_utilisation", "p99_ms_stale", "mean_ms_stale"}}}``; plain floats and ints.
    """
    d = _check(defaults)
    w = build_workload(d)
    live = settings(d)
    stale = {**live, "staleness": d.stale}
    out = {"defaults": asdict(d), "stale_s": d.stale, "algorithms": {}}
    for a in ALGORITHMS:
        s = summary_stats(simulate(w, a, **live))
        st = summary_stats(simulate(w, a, **stale))
        out["algorithms"][a] = {"p99_ms": s["p99_ms"], "mean_ms": s["mean_ms"], "failed": s["failed"],
                                "max_utilisation": s["max_utilisation"], "p99_ms_stale": st["p99_ms"],
                                "mean_ms_stale": st["mean_ms"]}
    return _finite(out)


def _finite(obj):
    """JSON has no nan: replace non-finite floats by None."""
    if isinstance(obj, dict):
        return {k: _finite(v) for k, v in obj.items()}
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj


class Remembered:
    """:func:`compare`, remembered per settings and algorithm: the live panel's model.

    A slider move asks for one more point of a grid the panel has usually seen
    before. :meth:`precompute` runs the model once over each slider's values (the
    other controls at their defaults); afterwards a move to any of those points
    reads the stored rows, and any other point runs the model once and is stored.
    Only the one-row :func:`metrics` of each run is kept, not the run.
    """

    def __init__(self):
        self._rows: dict[tuple[Defaults, str], pl.DataFrame] = {}

    def __len__(self) -> int:
        return len(self._rows)

    def __call__(self, defaults=DEFAULTS, algorithms=ALGORITHMS) -> pl.DataFrame:
        """:func:`compare` of ``algorithms`` at ``defaults``, running only the pairs not seen before.

        Parameters
        ----------
        defaults : Defaults
        algorithms : sequence of str

        Returns
        -------
        polars.DataFrame
            The same rows as ``compare(defaults, algorithms)``, in the order of ``algorithms``.
        """
        d = _check(defaults)
        algorithms = [check_choice("algorithms", a, ALGORITHMS) for a in algorithms]
        missing = list(dict.fromkeys(a for a in algorithms if (d, a) not in self._rows))
        if missing:
            fresh = _every_algorithm(d, missing)
            for a, row in zip(missing, fresh.iter_slices(1), strict=True):
                self._rows[(d, a)] = row
        return pl.concat([self._rows[(d, a)] for a in algorithms])

    def precompute(self, points, algorithms=ALGORITHMS, *, progress=False) -> int:
        """Run the model at each of ``points`` not stored yet: typically each slider's values in turn.

        Parameters
        ----------
        points : iterable of Defaults
            The settings a panel will ask for (build them as the panel does, so they compare equal).
        algorithms : sequence of str
        progress : bool
            Show a tqdm progress bar on stderr.

        Returns
        -------
        int
            (settings, algorithm) pairs now stored.
        """
        points = [_check(p) for p in points]
        for point in tqdm(points, disable=not progress, desc="precompute"):
            self(point, algorithms)
        return len(self)
