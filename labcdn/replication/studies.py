"""Studies at the chapter's :class:`~labcdn.replication.ReplicationParams`, as tidy polars frames.

:func:`scenario`, :func:`compare`, :func:`server_table`, :func:`failure`,
:func:`copies_sweep`, :func:`routing_check`, and :func:`summary` for
``labcdn replication --json``. A failed server gets no load; its files' demand
moves to their other live copies under the same routing, and files with no
live copy leave the cluster; nothing is re-placed (Open Connect fills at night).
"""

from __future__ import annotations

import math
from dataclasses import asdict
from typing import NamedTuple

import numpy as np
import polars as pl

from labcdn._validation import check_choice, check_range
from labcdn.replication.allocation import ServerLoads, _alive_mask, server_loads, usable_fraction
from labcdn.replication.copies import copy_counts, storage_overhead
from labcdn.replication.parameters import COPY_RULES, DEFAULTS, ROUTINGS, ReplicationParams, _checked
from labcdn.replication.placement import Placement, place
from labcdn.replication.requests import simulate_requests
from labcdn.replication.tiers import tier_shares
from labcdn.replication.workloads import workload


class Scenario(NamedTuple):
    """One configuration evaluated: copies, placement, demand in Gbps and expected loads."""

    copies: np.ndarray
    placement: Placement
    demand_gbps: np.ndarray
    loads: ServerLoads
    capacity: np.ndarray


def scenario(defaults=DEFAULTS, work=None, *, copy_rule=None, routing=None, failed=None):
    """Evaluate one configuration: copies, placement and expected loads at ``defaults.utilisation``.

    Parameters
    ----------
    defaults : ReplicationParams
        Slider values.
    work : Workload, optional
        Files to use (default :func:`workload` ``(defaults)``; pass it to reuse one across calls).
    copy_rule, routing : str, optional
        Override ``defaults.copy_rule`` / ``defaults.routing``.
    failed : int or array_like of int, optional
        Failed servers.

    Returns
    -------
    Scenario
        Demand is ``utilisation x servers x server_gbps`` Gbps in total.
    """
    d = _checked(defaults)
    work = workload(d) if work is None else work
    rule = d.copy_rule if copy_rule is None else copy_rule
    copies = copy_counts(work.demand, rule, d.servers, max_copies=d.max_copies, copy_share=d.copy_share,
                         uniform_copies=d.uniform_copies)
    placement = place(work.keys, copies, d.servers, algorithm=d.placement, vnodes=d.vnodes)
    capacity = np.full(d.servers, float(d.server_gbps))
    demand_gbps = work.demand * (d.utilisation * capacity.sum())
    loads = server_loads(placement, demand_gbps, routing=d.routing if routing is None else routing,
                         capacity=capacity, failed=failed)
    return Scenario(copies, placement, demand_gbps, loads, capacity)


def _failed_server(defaults, placement, demand):
    """``defaults.failed``, or the server with the first copy of the most demanded file."""
    if defaults.failed is not None:
        return int(defaults.failed)
    return int(placement.holders[placement.offsets[int(np.argmax(demand))]])


def _failure_numbers(defaults, sc, routing):
    return _failure(defaults, sc, routing)[0]


def _failure(defaults, sc, routing):
    """The failure's numbers, and the live servers' utilisation after it."""
    util = sc.loads.load / sc.capacity
    failed = _failed_server(defaults, sc.placement, sc.demand_gbps)
    after = server_loads(sc.placement, sc.demand_gbps, routing=routing, capacity=sc.capacity, failed=failed)
    alive = np.ones(sc.capacity.size, dtype=np.bool_)
    alive[failed] = False
    peak_after = float((after.load[alive] / sc.capacity[alive]).max()) if alive.any() else math.nan
    numbers = {"failed_server": failed, "peak_before": float(util.max()), "peak_after": peak_after,
               "leaving_cluster": after.lost / sc.demand_gbps.sum(),
               "usable_after": usable_fraction(after.load, sc.capacity, failed=failed)}
    return numbers, (after.load / sc.capacity)[alive]


