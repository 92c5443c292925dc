"""Rolling updates: a Kubernetes Deployment's RollingUpdate against Marathon's upgradeStrategy.

``replicas`` old pods serve; each is replaced by a new one. A new pod starts
``startup`` seconds after it is created and its application answers
``warmup`` seconds after that; it becomes ready at the first readiness probe that
finds it answering (probes start ``initial_delay`` after the container starts and
repeat every ``period``: 10 s for Kubernetes, 30 s for Marathon's readiness checks).
A pod that is told to stop stops serving at once.

**Deployment** (``maxSurge`` 25 percent rounded up, ``maxUnavailable`` 25 percent
rounded down; if both round to 0, one pod may be unavailable): on every change the
controller grows the new ReplicaSet while all pods stay within ``replicas + surge``,
then shrinks the old ones while available pods stay at least
``replicas - unavailable``, repeating until nothing moves.

**Marathon** (``minimumHealthCapacity`` 1.0, ``maximumOverCapacity`` 1.0): it first
kills old instances down to ``ceil(replicas x minimumHealthCapacity)``, launches new
ones while all instances stay within ``floor(replicas x (1 + maximumOverCapacity))``
(one more if that would allow no launch and no kill), and kills one old instance
each time a new one becomes ready.

References
----------
.. [1] Kubernetes API reference, ``RollingUpdateDeployment`` (maxSurge/maxUnavailable
   default 25 percent; surge rounds up, unavailable rounds down); deployment
   controller ``rolling.go`` and ``deploymentutil.ResolveFenceposts``; probe defaults
   (``periodSeconds`` 10, ``initialDelaySeconds`` 0).
.. [2] Marathon documentation, "Deployments" (``upgradeStrategy`` defaults 1.0 and 1.0)
   and "Readiness Checks" (``intervalSeconds`` default 30); ``TaskReplaceActor``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import polars as pl

from labcdn._jit import kernel
from labcdn._validation import check_choice, check_range

#: The two rolling strategies :func:`compare` sets side by side.
STRATEGIES = ("deployment", "marathon")
#: Every strategy :func:`rolling_update` models: a Deployment's two types (``RollingUpdate``, here
#: "deployment", and ``Recreate``) and Marathon's rolling deployment (Marathon has no recreate type;
#: ``minimumHealthCapacity`` 0 with ``maximumOverCapacity`` 0 behaves like one).
ALL_STRATEGIES = ("deployment", "marathon", "recreate")


@dataclass(frozen=True)
class RollingDefaults:
    """Slider defaults: each orchestrator's published settings, and an illustrative application.

    Attributes
    ----------
    replicas : int
        10 pods.
    max_surge, max_unavailable : str
        "25%" each (Deployment defaults).
    minimum_health_capacity, maximum_over_capacity : float
        1.0 and 1.0 (Marathon defaults).
    startup, warmup : float
        10 s to start a container, 20 s more before the application answers (assumptions).
    k8s_period, marathon_period : float
        Readiness probe intervals: 10 s (Kubernetes ``periodSeconds``) and 30 s
        (Marathon ``intervalSeconds``).
    initial_delay : float
        0 s (Kubernetes ``initialDelaySeconds``; Marathon checks once the task runs).
    """

    replicas: int = 10
    max_surge: str = "25%"
    max_unavailable: str = "25%"
    minimum_health_capacity: float = 1.0
    maximum_over_capacity: float = 1.0
    startup: float = 10.0
    warmup: float = 20.0
    k8s_period: float = 10.0
    marathon_period: float = 30.0
    initial_delay: float = 0.0


DEFAULTS = RollingDefaults()


def _resolve(name, value, replicas, round_up):
    if isinstance(value, str):
        text = value.strip()
        if not text.endswith("%"):
            raise ValueError(f"{name}={value!r} must be a whole number or a percentage like '25%'")
        try:
            pct = int(text[:-1])
        except ValueError:
            raise ValueError(f"{name}={value!r} must be a whole number or a percentage like '25%'") from None
        check_range(name, pct, 0, 100, integer=True)
        scaled = pct * replicas
        return -(-scaled // 100) if round_up else scaled // 100
    return check_range(name, value, 0, None, integer=True)


def rolling_update_bounds(replicas, max_surge=DEFAULTS.max_surge, max_unavailable=DEFAULTS.max_unavailable):
    """Absolute surge and unavailability of a Deployment, as the controller resolves them.

    Parameters
    ----------
    replicas : int
        Desired pods, >= 0.
    max_surge, max_unavailable : int or str
        Absolute counts or percentages ("25%"); a percentage of surge rounds up,
        of unavailability down.

    Returns
    -------
    (int, int)
        ``(surge, unavailable)``; if both are 0, unavailable becomes 1.
    """
    replicas = check_range("replicas", replicas, 0, None, integer=True)
    surge = _resolve("max_surge", max_surge, replicas, True)
    unavailable = _resolve("max_unavailable", max_unavailable, replicas, False)
    if surge == 0 and unavailable == 0:
        unavailable = 1
    return surge, unavailable


def marathon_bounds(replicas, minimum_health_capacity=DEFAULTS.minimum_health_capacity,
                    maximum_over_capacity=DEFAULTS.maximum_over_capacity):
    """Marathon's restart strategy: ``(kill at once, minimum healthy, maximum instances)``.

    Parameters
    ----------
    replicas : int
    minimum_health_capacity, maximum_over_capacity : float
        Fractions, 0 to 1.

    Returns
    -------
    (int, int, int)
    """
    replicas = check_range("replicas", replicas, 1, None, integer=True)
    mhc = check_range("minimum_health_capacity", minimum_health_capacity, 0.0, 1.0)
    moc = check_range("maximum_over_capacity", maximum_over_capacity, 0.0, 1.0)
    min_healthy = math.ceil(replicas * mhc)
    max_capacity = math.floor(replicas * (1.0 + moc))
    kill_now = max(0, replicas - min_healthy)
    if kill_now == 0 and max_capacity == replicas:
        max_capacity += 1
    return kill_now, min_healthy, max_capacity


@kernel
def _rolling_kernel(strategy, replicas, surge, unavailable, kill_now, max_capacity, ready_delay, out, max_rows):
    """Event loop; rows of ``out``: time, old serving, new ready, new created, all pods. Returns rows written."""
    ready_at = np.empty(4 * replicas + 4)
    created = 0
    old = replicas
    t = 0.0
    rows = 0
    if strategy != 0:  # Marathon kills its first batch at once; Recreate kills every old pod first
        old -= kill_now
    while True:
        ready = 0
        for k in range(created):
            if ready_at[k] <= t:
                ready += 1
        if strategy == 0:
            while True:  # the Deployment controller's syncs at time t, until nothing changes
                total = old + created
                grow = min(replicas + surge - total, replicas - created)
                if grow > 0:
                    for k in range(created, created + grow):
                        ready_at[k] = t + ready_delay
                    created += grow
                    continue
                min_available = replicas - unavailable
                max_scaled_down = total - min_available - (created - ready)
                shrink = min(old, old + ready - min_available) if max_scaled_down > 0 else 0
                if shrink > 0:
                    old -= shrink
                    continue
                break
        else:
            start = min(replicas - created, max(0, max_capacity - old - created))
            for k in range(created, created + start):
                ready_at[k] = t + ready_delay
            created += start
        if rows < max_rows:
            out[rows, 0] = t
            out[rows, 1] = old
            out[rows, 2] = ready
            out[rows, 3] = created
            out[rows, 4] = old + created
            rows += 1
        if old == 0 and ready == replicas:
            return rows
        nxt = np.inf
        for k in range(created):
            if t < ready_at[k] < nxt:
                nxt = ready_at[k]
        if nxt == np.inf:
            return rows  # stuck (cannot happen with valid bounds)
        if strategy != 0:
            became = 0
            for k in range(created):
                if t < ready_at[k] <= nxt:
                    became += 1
            old = max(0, old - became)  # one old instance killed per new ready instance
        t = nxt


def ready_delay(startup, warmup, period, initial_delay=0.0):
    """Seconds from creating a pod to its first successful readiness probe.

    Probes run at ``startup + initial_delay + k x period``; the first at or after
    ``startup + warmup`` succeeds.
    """
    first = startup + initial_delay
    answering = startup + warmup
    if answering <= first:
        return first
    return first + math.ceil((answering - first) / period - 1e-12) * period


def rolling_update(strategy="deployment", replicas=DEFAULTS.replicas, *, max_surge=DEFAULTS.max_surge,
                   max_unavailable=DEFAULTS.max_unavailable,
                   minimum_health_capacity=DEFAULTS.minimum_health_capacity,
                   maximum_over_capacity=DEFAULTS.maximum_over_capacity, startup=DEFAULTS.startup,
                   warmup=DEFAULTS.warmup, period=None, initial_delay=DEFAULTS.initial_delay):
    """Replace every pod of a service and follow its capacity.

    Parameters
    ----------
    strategy : {"deployment", "marathon", "recreate"}
        A Deployment with ``RollingUpdate`` (its default type), Marathon's
        rolling deployment, or a Deployment with ``Recreate``: every old pod
        is killed before any new one is created, so capacity drops to zero
        until the first new pod is ready.
    replicas : int
        1 to 10,000.
    max_surge, max_unavailable : int or str
        Deployment settings.
    minimum_health_capacity, maximum_over_capacity : float
        Marathon settings.
    startup, warmup : float
        Seconds (0 to 3600); ``startup + initial_delay`` must be positive.
    period : float, optional
        Readiness probe interval (default 10 s for a Deployment, 30 s for Marathon).
    initial_delay : float
        Seconds before the first probe.

    Returns
    -------
    timeline : polars.DataFrame
        One row per change: ``time``, ``old`` (old pods serving), ``new_ready``,
        ``new_created``, ``pods`` (all pods, ready or not), ``capacity`` (serving
        pods over ``replicas``).
    summary : dict
        ``duration`` (seconds until every new pod is ready and no old pod is left),
        ``min_capacity``, ``max_pods``, ``surge`` and ``unavailable`` (the resolved
        bounds; for Marathon the instances killed at once and ``max_capacity - replicas``).
    """
    check_choice("strategy", strategy, ALL_STRATEGIES)
    replicas = check_range("replicas", replicas, 1, 10_000, integer=True)
    startup = check_range("startup", startup, 0.0, 3600.0)
    warmup = check_range("warmup", warmup, 0.0, 3600.0)
    initial_delay = check_range("initial_delay", initial_delay, 0.0, 3600.0)
    if period is None:
        period = DEFAULTS.marathon_period if strategy == "marathon" else DEFAULTS.k8s_period
    period = check_range("period", period, 0.0, 3600.0, low_open=True)
    delay = ready_delay(startup, warmup, period, initial_delay)
    if delay <= 0:
        raise ValueError("startup + initial_delay must be > 0: a pod cannot be ready the instant it is created")
    if strategy == "deployment":
        surge, unavailable = rolling_update_bounds(replicas, max_surge, max_unavailable)
        kill_now, max_capacity = 0, 0
    elif strategy == "recreate":
        kill_now, max_capacity = replicas, replicas
        surge, unavailable = 0, replicas
    else:
        kill_now, _, max_capacity = marathon_bounds(replicas, minimum_health_capacity, maximum_over_capacity)
        surge, unavailable = max_capacity - replicas, kill_now
    out = np.zeros((4 * replicas + 4, 5))
    rows = _rolling_kernel(ALL_STRATEGIES.index(strategy), replicas, surge, unavailable, kill_now, max_capacity,
                           delay, out, out.shape[0])
    frame = pl.DataFrame(out[:rows], schema=["time", "old", "new_ready", "new_created", "pods"], orient="row")
    frame = frame.with_columns(pl.col("old", "new_ready", "new_created", "pods").cast(pl.Int64)).with_columns(
        ((pl.col("old") + pl.col("new_ready")) / replicas).alias("capacity"))
    summary = {"duration": float(frame["time"][-1]), "min_capacity": float(frame["capacity"].min()),
               "max_pods": int(frame["pods"].max()), "surge": int(surge), "unavailable": int(unavailable)}
    return frame, summary


def compare(replicas=DEFAULTS.replicas, strategies=STRATEGIES, **options) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Strategies side by side on the same service.

    Parameters
    ----------
    replicas : int
    strategies : tuple of str
        Default the two rolling strategies (:data:`STRATEGIES`); :data:`ALL_STRATEGIES` adds Recreate.
    **options
        Passed to :func:`rolling_update` (``period`` applies to both if given).

    Returns
    -------
    timeline : polars.DataFrame
        Both timelines stacked with a ``strategy`` column.
    summary : polars.DataFrame
        One row per strategy.
    """
    frames, rows = [], []
    for strategy in strategies:
        frame, summary = rolling_update(strategy, replicas, **options)
        frames.append(frame.with_columns(pl.lit(strategy).alias("strategy")))
        rows.append({"strategy": strategy, **summary})
    return pl.concat(frames), pl.DataFrame(rows)
