"""What a run measured, as tidy polars frames: response times, failures, utilisation, queues.

Response-time statistics are over the requests that were served; failed
requests (lost, refused, no_server) are counted separately. Times in the
frames are in milliseconds (``_ms``) or seconds (``_s``).
"""

from __future__ import annotations

import numpy as np
import polars as pl

from labcdn._validation import check_range
from labcdn.balancing.event_loop import LOST, NO_SERVER, OK, REFUSED
from labcdn.balancing.simulation import STATUSES, Run

QUANTILES = {"p50_ms": 0.5, "p99_ms": 0.99, "p999_ms": 0.999}


def _check_run(run):
    if not isinstance(run, Run):
        raise ValueError(f"run must be a labcdn.balancing.Run; got {type(run).__name__}")


def summary_stats(run) -> dict:
    """Headline numbers of one run as plain Python numbers.

    Parameters
    ----------
    run : Run

    Returns
    -------
    dict
        ``requests``, ``ok``, ``lost``, ``refused``, ``no_server``, ``failed``
        (the last three and lost together), ``mean_ms``, ``p50_ms``,
        ``p99_ms``, ``p999_ms`` (served requests; nan if none),
        ``max_utilisation`` and ``min_utilisation`` (share of the run each
        backend was busy), ``events``, ``duration_s``, and Little's law:
        ``in_system`` (time-average number of requests in the system),
        ``throughput`` (requests per second) and ``sojourn_ms`` (mean time in
        the system, all requests).
    """
    _check_run(run)
    counts = np.bincount(run.status, minlength=len(STATUSES))
    resp = run.response[run.status == OK] * 1e3
    out = {"requests": int(run.status.size), "ok": int(counts[OK]), "lost": int(counts[LOST]),
           "refused": int(counts[REFUSED]), "no_server": int(counts[NO_SERVER]),
           "failed": int(counts[LOST] + counts[REFUSED] + counts[NO_SERVER])}
    out["mean_ms"] = float(resp.mean()) if resp.size else float("nan")
    qs = np.quantile(resp, list(QUANTILES.values())) if resp.size else [float("nan")] * len(QUANTILES)
    out.update({name: float(q) for name, q in zip(QUANTILES, qs, strict=True)})
    util = _utilisation(run)
    out["max_utilisation"] = float(util.max())
    out["min_utilisation"] = float(util.min())
    out["events"] = run.events
    out["duration_s"] = run.duration
    law = littles_law(run)
    out["in_system"] = law["in_system"]
    out["throughput"] = law["throughput"]
    out["sojourn_ms"] = law["sojourn_s"] * 1e3
    return out


def metrics(runs, **labels) -> pl.DataFrame:
    """One row per run: its algorithm, its settings, and :func:`summary_stats`.

    Parameters
    ----------
    runs : Run or sequence of Run
    **labels
        Extra constant columns (e.g. ``load=0.8``) added to every row.

    Returns
    -------
    polars.DataFrame
    """
    runs = [runs] if isinstance(runs, Run) else list(runs)
    rows = []
    for run in runs:
        _check_run(run)
        w, s = run.workload, run.settings
        row = {**labels, "algorithm": run.algorithm, "load": w.load, "backends": w.cluster.size,
               "nodes": w.nodes, "service": w.service, "staleness_s": s["staleness"], "view": s["view"]}
        row.update(summary_stats(run))
        rows.append(row)
    return pl.DataFrame(rows)


def littles_law(run) -> dict:
    """Little's law ``L = lambda W`` on one run, both sides measured independently.

    ``L`` is the kernel's time integral of the number of requests in the
    system over the run, divided by its length; ``lambda`` is requests over the
    run's length; ``W`` the mean of the per-request times (departure or failure
    minus arrival). Over a run that starts and ends empty the two sides agree
    to rounding; a gap means requests were created or lost in the bookkeeping.

    Returns
    -------
    dict
        ``in_system``, ``throughput``, ``sojourn_s``, ``relative_gap``.
    """
    _check_run(run)
    big_l = run.area / run.duration
    lam = run.status.size / run.duration
    w = float(np.mean(run.response))
    return {"in_system": big_l, "throughput": lam, "sojourn_s": w,
            "relative_gap": abs(big_l - lam * w) / max(big_l, 1e-300)}


