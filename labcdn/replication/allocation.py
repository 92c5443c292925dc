"""Expected load per server when each file's demand is routed to its live copies.

``hash`` and ``random`` send each request to one copy chosen uniformly, so
each live copy gets ``d_i / N_i``. ``least_loaded`` is the fluid limit of
sending every request to the least utilised of the file's copies: the balanced
allocation of :mod:`labcdn.replication.balanced`, computed on files merged by
their set of live holders. :func:`usable_fraction` is the headline metric.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from labcdn._jit import kernel
from labcdn._validation import check_array, check_choice
from labcdn.hashing.keys import mix64
from labcdn.replication.balanced import _balanced_kernel
from labcdn.replication.parameters import DEFAULTS, ROUTINGS
from labcdn.replication.placement import Placement


class ServerLoads(NamedTuple):
    """Load per server (the demand's units) and the demand with no live copy (``lost``)."""

    load: np.ndarray
    lost: float


@kernel
def _split_kernel(offsets, holders, demand, alive, load):
    lost = 0.0
    for i in range(demand.size):
        live = 0
        for j in range(offsets[i], offsets[i + 1]):
            if alive[holders[j]]:
                live += 1
        if live == 0:
            lost += demand[i]
            continue
        part = demand[i] / live
        for j in range(offsets[i], offsets[i + 1]):
            if alive[holders[j]]:
                load[holders[j]] += part
    return lost


@kernel
def _group_keys_kernel(offsets, holders, demand, alive, base, keys, live, live_holders):
    """Route single-live-copy demand to ``base``; sort each multi-copy file's live holders in place
    (front of its segment of ``live_holders``) and hash them into a non-negative 63-bit ``keys[i]``."""
    lost = 0.0
    for i in range(demand.size):
        o = offsets[i]
        n_live = 0
        for j in range(o, offsets[i + 1]):
            h = holders[j]
            if alive[h]:
                live_holders[o + n_live] = h
                n_live += 1
        live[i] = n_live
        keys[i] = 0
        if n_live == 0:
            lost += demand[i]
        elif n_live == 1:
            base[live_holders[o]] += demand[i]
        else:
            for a in range(1, n_live):  # insertion sort: a handful of holders
                h = live_holders[o + a]
                b = a - 1
                while b >= 0 and live_holders[o + b] > h:
                    live_holders[o + b + 1] = live_holders[o + b]
                    b -= 1
                live_holders[o + b + 1] = h
            k = np.uint64(n_live)
            for c in range(n_live):
                k = mix64(k + np.uint64(live_holders[o + c] + 1))
            keys[i] = np.int64(k >> np.uint64(1))
    return lost


@kernel
def _merge_kernel(offsets, live, live_holders, keys, demand):
    """Group multi-copy files by their sorted live holders: first file of each group and its demand.

    Open addressing on the holder-set hash, checking the holders themselves on a hash match; the
    table doubles when half full, so it stays as small as the number of distinct holder sets.
    Groups are numbered in file order.
    """
    n_multi = 0
    for i in range(live.size):
        if live[i] >= 2:
            n_multi += 1
    reps = np.empty(n_multi, dtype=np.int64)
    dem = np.zeros(n_multi, dtype=np.float64)
    size = 1024
    slot = np.full(size, -1, dtype=np.int64)  # group in each slot, -1 when empty
    slot_key = np.zeros(size, dtype=np.int64)
    n_groups = 0
    for i in range(live.size):
        if live[i] < 2:
            continue
        k = keys[i]
        n = live[i]
        t = np.int64(np.uint64(k) & np.uint64(size - 1))
        while slot[t] >= 0:  # probe until an empty slot or the same holder set
            if slot_key[t] == k:
                a = offsets[reps[slot[t]]]
                same = live[reps[slot[t]]] == n
                c = 0
                while same and c < n:
                    same = live_holders[a + c] == live_holders[offsets[i] + c]
                    c += 1
                if same:
                    break
            t = (t + 1) & (size - 1)
        if slot[t] < 0:
            g = n_groups
            slot[t] = g
            slot_key[t] = k
            reps[g] = i
            n_groups += 1
            if 2 * n_groups > size:  # grow and re-insert every group
                size *= 2
                slot = np.full(size, -1, dtype=np.int64)
                slot_key = np.zeros(size, dtype=np.int64)
                for h in range(n_groups):
                    kh = keys[reps[h]]
                    t = np.int64(np.uint64(kh) & np.uint64(size - 1))
                    while slot[t] >= 0:
                        t = (t + 1) & (size - 1)
                    slot[t] = h
                    slot_key[t] = kh
        else:
            g = slot[t]
        dem[g] += demand[i]
    return reps[:n_groups].copy(), dem[:n_groups].copy()


def _groups(placement, demand, alive):
    """Files merged by their set of live holders: ``(offsets, holders, demand)`` of the groups, and lost demand.

    Single-live-copy demand becomes one group per server; files whose live holders are the same
    set are merged into one group.
    """
    base = np.zeros(placement.servers, dtype=np.float64)
    keys = np.empty(demand.size, dtype=np.int64)
    live = np.empty(demand.size, dtype=np.int64)
    live_holders = np.empty_like(placement.holders)
    lost = _group_keys_kernel(placement.offsets, placement.holders, demand, alive, base, keys, live, live_holders)
    single = np.flatnonzero(base > 0)
    multi, dem = _merge_kernel(placement.offsets, live, live_holders, keys, demand)
    sizes = np.concatenate([np.ones(single.size, dtype=np.int64), live[multi]])
    g_off = np.zeros(sizes.size + 1, dtype=np.int64)
    np.cumsum(sizes, out=g_off[1:])
    starts = np.concatenate([np.zeros(single.size, dtype=np.int64), placement.offsets[multi]])
    within = np.arange(g_off[-1]) - np.repeat(g_off[:-1], sizes)
    g_hold = live_holders[np.repeat(starts, sizes) + within]
    g_hold[:single.size] = single
    return g_off, g_hold, np.concatenate([base[single], dem]), lost


def _alive_mask(servers, failed):
    alive = np.ones(servers, dtype=np.bool_)
    if failed is None:
        return alive
    idx = np.atleast_1d(np.asarray(failed))
    if idx.dtype.kind not in "iu":
        raise ValueError(f"failed={failed!r} must be a server index or indices (integers)")
    idx = check_array("failed", idx, dtype=np.int64, low=0, high=servers - 1)
    alive[idx] = False
    return alive


def _capacity(capacity, servers):
    if capacity is None:
        return np.ones(servers)
    cap = check_array("capacity", capacity, dtype=np.float64)
    if cap.size != servers:
        raise ValueError(f"capacity must have one entry per server ({servers}); got {cap.size}")
    if np.any(cap <= 0):
        raise ValueError(f"capacity must be > 0; smallest value is {cap.min()!r}")
    return cap


def _checked_placement(placement, demand):
    if not isinstance(placement, Placement):
        raise ValueError(f"placement must be a labcdn.replication.Placement; got {type(placement).__name__}")
    demand = check_array("demand", demand, dtype=np.float64, low=0.0)
    if demand.size != placement.offsets.size - 1:
        raise ValueError(f"demand must have one entry per placed file ({placement.offsets.size - 1}); "
                         f"got {demand.size}")
    return demand


def server_loads(placement, demand, *, routing=DEFAULTS.routing, capacity=None, failed=None):
    """Expected load per server when each file's demand is routed to its live copies.

    Parameters
    ----------
    placement : Placement
        From :func:`place`.
    demand : array_like of float
        Demand per file (any units, e.g. Gbps), >= 0.
    routing : str
        ``"hash"`` or ``"random"``: each live copy gets ``d_i / live copies``;
        ``"least_loaded"``: the balanced allocation (minimises the peak
        ``load / capacity``, then each lower level; the fluid limit of sending
        each request to its least utilised copy).
    capacity : array_like of float, optional
        Capacity per server (> 0) for ``least_loaded``; equal if omitted.
    failed : int or array_like of int, optional
        Failed server indices: they get no load; files with no live copy are ``lost``.

    Returns
    -------
    ServerLoads
        ``load`` (float64 per server) and ``lost``; ``load.sum() + lost == demand.sum()``.

    References
    ----------
    .. [1] S. Fujishige, Math. of Operations Research 5(2), 1980 (lexicographically optimal base).
    .. [2] W. Dinkelbach, "On nonlinear fractional programming", Management Science 13(7), 1967.
    """
    demand = _checked_placement(placement, demand)
    routing = check_choice("routing", routing, ROUTINGS)
    cap = _capacity(capacity, placement.servers)
    alive = _alive_mask(placement.servers, failed)
    load = np.zeros(placement.servers, dtype=np.float64)
    if routing != "least_loaded":
        lost = _split_kernel(placement.offsets, placement.holders, demand, alive, load)
        return ServerLoads(load, float(lost))
    g_off, g_hold, g_dem, lost = _groups(placement, demand, alive)
    if g_dem.size and g_dem.sum() > 0:
        _balanced_kernel(g_off, g_hold, g_dem, cap, alive, load)
    return ServerLoads(load, float(lost))


def usable_fraction(load, capacity=None, *, failed=None):
    """Demand at which the first server saturates, as a fraction of the aggregate capacity.

    Parameters
    ----------
    load : array_like of float
        Load per server at some demand (loads scale linearly with demand).
    capacity : array_like of float, optional
        Capacity per server (> 0); equal if omitted.
    failed : int or array_like of int, optional
        Failed servers, left out of both the peak and the aggregate.

    Returns
    -------
    float
        ``(sum(load) / sum(capacity)) / max(load / capacity)`` over live servers,
        in (0, 1]; ``nan`` when there is no load.
    """
    load = check_array("load", load, dtype=np.float64, low=0.0, min_size=1)
    cap = _capacity(capacity, load.size)
    alive = _alive_mask(load.size, failed)
    util = load[alive] / cap[alive]
    if util.size == 0 or util.max() <= 0:
        return math.nan
    return float(load[alive].sum() / cap[alive].sum() / util.max())
