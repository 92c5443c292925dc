"""Routing request by request: one copy by hash, one at random, or the least loaded of ``d``.

:func:`balls_into_bins` checks the least-loaded routing against the
balanced-allocations theory (Azar, Broder, Karlin & Upfal 1999).
"""

from __future__ import annotations

import math

import numpy as np
import polars as pl

from labcdn._jit import kernel
from labcdn._validation import check_choice, check_range, rng_from
from labcdn.hashing import hash_keys
from labcdn.hashing.keys import mix64
from labcdn.replication.allocation import ServerLoads, _alive_mask, _capacity, _checked_placement
from labcdn.replication.parameters import DEFAULTS, ROUTINGS
from labcdn.replication.placement import Placement


@kernel
def _requests_kernel(offsets, holders, keys, alive, inv_cap, files, clients, draws, routing, choices, load,
                     scratch):
    lost = 0
    for r in range(files.size):
        f = files[r]
        n_live = 0
        for j in range(offsets[f], offsets[f + 1]):
            h = holders[j]
            if alive[h]:
                scratch[n_live] = h
                n_live += 1
        if n_live == 0:
            lost += 1
            continue
        if routing == 0:  # hash of (file, client)
            pick = scratch[np.int64(mix64(keys[f] ^ clients[r]) % np.uint64(n_live))]
        elif routing == 1:  # uniform at random
            pick = scratch[min(n_live - 1, np.int64(draws[r, 0] * n_live))]
        else:  # least utilised of d copies drawn without replacement (partial Fisher-Yates)
            pick = -1
            best = np.inf
            for k in range(min(choices, n_live)):
                j = k + min(n_live - k - 1, np.int64(draws[r, k] * (n_live - k)))
                h = scratch[j]
                scratch[j] = scratch[k]
                scratch[k] = h
                u = load[h] * inv_cap[h]
                if u < best:
                    best = u
                    pick = h
        load[pick] += 1.0
    return lost


def _route_requests(placement, files, routing, choices, cap, alive, gen, clients):
    """Draw the routing randomness (clients for hash, uniforms otherwise) and run the kernel."""
    code = ROUTINGS.index(routing)
    width = choices if routing == "least_loaded" else 1
    if routing == "hash":
        client_keys = hash_keys(gen.integers(0, clients, size=files.size, dtype=np.int64))
        draws = np.zeros((files.size, 1))
    else:
        client_keys = np.zeros(files.size, dtype=np.uint64)
        draws = gen.random((files.size, width))
    load = np.zeros(placement.servers, dtype=np.float64)
    scratch = np.empty(int(placement.copies().max()), dtype=np.int64)
    lost = _requests_kernel(placement.offsets, placement.holders, placement.keys, alive, 1.0 / cap, files,
                            client_keys, draws, code, choices, load, scratch)
    return ServerLoads(load, float(lost))