def _utilisation(run):
    return 1.0 - run.occupancy[:, 0] / run.duration


def backend_stats(run) -> pl.DataFrame:
    """One row per backend: how much it was given and how busy it was.

    Parameters
    ----------
    run : Run

    Returns
    -------
    polars.DataFrame
        ``backend``, ``speed``, ``weight``, ``served`` and ``failed``
        (requests sent to it), ``share`` (of all served requests),
        ``utilisation`` (share of the run it was busy) and ``mean_present``
        (time-average requests in service or queued there).
    """
    _check_run(run)
    c = run.workload.cluster
    nb = c.size
    sent = run.backend >= 0
    served = np.bincount(run.backend[run.status == OK], minlength=nb)
    failed = np.bincount(run.backend[sent & (run.status != OK)], minlength=nb)
    present = run.occupancy @ np.arange(run.occupancy.shape[1]) / run.duration
    return pl.DataFrame({
        "backend": np.arange(nb), "speed": c.speeds, "weight": c.weights, "served": served, "failed": failed,
        "share": served / max(int(served.sum()), 1), "utilisation": _utilisation(run), "mean_present": present,
    })


def timeline(run, bin_s=1.0) -> pl.DataFrame:
    """One row per time bin (by arrival): requests, served, failed, mean and p99 response of the served.

    Parameters
    ----------
    run : Run
    bin_s : float
        Bin width in seconds, in (0, 3600].

    Returns
    -------
    polars.DataFrame
        Columns ``t_s`` (bin start), ``requests``, ``ok``, ``failed``, ``mean_ms``, ``p99_ms``.
    """
    _check_run(run)
    bin_s = float(check_range("bin_s", bin_s, 0.0, 3600.0, low_open=True))
    frame = pl.DataFrame({"t_s": np.floor(run.workload.arrival / bin_s) * bin_s,
                          "ok": run.status == OK, "ms": run.response * 1e3})
    return (frame.group_by("t_s").agg(
        pl.len().alias("requests"), pl.col("ok").sum().alias("ok"), (~pl.col("ok")).sum().alias("failed"),
        pl.col("ms").filter(pl.col("ok")).mean().alias("mean_ms"),
        pl.col("ms").filter(pl.col("ok")).quantile(0.99, interpolation="linear").alias("p99_ms"),
    ).sort("t_s").with_columns(pl.col("requests", "ok", "failed").cast(pl.Int64)))


def queue_tail(run, longest=10) -> pl.DataFrame:
    """Share of backend-time with at least ``i`` requests present, for ``i = 1 .. longest``.

    For power of d choices on many identical exponential backends this is the
    quantity whose fixed point is ``s_i = lambda**((d**i - 1) / (d - 1))``
    (Mitzenmacher's supermarket model, :func:`labcdn.balancing.supermarket_tail`).

    Parameters
    ----------
    run : Run
    longest : int
        Largest ``i``, in [1, 64].

    Returns
    -------
    polars.DataFrame
        ``i`` and ``share``.
    """
    _check_run(run)
    longest = check_range("longest", longest, 1, run.occupancy.shape[1] - 1, integer=True)
    time_at = run.occupancy.sum(axis=0) / (run.duration * run.occupancy.shape[0])
    at_least = np.cumsum(time_at[::-1])[::-1]
    i = np.arange(1, longest + 1)
    return pl.DataFrame({"i": i, "share": at_least[i]})


def detections(run) -> pl.DataFrame:
    """When each balancer node noticed a backend go down or come back.

    Parameters
    ----------
    run : Run

    Returns
    -------
    polars.DataFrame
        One row per verdict change: ``t_s``, ``node``, ``backend``, ``up``.
    """
    _check_run(run)
    d = run.detections
    return pl.DataFrame({"t_s": d[:, 0], "node": d[:, 1].astype(np.int64), "backend": d[:, 2].astype(np.int64),
                         "up": d[:, 3] > 0.5})
