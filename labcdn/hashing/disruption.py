"""Disruption: which keys move when one server joins or leaves.

The same catalogue is placed before and after the change. A key *moves* when
its server differs. The ideal is to move only what must move: on adding a
server, its fair share of keys (``1/(n+1)``) and nothing else; on removing
one, exactly the keys it held (``1/n``). Keys that move between two servers
that were there both times are *excess* moves; ring, rendezvous and
equal-weight ketama have none, jump has none when the last bucket changes,
Maglev has some (Envoy's docs: about twice as many keys move on removal as
with a ring), modulo moves almost everything, and weighted ketama has some
because libmemcached's point formula depends on the server count and weight
total.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from labcdn._validation import check_range
from labcdn.hashing.algorithms import ALGORITHMS, DEFAULTS, build
from labcdn.hashing.balance import algorithm_list
from labcdn.hashing.keys import key_catalog, zipf_demand
from labcdn.hashing.servers import server_set


def moves(before, after, *, added=None, removed=None):
    """Which keys moved between two placements of the same keys.

    Parameters
    ----------
    before, after : array_like of int
        Server id per key, before and after the change.
    added, removed : int, optional
        Id of the server added or removed.

    Returns
    -------
    moved : numpy.ndarray of bool
        The key's server changed.
    excess : numpy.ndarray of bool
        It moved neither from the removed server nor to the added one.
    """
    before = np.asarray(before)
    after = np.asarray(after)
    moved = before != after
    necessary = np.zeros_like(moved)
    if removed is not None:
        necessary |= before == removed
    if added is not None:
        necessary |= after == added
    return moved, moved & ~necessary


def disruption(algorithms=ALGORITHMS, *, servers=DEFAULTS.servers, files=DEFAULTS.files, weights=None,
               new_weight=1.0, removed=None, vnodes=DEFAULTS.vnodes, table_size=DEFAULTS.table_size,
               balance_factor=DEFAULTS.balance_factor, zipf_exponent=DEFAULTS.zipf_exponent,
               seed=DEFAULTS.seed):
    """Fraction of keys (and of requests) that move when one server is added or removed.

    Parameters
    ----------
    algorithms : str or sequence of str
        Algorithms to compare (default: all of ``ALGORITHMS``).
    servers : int
        Servers before the change, ids ``0 .. n-1``, in [2, 100000].
    files : int
        Catalogue size.
    weights : array_like of float, optional
        Weights of the ``n`` servers (weighted algorithms only; whole numbers for ketama).
    new_weight : float
        Weight of the added server (id ``n``) when ``weights`` is given.
    removed : int, optional
        Id of the server removed; default ``n - 1``, the only one jump can lose
        without renumbering.
    vnodes, table_size, balance_factor
        Algorithm parameters (see :func:`labcdn.hashing.build`).
    zipf_exponent : float
        Skew used for the ``moved_requests`` column.
    seed : int
        Seed of the catalogue draw.

    Returns
    -------
    polars.DataFrame
        One row per (algorithm, change): ``algorithm, change`` ("add" or
        "remove"), ``servers_before, servers_after, moved`` (fraction of keys),
        ``ideal`` (the key share of the added or removed server), ``excess``
        (fraction of keys moved between servers present both times),
        ``moved_over_ideal`` and ``moved_requests`` (Zipf-weighted fraction).
    """
    n = check_range("servers", servers, 2, 100_000, integer=True)
    _, w = server_set(n, weights)
    removed = n - 1 if removed is None else check_range("removed", removed, 0, n - 1, integer=True)
    new_weight = float(check_range("new_weight", new_weight, 0.0, None, low_open=True))
    keys = key_catalog(files, seed=seed)
    demand = zipf_demand(files, zipf_exponent)
    ids = np.arange(n, dtype=np.int64)
    kept = ids[ids != removed]
    if w is None:
        grown_w = shrunk_w = None
        ideal_add, ideal_remove = 1.0 / (n + 1), 1.0 / n
    else:
        grown_w = np.append(w, new_weight)
        shrunk_w = w[ids != removed]
        ideal_add, ideal_remove = new_weight / grown_w.sum(), w[removed] / w.sum()
    rows = []
    for name in algorithm_list(algorithms):
        params = {"vnodes": vnodes, "table_size": table_size, "balance_factor": balance_factor}
        base = build(name, ids, weights, **params).lookup(keys)
        grown = build(name, np.append(ids, n), None if w is None else grown_w, **params).lookup(keys)
        shrunk = build(name, kept, shrunk_w, **params).lookup(keys)
        for change, after, ideal, mark in (("add", grown, ideal_add, {"added": n}),
                                           ("remove", shrunk, ideal_remove, {"removed": removed})):
            moved, excess = moves(base, after, **mark)
            rows.append({"algorithm": name, "change": change, "servers_before": n,
                         "servers_after": n + 1 if change == "add" else n - 1,
                         "moved": float(moved.mean()), "ideal": ideal, "excess": float(excess.mean()),
                         "moved_over_ideal": float(moved.mean() / ideal),
                         "moved_requests": float(demand[moved].sum())})
    return pl.DataFrame(rows)