def simulate_requests(placement, demand, requests=DEFAULTS.requests, *, routing=DEFAULTS.routing,
                      choices=DEFAULTS.choices, capacity=None, failed=None, clients=100_000, seed=None, rng=None):
    """Route individual requests: the file of each is drawn in proportion to demand.

    Parameters
    ----------
    placement : Placement
        From :func:`place`.
    demand : array_like of float
        Demand per file, >= 0, not all zero; request ``r`` asks for file ``i``
        with probability ``d_i / sum(d)``. Every request is one equal-sized unit
        (a video chunk).
    requests : int
        Number of requests, in [1, 50000000].
    routing : str
        ``"hash"``: the copy ``mix64(file key ^ client hash) mod live copies``,
        the client drawn from ``clients``, so a client keeps its copy;
        ``"random"``: a copy uniformly at random; ``"least_loaded"``: ``choices``
        live copies drawn without replacement, the least utilised
        (``requests so far / capacity``) wins, first drawn on a tie.
    choices : int
        ``d`` for least-loaded routing, in [1, 1000] (all copies when ``d`` >= copies).
    capacity : array_like of float, optional
        Capacity per server, > 0; equal if omitted.
    failed : int or array_like of int, optional
        Failed servers; requests for files with no live copy are ``lost``.
    clients : int
        Client population for hash routing, in [1, 2**62].
    seed, rng
        Randomness: the files requested, then the clients or the copy draws.

    Returns
    -------
    ServerLoads
        Requests served per server (float64) and requests ``lost``.
    """
    demand = _checked_placement(placement, demand)
    if demand.sum() <= 0:
        raise ValueError("demand must not be all zero")
    requests = check_range("requests", requests, 1, 50_000_000, integer=True)
    routing = check_choice("routing", routing, ROUTINGS)
    choices = check_range("choices", choices, 1, 1000, integer=True)
    clients = check_range("clients", clients, 1, 2**62, integer=True)
    cap = _capacity(capacity, placement.servers)
    alive = _alive_mask(placement.servers, failed)
    gen = rng_from(seed, rng)
    cum = np.cumsum(demand)
    files = np.minimum(np.searchsorted(cum, gen.random(requests) * cum[-1], side="right"), demand.size - 1)
    return _route_requests(placement, files.astype(np.int64), routing, choices, cap, alive, gen, clients)


def balls_into_bins(bins=100_000, choices=(1, 2, 3), *, balls=None, seed=None, rng=None):
    """Balls into bins with the model's request routing: max load against theory.

    Each ball is a file with ``d`` copies on servers drawn independently and
    uniformly (with replacement, as in Azar et al.), requested once and routed
    by request-level ``least_loaded`` over all its copies.

    Parameters
    ----------
    bins : int
        Servers ``n``, in [16, 10000000].
    choices : int or sequence of int
        Values of ``d``, each in [1, 16].
    balls : int, optional
        Balls (requests); ``n`` if omitted, in [1, 50000000].
    seed, rng
        Randomness of the choices and the routing draws.

    Returns
    -------
    polars.DataFrame
        One row per ``d``: ``bins, balls, choices, max_load, mean_load, excess``
        (max minus mean) and ``theory``: ``ln n / ln ln n`` for ``d = 1``,
        ``ln ln n / ln d`` for ``d >= 2``.

    References
    ----------
    .. [1] Y. Azar, A. Broder, A. Karlin, E. Upfal, SIAM J. Computing 29(1), 1999.
    .. [2] P. Berenbrink, A. Czumaj, A. Steger, B. Vöcking, "Balanced allocations:
       the heavily loaded case", STOC 2000 (the gap does not grow with m / n).
    """
    bins = check_range("bins", bins, 16, 10_000_000, integer=True)
    balls = bins if balls is None else check_range("balls", balls, 1, 50_000_000, integer=True)
    ds = (choices,) if isinstance(choices, (int, np.integer)) else tuple(choices)
    if not ds:
        raise ValueError("choices must hold at least one value of d")
    ds = tuple(check_range("choices", d, 1, 16, integer=True) for d in ds)
    gen = rng_from(seed, rng)
    rows = []
    for d in ds:
        holders = gen.integers(0, bins, size=balls * d, dtype=np.int64)
        placement = Placement(bins, np.arange(0, balls * d + 1, d, dtype=np.int64), holders,
                              np.zeros(balls, dtype=np.uint64))
        load = _route_requests(placement, np.arange(balls, dtype=np.int64), "least_loaded", d, np.ones(bins),
                               np.ones(bins, dtype=np.bool_), gen, 1).load
        ln = math.log(bins)
        theory = ln / math.log(ln) if d == 1 else math.log(ln) / math.log(d)
        rows.append({"bins": bins, "balls": balls, "choices": d, "max_load": float(load.max()),
                     "mean_load": balls / bins, "excess": float(load.max()) - balls / bins, "theory": theory})
    return pl.DataFrame(rows)
