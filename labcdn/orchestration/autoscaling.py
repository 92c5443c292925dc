"""Horizontal autoscaling: Kubernetes' HPA control loop against Marathon with an external autoscaler.

One service, one day of load: a diurnal cycle peaking in the evening and a spike
(a premiere) on top. A replica serves ``replica_rps`` requests a second at 100 percent
CPU and becomes ready ``startup`` seconds after it is created; load above what
the ready replicas can serve is overload (the SLO is violated that second).

**HPA** (every ``sync`` = 15 s): utilisation of the ready pods over the last sync
period against the target; ``desired = ceil(ready x utilisation / target)``, no change
within the tolerance (0.1); when scaling up with pods not yet ready, those count as
0 percent and the step is skipped if that reverses it or lands within tolerance.
Scale-up is immediate but limited per 15 s to the larger of +100 percent and
+4 pods; scale-down takes the highest recommendation of the last 300 s
(stabilisation window) and may remove up to 100 percent per 15 s.

**Marathon** has no autoscaler of its own; Mesosphere's ``marathon-autoscale`` polls
every ``interval`` (30 s in its sample app), and after ``trigger_number`` (3)
consecutive polls above ``max_range`` (80 percent CPU) multiplies the instances by
``multiplier`` (1.5, rounded up), after ``cool_down_factor`` (4) polls below
``min_range`` (55 percent) divides them (rounded down).

References
----------
.. [1] Kubernetes documentation, "Horizontal Pod Autoscaling" (algorithm, tolerance 0.1,
   ``--horizontal-pod-autoscaler-sync-period`` 15 s, default behavior: scale-down
   stabilization 300 s and 100 percent per 15 s; scale-up 100 percent or 4 pods per 15 s,
   whichever is more); "HorizontalPodAutoscaler Walkthrough" (target 50 percent CPU).
.. [2] github.com/mesosphere/marathon-autoscale, ``autoscaler/autoscaler.py`` and
   ``marathon_defs/autoscale-cpu-noauth-marathon.json``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import polars as pl

from labcdn._jit import kernel
from labcdn._validation import check_choice, check_range

CONTROLLERS = ("hpa", "marathon")
DAY = 86_400.0


@dataclass(frozen=True)
class AutoscalingDefaults:
    """Slider defaults. Controller settings are the published defaults; the load is illustrative.

    Attributes
    ----------
    mean_rps, amplitude, peak_hour : float
        Diurnal load: 2,000 requests/s on average, +-60 percent, peaking at 20:00.
    spike_factor, spike_hour, spike_minutes : float
        A 3x spike at 21:00 lasting 10 minutes.
    replica_rps : float
        Requests/s one replica serves at 100 percent CPU: 100.
    startup : float
        Seconds from creation to ready: 30 (an assumption).
    min_replicas, max_replicas : int
        2 (marathon-autoscale's advice: "don't make less than 2") and 200.
    target : float
        HPA target utilisation, 0.5 (the HPA walkthrough's 50 percent).
    tolerance, sync, stabilization, up_percent, up_pods, down_percent : float
        HPA: 0.1, 15 s, 300 s, 100 percent or 4 pods per 15 s up, 100 percent per 15 s down
        (the policies' period is taken equal to the sync period, as in the defaults).
    interval, max_range, min_range, multiplier : float
        marathon-autoscale: 30 s polls, 80 / 55 percent, x1.5.
    trigger_number, cool_down_factor : int
        Consecutive polls before scaling up (3) and down (4).
    """

    mean_rps: float = 2000.0
    amplitude: float = 0.6
    peak_hour: float = 20.0
    spike_factor: float = 3.0
    spike_hour: float = 21.0
    spike_minutes: float = 10.0
    replica_rps: float = 100.0
    startup: float = 30.0
    min_replicas: int = 2
    max_replicas: int = 200
    target: float = 0.5
    tolerance: float = 0.1
    sync: float = 15.0
    stabilization: float = 300.0
    up_percent: float = 100.0
    up_pods: int = 4
    down_percent: float = 100.0
    interval: float = 30.0
    max_range: float = 0.8
    min_range: float = 0.55
    multiplier: float = 1.5
    trigger_number: int = 3
    cool_down_factor: int = 4


DEFAULTS = AutoscalingDefaults()


def diurnal_load(seconds=int(DAY), *, mean_rps=DEFAULTS.mean_rps, amplitude=DEFAULTS.amplitude,
                 peak_hour=DEFAULTS.peak_hour, spike_factor=DEFAULTS.spike_factor, spike_hour=DEFAULTS.spike_hour,
                 spike_minutes=DEFAULTS.spike_minutes) -> np.ndarray:
    """Requests per second, one value per second of the day.

    Parameters
    ----------
    seconds : int
        Length, 1 to 7 days.
    mean_rps : float
        Daily mean (> 0).
    amplitude : float
        Relative swing, 0 to 1: ``mean x (1 + amplitude x cos(2 pi (t - peak) / day))``.
    peak_hour, spike_hour : float
        Hours of the day, 0 to 24.
    spike_factor : float
        Multiplier during the spike, >= 1.
    spike_minutes : float
        Spike length, 0 to 1440.

    Returns
    -------
    numpy.ndarray of float64
    """
    seconds = check_range("seconds", seconds, 1, 7 * int(DAY), integer=True)
    mean_rps = check_range("mean_rps", mean_rps, 0.0, None, low_open=True)
    amplitude = check_range("amplitude", amplitude, 0.0, 1.0)
    peak_hour = check_range("peak_hour", peak_hour, 0.0, 24.0)
    spike_hour = check_range("spike_hour", spike_hour, 0.0, 24.0)
    spike_factor = check_range("spike_factor", spike_factor, 1.0, 100.0)
    spike_minutes = check_range("spike_minutes", spike_minutes, 0.0, 1440.0)
    t = np.arange(seconds, dtype=np.float64)
    load = mean_rps * (1.0 + amplitude * np.cos(2.0 * np.pi * (t - 3600.0 * peak_hour) / DAY))
    in_spike = ((t % DAY) >= 3600.0 * spike_hour) & ((t % DAY) < 3600.0 * spike_hour + 60.0 * spike_minutes)
    return np.where(in_spike, load * spike_factor, load)


@kernel
def hpa_recommendation(ready, unready, utilisation, target, tolerance):
    """The HPA's raw recommendation for a utilisation metric (before stabilisation and policies).

    ``ratio = utilisation / target``; within ``tolerance`` of 1 nothing changes;
    otherwise ``ceil(ratio x ready)``. When scaling up while ``unready`` pods exist,
    they count as using 0: ``ratio`` becomes ``ratio x ready / (ready + unready)``, and
    if that is within ``tolerance`` of 1 or no longer above 1 the count stays
    ``ready + unready``. The tests are written as ``GetResourceReplicas`` in
    Kubernetes' ``replica_calculator.go`` writes them (``|1 - ratio| <= tolerance``),
    so float rounding at the boundary falls the same way.
    Returns the recommended replica count (``ready + unready`` for "no change").
    """
    current = ready + unready
    if ready == 0:
        return current
    ratio = utilisation / target
    if abs(1.0 - ratio) <= tolerance:
        return current
    if ratio > 1.0 and unready > 0:
        ratio = ratio * ready / current
        if abs(1.0 - ratio) <= tolerance or ratio < 1.0:  # too small a change, or the direction reverses
            return current
        return np.int64(math.ceil(ratio * current))
    return np.int64(math.ceil(ratio * ready))


@kernel
def _autoscale_kernel(load, controller, replica_rps, startup, min_r, max_r, target, tolerance, sync, stabilization,
                      up_percent, up_pods, down_percent, interval, max_range, min_range, multiplier,
                      trigger_number, cool_down_factor, initial, sample, out_series, out_totals):
    n = load.size
    steps = int(sync) if controller == 0 else int(interval)
    ready_at = np.empty(max_r + 1)  # creation-ordered ready times of the replicas (oldest first)
    spec = initial
    for k in range(spec):
        ready_at[k] = -1.0  # the day starts with ``initial`` ready replicas
    recs_t = np.empty(n // max(1, steps) + 2)
    recs_v = np.empty(n // max(1, steps) + 2, dtype=np.int64)
    nrec = 0
    used_window = 0.0  # sum over the window of per-second utilisation of ready replicas
    seconds_window = 0
    trigger = 0
    cool = 0
    overload_seconds = 0
    excess = 0.0
    total = 0.0
    replica_seconds = 0.0
    events = 0
    si = 0
    for t in range(n):
        ready = 0
        for k in range(spec):
            if ready_at[k] <= t:
                ready += 1
        capacity = ready * replica_rps
        if load[t] > capacity:
            overload_seconds += 1
            excess += load[t] - capacity
        total += load[t]
        replica_seconds += spec
        util = 1.0 if capacity <= 0 else min(1.0, load[t] / capacity)
        if ready > 0:
            used_window += util
            seconds_window += 1
        if t % sample == 0:
            out_series[si, 0] = t
            out_series[si, 1] = load[t]
            out_series[si, 2] = capacity
            out_series[si, 3] = spec
            out_series[si, 4] = ready
            si += 1
        if (t + 1) % steps != 0:
            continue
        metric = used_window / seconds_window if seconds_window > 0 else 0.0
        used_window = 0.0
        seconds_window = 0
        now = t + 1.0
        new = spec
        if controller == 0:
            raw = hpa_recommendation(ready, spec - ready, metric, target, tolerance)
            recs_t[nrec] = now
            recs_v[nrec] = raw
            nrec += 1
            if raw > spec:
                new = raw
                limit = max(math.ceil(spec * (1.0 + up_percent / 100.0)), spec + up_pods)
                new = min(new, limit)
            else:
                highest = raw
                for k in range(nrec):
                    if recs_t[k] > now - stabilization and recs_v[k] > highest:
                        highest = recs_v[k]
                new = min(spec, highest)
                floor_down = spec - math.floor(spec * down_percent / 100.0)
                new = max(new, floor_down)
        else:
            if metric > max_range:
                trigger += 1
                cool = 0
                if trigger >= trigger_number:
                    new = math.ceil(spec * multiplier)
                    trigger = 0
            elif metric < min_range:
                cool += 1
                trigger = 0
                if cool >= cool_down_factor:
                    new = math.floor(spec / multiplier)
                    cool = 0
        new = min(max(new, min_r), max_r)
        if new > spec:
            for k in range(spec, new):
                ready_at[k] = now + startup
            events += 1
        elif new < spec:
            events += 1  # the youngest replicas go first (ReplicaSet and Marathon's YOUNGEST_FIRST)
        spec = new
    out_totals[0] = overload_seconds
    out_totals[1] = excess
    out_totals[2] = total
    out_totals[3] = replica_seconds
    out_totals[4] = events
    return si


def autoscale(controller="hpa", load=None, *, sample=60, initial_replicas=None,
              **params) -> tuple[pl.DataFrame, dict]:
    """Run one controller over a load series.

    Parameters
    ----------
    controller : {"hpa", "marathon"}
    load : array_like of float, optional
        Requests/s, one per second (default :func:`diurnal_load` with the defaults).
    sample : int
        Seconds between rows of the returned series (1 to 3600).
    initial_replicas : int, optional
        Ready replicas at time 0 (default: enough for the first second's load at the HPA
        target, within the bounds, so both controllers start from the same steady state).
    **params
        Any field of :class:`AutoscalingDefaults` except the load shape (``replica_rps``,
        ``startup``, ``min_replicas``, ``max_replicas``, ``target``, ``tolerance``, ``sync``,
        ``stabilization``, ``up_percent``, ``up_pods``, ``down_percent``, ``interval``,
        ``max_range``, ``min_range``, ``multiplier``, ``trigger_number``, ``cool_down_factor``).

    Returns
    -------
    series : polars.DataFrame
        One row per ``sample`` seconds: ``time``, ``load``, ``capacity`` (of ready
        replicas), ``replicas`` (asked for), ``ready``.
    totals : dict
        ``slo_violation_seconds`` (load above ready capacity), ``overload_fraction``
        (requests above capacity over all requests), ``replica_minutes``, ``scale_events``.
    """
    check_choice("controller", controller, CONTROLLERS)
    load = diurnal_load() if load is None else np.ascontiguousarray(load, dtype=np.float64)
    if load.ndim != 1 or load.size == 0 or not np.isfinite(load).all() or (load < 0).any():
        raise ValueError("load must be a non-empty 1-d array of finite requests/s >= 0")
    sample = check_range("sample", sample, 1, 3600, integer=True)
    unknown = set(params) - set(AutoscalingDefaults.__dataclass_fields__)
    if unknown:
        raise ValueError(f"unknown parameter(s) {sorted(unknown)}; see AutoscalingDefaults")
    p = {**DEFAULTS.__dict__, **params}
    ranges = {"replica_rps": (0.0, None, True), "startup": (0.0, 3600.0, False), "target": (0.0, 1.0, True),
              "tolerance": (0.0, 1.0, False), "sync": (1.0, 3600.0, False), "stabilization": (0.0, 3600.0, False),
              "up_percent": (0.0, 1000.0, False), "down_percent": (0.0, 100.0, False),
              "interval": (1.0, 3600.0, False), "max_range": (0.0, 1.0, False), "min_range": (0.0, 1.0, False),
              "multiplier": (1.0, 10.0, True)}
    for name, (lo, hi, open_low) in ranges.items():
        check_range(name, p[name], lo, hi, low_open=open_low)
    for name, (lo, hi) in {"min_replicas": (1, 100_000), "max_replicas": (1, 100_000), "up_pods": (0, 100_000),
                           "trigger_number": (1, 1000), "cool_down_factor": (1, 1000)}.items():
        check_range(name, p[name], lo, hi, integer=True)
    if p["min_replicas"] > p["max_replicas"]:
        raise ValueError(f"min_replicas={p['min_replicas']} exceeds max_replicas={p['max_replicas']}")
    if p["min_range"] > p["max_range"]:
        raise ValueError(f"min_range={p['min_range']} exceeds max_range={p['max_range']}")
    if initial_replicas is None:
        initial_replicas = math.ceil(load[0] / (p["replica_rps"] * p["target"]))
    initial = min(max(check_range("initial_replicas", initial_replicas, 0, None, integer=True),
                      p["min_replicas"]), p["max_replicas"])
    series = np.zeros(((load.size - 1) // sample + 1, 5))
    totals = np.zeros(5)
    _autoscale_kernel(load, CONTROLLERS.index(controller), float(p["replica_rps"]), float(p["startup"]),
                      int(p["min_replicas"]), int(p["max_replicas"]), float(p["target"]), float(p["tolerance"]),
                      float(p["sync"]), float(p["stabilization"]), float(p["up_percent"]), int(p["up_pods"]),
                      float(p["down_percent"]), float(p["interval"]), float(p["max_range"]), float(p["min_range"]),
                      float(p["multiplier"]), int(p["trigger_number"]), int(p["cool_down_factor"]), initial, sample,
                      series, totals)
    frame = pl.DataFrame(series, schema=["time", "load", "capacity", "replicas", "ready"], orient="row")
    frame = frame.with_columns(pl.col("replicas", "ready").cast(pl.Int64))
    out = {"slo_violation_seconds": int(totals[0]), "overload_fraction": totals[1] / totals[2] if totals[2] else 0.0,
           "replica_minutes": totals[3] / 60.0, "scale_events": int(totals[4])}
    return frame, out


def compare(load=None, *, sample=60, initial_replicas=None, **params) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Both controllers on the same load.

    Parameters
    ----------
    load : array_like of float, optional
    sample, initial_replicas : int
    **params
        As for :func:`autoscale`.

    Returns
    -------
    series : polars.DataFrame
        :func:`autoscale`'s series with a ``controller`` column, both stacked.
    totals : polars.DataFrame
        One row per controller with the totals of :func:`autoscale`.
    """
    frames, rows = [], []
    for controller in CONTROLLERS:
        frame, totals = autoscale(controller, load, sample=sample, initial_replicas=initial_replicas, **params)
        frames.append(frame.with_columns(pl.lit(controller).alias("controller")))
        rows.append({"controller": controller, **totals})
    return pl.concat(frames), pl.DataFrame(rows)