def explore(defaults=DEFAULTS, work=None, *, fail=True):
    """One configuration, as the chapter's live panel shows it: one scenario, and one failure if asked.

    The same numbers as :func:`compare`'s row for ``defaults.copy_rule`` and
    ``defaults.routing``, computed for that rule and routing only.

    Parameters
    ----------
    defaults : ReplicationParams
        Slider values.
    work : Workload, optional
        Files (default :func:`workload` ``(defaults)``).
    fail : bool
        Also fail ``defaults.failed`` (default: the server with the hottest file's first copy).

    Returns
    -------
    numbers : dict
        ``usable_fraction``, ``storage_overhead``, ``peak_utilisation`` and, with ``fail``,
        ``failed_server``, ``peak_after`` and ``leaving_cluster``.
    servers : polars.DataFrame
        ``state, utilisation``: every server (``intact``) and, with ``fail``, each live server after it
        (``failed``).
    """
    d = _checked(defaults)
    work = workload(d) if work is None else work
    sc = scenario(d, work)
    util = sc.loads.load / sc.capacity
    numbers = {"usable_fraction": usable_fraction(sc.loads.load, sc.capacity),
               "storage_overhead": storage_overhead(sc.copies, work.size_bytes), "peak_utilisation": float(util.max())}
    frames = [pl.DataFrame({"state": "intact", "utilisation": util})]
    if fail:
        after, live = _failure(d, sc, d.routing)
        numbers |= {k: after[k] for k in ("failed_server", "peak_after", "leaving_cluster")}
        frames.append(pl.DataFrame({"state": "failed", "utilisation": live}))
    return numbers, pl.concat(frames)


def compare(defaults=DEFAULTS, work=None, *, routings=ROUTINGS):
    """Every copy rule under every routing: usable capacity, storage cost and one failure.

    Parameters
    ----------
    defaults : ReplicationParams
        Slider values (``copy_rule`` and ``routing`` are swept).
    work : Workload, optional
        Files (default :func:`workload` ``(defaults)``).
    routings : sequence of str
        Routings to include.

    Returns
    -------
    polars.DataFrame
        One row per (copy_rule, routing): ``copies`` (total), ``storage_overhead``,
        ``usable_fraction``, ``peak_utilisation`` (at ``defaults.utilisation``),
        ``failed_server``, ``peak_after`` the failure, ``leaving_cluster`` (share of
        demand with no live copy) and ``usable_after``.
    """
    d = _checked(defaults)
    work = workload(d) if work is None else work
    rows = []
    for rule in COPY_RULES:
        for routing in routings:
            sc = scenario(d, work, copy_rule=rule, routing=check_choice("routing", routing, ROUTINGS))
            fail = _failure_numbers(d, sc, routing)
            rows.append({"copy_rule": rule, "routing": routing, "copies": int(sc.copies.sum()),
                         "storage_overhead": storage_overhead(sc.copies, work.size_bytes),
                         "usable_fraction": usable_fraction(sc.loads.load, sc.capacity),
                         "peak_utilisation": fail.pop("peak_before"), **fail})
    return pl.DataFrame(rows)


def server_table(defaults=DEFAULTS, work=None, *, failed=None):
    """Per-server load at the defaults (optionally after failures), for a bar chart.

    Parameters
    ----------
    defaults : ReplicationParams
        Slider values.
    work : Workload, optional
        Files (default :func:`workload` ``(defaults)``).
    failed : int or array_like of int, optional
        Failed servers (their rows show zero load and ``alive = false``).

    Returns
    -------
    polars.DataFrame
        One row per server: ``server, alive, load_gbps, utilisation, copies`` (files
        held) and ``stored_tb``.
    """
    d = _checked(defaults)
    work = workload(d) if work is None else work
    sc = scenario(d, work, failed=failed)
    held = np.bincount(sc.placement.holders, minlength=d.servers)
    sizes = np.repeat(work.size_bytes, sc.copies)
    stored = np.bincount(sc.placement.holders, weights=sizes, minlength=d.servers)
    return pl.DataFrame({"server": np.arange(d.servers), "alive": _alive_mask(d.servers, failed),
                         "load_gbps": sc.loads.load, "utilisation": sc.loads.load / sc.capacity,
                         "copies": held, "stored_tb": stored / 1e12})


def failure(defaults=DEFAULTS, work=None):
    """One server fails; its traffic moves to the files' other copies.

    Parameters
    ----------
    defaults : ReplicationParams
        Slider values; ``defaults.failed`` fails (default: the server holding the hottest file).
    work : Workload, optional
        Files (default :func:`workload` ``(defaults)``).

    Returns
    -------
    polars.DataFrame
        Two rows, ``state`` = intact / failed: ``failed_server, peak_utilisation,
        mean_utilisation`` (live servers), ``leaving_cluster`` (share of demand whose
        every copy was on the failed server) and ``usable_fraction``.
    """
    d = _checked(defaults)
    work = workload(d) if work is None else work
    sc = scenario(d, work)
    fail = _failure_numbers(d, sc, d.routing)
    alive = _alive_mask(d.servers, fail["failed_server"])
    served_after = sc.demand_gbps.sum() * (1.0 - fail["leaving_cluster"])
    return pl.DataFrame([
        {"state": "intact", "failed_server": fail["failed_server"], "peak_utilisation": fail["peak_before"],
         "mean_utilisation": float(sc.loads.load.sum() / sc.capacity.sum()), "leaving_cluster": 0.0,
         "usable_fraction": usable_fraction(sc.loads.load, sc.capacity)},
        {"state": "failed", "failed_server": fail["failed_server"], "peak_utilisation": fail["peak_after"],
         "mean_utilisation": float(served_after / sc.capacity[alive].sum()),
         "leaving_cluster": fail["leaving_cluster"], "usable_fraction": fail["usable_after"]},
    ])


def copies_sweep(defaults=DEFAULTS, work=None, *, values=(1, 2, 3, 4, 6, 8, 12, 16)):
    """Usable capacity against the storage it costs, as the copy cap (or uniform copies) grows.

    Parameters
    ----------
    defaults : ReplicationParams
        Slider values (``routing`` is kept).
    work : Workload, optional
        Files (default :func:`workload` ``(defaults)``).
    values : sequence of int
        ``max_copies`` for the popularity rule and ``uniform_copies`` for the
        uniform rule; values above ``servers`` are skipped.

    Returns
    -------
    polars.DataFrame
        One row per (copy_rule, copies): ``storage_overhead, usable_fraction``.
    """
    d = _checked(defaults)
    work = workload(d) if work is None else work
    rows = []
    for rule in ("popularity", "uniform"):
        for k in values:
            k = check_range("values", k, 1, None, integer=True)
            if k > d.servers:
                continue
            dk = ReplicationParams(**{**asdict(d), "max_copies": k, "uniform_copies": k})
            sc = scenario(dk, work, copy_rule=rule)
            rows.append({"copy_rule": rule, "copies": k,
                         "storage_overhead": storage_overhead(sc.copies, work.size_bytes),
                         "usable_fraction": usable_fraction(sc.loads.load, sc.capacity)})
    return pl.DataFrame(rows)


def routing_check(defaults=DEFAULTS, work=None):
    """Expected loads against a request-level simulation of the same routing.

    Parameters
    ----------
    defaults : ReplicationParams
        Slider values (``requests``, ``choices``, ``seed``).
    work : Workload, optional
        Files (default :func:`workload` ``(defaults)``).

    Returns
    -------
    polars.DataFrame
        One row per routing: ``usable_expected`` (fluid model; least-loaded over
        all copies) and ``usable_requests`` (``d = choices`` for least-loaded).
    """
    d = _checked(defaults)
    work = workload(d) if work is None else work
    rows = []
    for routing in ROUTINGS:
        sc = scenario(d, work, routing=routing)
        sim = simulate_requests(sc.placement, work.demand, d.requests, routing=routing, choices=d.choices,
                                capacity=sc.capacity, seed=d.seed)
        rows.append({"routing": routing, "usable_expected": usable_fraction(sc.loads.load, sc.capacity),
                     "usable_requests": usable_fraction(sim.load, sc.capacity)})
    return pl.DataFrame(rows)


def summary(defaults=DEFAULTS):
    """Headline numbers for ``labcdn replication --json``.

    Parameters
    ----------
    defaults : ReplicationParams
        Slider values.

    Returns
    -------
    dict
        ``defaults``; per copy rule (at ``defaults.routing``): ``usable_fraction``,
        ``storage_overhead``, ``peak_utilisation``; ``failure`` of the configured
        rule: ``failed_server, peak_before, peak_after, leaving_cluster``; and
        ``tiers``: traffic share per tier from :func:`labcdn.replication.tiers.tier_shares`.
        Plain Python numbers.
    """
    d = _checked(defaults)
    work = workload(d)
    table = compare(d, work, routings=(d.routing,))
    out = {"defaults": asdict(d), "workload": {"files": int(work.demand.size),
                                               "stored_tb": float(work.size_bytes.sum() / 1e12),
                                               "top_file_share": float(work.demand.max())}}
    for col in ("usable_fraction", "storage_overhead", "peak_utilisation"):
        out[col] = dict(zip(table["copy_rule"], table[col], strict=True))
    row = table.filter(pl.col("copy_rule") == d.copy_rule).row(0, named=True)
    out["failure"] = {"copy_rule": d.copy_rule, "routing": d.routing, "failed_server": row["failed_server"],
                      "peak_before": row["peak_utilisation"], "peak_after": row["peak_after"],
                      "leaving_cluster": row["leaving_cluster"]}
    shares = tier_shares(d, work)
    out["tiers"] = dict(zip(shares["tier"], shares["traffic_share"], strict=True))
    return out
