"""Balance: how evenly each algorithm spreads files and their demand over servers.

Two views of load. **Placed files**: a catalogue of ``files`` keys is placed
and each server's load is its number of files (uniform demand) or the sum of
its files' Zipf request shares (skewed demand); with ``m`` files the counts
carry multinomial noise of about ``sqrt(n / m)``. **Hash-space shares**: the
exact fraction of the key space each server owns, where it can be computed
(ring and ketama arcs, Maglev table entries, modulo residues, jump's chain),
which is what the published balance figures describe.

Loads are compared with each server's fair share (``1/n``, or ``w_i / sum(w)``
with weights): ``max_over_mean`` is the most loaded server's load over its
fair share and ``cv`` the coefficient of variation of those ratios.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from labcdn._validation import check_choice, check_range
from labcdn.hashing.algorithms import ALGORITHMS, DEFAULTS, build
from labcdn.hashing.jump_hash import jump_shares
from labcdn.hashing.keys import hash_keys, key_catalog, zipf_demand
from labcdn.hashing.servers import MAX_SERVERS

SHARE_ALGORITHMS = ("modulo", "ring", "ketama", "jump", "maglev")


def algorithm_list(algorithms):
    """Validate one algorithm name or a sequence of them.

    Parameters
    ----------
    algorithms : str or sequence of str
        Names from ``ALGORITHMS``.

    Returns
    -------
    tuple of str
    """
    names = (algorithms,) if isinstance(algorithms, str) else tuple(algorithms)
    if not names:
        raise ValueError(f"algorithms must name at least one of {', '.join(ALGORITHMS)}")
    for name in names:
        check_choice("algorithm", name, ALGORITHMS)
    return names


def fair_shares(n, weights):
    """Each server's fair share of load: ``1/n`` or ``w_i / sum(w)``.

    Parameters
    ----------
    n : int
        Number of servers.
    weights : array_like of float or None
        Server weights.

    Returns
    -------
    numpy.ndarray of float64
    """
    if weights is None:
        return np.full(n, 1.0 / n)
    w = np.asarray(weights, dtype=np.float64)
    return w / w.sum()


def imbalance(load, fair):
    """How far loads are from fair shares.

    Parameters
    ----------
    load : numpy.ndarray of float64
        Load per server.
    fair : numpy.ndarray of float64
        Fair share per server (sums to 1).

    Returns
    -------
    max_over_mean : float
        Largest ``load / (fair * total)``.
    cv : float
        Coefficient of variation of those ratios.
    """
    ratio = load / (fair * load.sum())
    return float(ratio.max()), float(ratio.std() / ratio.mean())


def placed_loads(table, keys, demand):
    """Place ``keys`` with ``table`` and count each server's files and request share.

    Parameters
    ----------
    table : Modulo, Ring, Ketama, Jump, Rendezvous, Maglev or BoundedLoads
        A placement on servers ``0 .. n-1`` (from :func:`labcdn.hashing.build` with a count).
    keys : numpy.ndarray of uint64
        Key hashes.
    demand : numpy.ndarray of float64
        Request share of each key.

    Returns
    -------
    files : numpy.ndarray of int64
        Keys placed on each server.
    requests : numpy.ndarray of float64
        Sum of its keys' request shares.
    """
    placed = table.lookup(keys)
    n = table.servers.size
    return np.bincount(placed, minlength=n), np.bincount(placed, weights=demand, minlength=n)


def loads(algorithm, *, servers=DEFAULTS.servers, files=DEFAULTS.files, weights=None, vnodes=DEFAULTS.vnodes,
          table_size=DEFAULTS.table_size, balance_factor=DEFAULTS.balance_factor,
          zipf_exponent=DEFAULTS.zipf_exponent, seed=DEFAULTS.seed, rng=None):
    """Per-server load when a catalogue is placed: files held and request share.

    Parameters
    ----------
    algorithm : str
        One of ``ALGORITHMS``.
    servers : int
        Number of servers (ids ``0 .. n-1``), in [1, 100000].
    files : int
        Catalogue size; files are placed in popularity order (matters for bounded loads).
    weights : array_like of float, optional
        Server weights (weighted algorithms only).
    vnodes, table_size, balance_factor
        Algorithm parameters (see :func:`labcdn.hashing.build`).
    zipf_exponent : float
        Popularity skew of the request shares.
    seed, rng
        Randomness of the catalogue draw.

    Returns
    -------
    polars.DataFrame
        One row per server: ``algorithm, server, files, file_share, request_share, fair_share``.
    """
    algorithm = check_choice("algorithm", algorithm, ALGORITHMS)
    servers = check_range("servers", servers, 1, MAX_SERVERS, integer=True)  # loads are counted by id 0 .. n-1
    table = build(algorithm, servers, weights, vnodes=vnodes, table_size=table_size, balance_factor=balance_factor)
    held, requests = placed_loads(table, key_catalog(files, seed=seed, rng=rng), zipf_demand(files, zipf_exponent))
    n = table.servers.size
    return pl.DataFrame({
        "algorithm": [algorithm] * n,
        "server": table.servers,
        "files": held,
        "file_share": held / files,
        "request_share": requests,
        "fair_share": fair_shares(n, weights),
    })


def balance(algorithms=ALGORITHMS, *, servers=DEFAULTS.servers, files=DEFAULTS.files, weights=None,
            vnodes=DEFAULTS.vnodes, table_size=DEFAULTS.table_size, balance_factor=DEFAULTS.balance_factor,
            zipf_exponent=DEFAULTS.zipf_exponent, seed=DEFAULTS.seed):
    """Max/mean and coefficient of variation of load, uniform and Zipf demand.

    Parameters
    ----------
    algorithms : str or sequence of str
        Algorithms to compare (default: all of ``ALGORITHMS``).
    servers, files, weights, vnodes, table_size, balance_factor, zipf_exponent, seed
        As for :func:`loads`; every algorithm places the same catalogue.

    Returns
    -------
    polars.DataFrame
        One row per (algorithm, demand): ``algorithm, demand`` ("uniform" or
        "zipf"), ``servers, files, max_over_mean, cv``.
    """
    names = algorithm_list(algorithms)
    servers = check_range("servers", servers, 1, MAX_SERVERS, integer=True)  # loads are counted by id 0 .. n-1
    keys = demand = None
    rows = []
    for name in names:
        table = build(name, servers, weights, vnodes=vnodes, table_size=table_size, balance_factor=balance_factor)
        if keys is None:  # one catalogue for every algorithm, drawn after the first build as in loads()
            keys, demand = key_catalog(files, seed=seed), zipf_demand(files, zipf_exponent)
        held, requests = placed_loads(table, keys, demand)
        fair = fair_shares(held.size, weights)
        for kind, load in (("uniform", held.astype(np.float64)), ("zipf", requests)):
            top, cv = imbalance(load, fair)
            rows.append({"algorithm": name, "demand": kind, "servers": held.size, "files": files,
                         "max_over_mean": top, "cv": cv})
    return pl.DataFrame(rows)


def hash_space_shares(algorithm, *, servers=DEFAULTS.servers, weights=None, vnodes=DEFAULTS.vnodes,
                      table_size=DEFAULTS.table_size):
    """Exact fraction of the key space each server owns.

    Parameters
    ----------
    algorithm : str
        One of ``SHARE_ALGORITHMS`` (modulo, ring, ketama, jump, maglev);
        rendezvous and bounded loads have no closed form.
    servers : int
        Number of servers (jump: at most 5000, the computation is O(n**2)).
    weights, vnodes, table_size
        As for :func:`labcdn.hashing.build`.

    Returns
    -------
    polars.DataFrame
        One row per server: ``algorithm, server, share, fair_share``.

    References
    ----------
    .. [1] Lamping & Veach (2014): ring with 1000 points per bucket, standard
       deviation ~3.2%; jump, standard error 0.00000000764.
    .. [2] Eisenbud et al. (2016): Maglev shares differ by at most one entry in ``M``.
    """
    algorithm = check_choice("algorithm", algorithm, SHARE_ALGORITHMS)
    if algorithm == "jump":
        n = check_range("servers", servers, 1, 5000, integer=True)
        share, ids, w = jump_shares(n), np.arange(n), None
    elif algorithm == "modulo":
        table = build("modulo", servers)
        n = table.servers.size
        q, rem = divmod(2**64, n)
        share = (q + (np.arange(n) < rem)) / 2.0**64
        ids, w = table.servers, None
    else:
        table = build(algorithm, servers, weights, vnodes=vnodes, table_size=table_size)
        share, ids, w = table.shares(), table.servers, table.weights
    return pl.DataFrame({"algorithm": [algorithm] * len(ids), "server": ids, "share": share,
                         "fair_share": fair_shares(len(ids), w)})


def share_balance(algorithm, **params):
    """Summary statistics of :func:`hash_space_shares`.

    Parameters
    ----------
    algorithm : str
        One of ``SHARE_ALGORITHMS``.
    **params
        Passed to :func:`hash_space_shares`.

    Returns
    -------
    max_over_mean, cv, max_over_min : float
        Of each server's share over its fair share.
    """
    frame = hash_space_shares(algorithm, **params)
    ratio = frame["share"].to_numpy() / frame["fair_share"].to_numpy()
    return float(ratio.max() / ratio.mean()), float(ratio.std() / ratio.mean()), float(ratio.max() / ratio.min())


def hot_spot(algorithms=ALGORITHMS, *, exponents=(0.0, 0.6, 0.8, 1.0, 1.2), servers=DEFAULTS.servers,
             files=DEFAULTS.files, vnodes=DEFAULTS.vnodes, table_size=DEFAULTS.table_size,
             balance_factor=DEFAULTS.balance_factor, seed=DEFAULTS.seed):
    """The "large rocks": under skewed demand the hottest files set the peak load.

    Whatever the hash, the busiest server carries at least the hottest file's
    request share, so ``max_over_mean >= hottest_file_over_mean = n * p_1``.

    Parameters
    ----------
    algorithms : str or sequence of str
        Algorithms to compare.
    exponents : sequence of float
        Zipf exponents to sweep, each in [0, 3].
    servers, files, vnodes, table_size, balance_factor, seed
        As for :func:`balance`.

    Returns
    -------
    polars.DataFrame
        One row per (algorithm, zipf_exponent): ``max_over_mean`` (request
        load of the busiest server over the mean), ``hottest_file_over_mean``
        (``n * p_1``, the floor no placement can beat) and
        ``busiest_top_file_fraction`` (share of the busiest server's requests
        that its single hottest file brings).
    """
    exponents = [check_range("exponent", e, 0.0, 3.0) for e in exponents]
    servers = check_range("servers", servers, 1, MAX_SERVERS, integer=True)  # loads are counted by id 0 .. n-1
    keys = key_catalog(files, seed=seed)
    demands = [zipf_demand(files, e) for e in exponents]  # the same for every algorithm
    rows = []
    for name in algorithm_list(algorithms):
        table = build(name, servers, vnodes=vnodes, table_size=table_size, balance_factor=balance_factor)
        placed = table.lookup(keys)
        n = table.servers.size
        for e, demand in zip(exponents, demands, strict=True):
            load = np.bincount(placed, weights=demand, minlength=n)
            busiest = int(np.argmax(load))
            top_file = demand[placed == table.servers[busiest]].max()
            rows.append({"algorithm": name, "zipf_exponent": float(e), "servers": n, "files": files,
                         "max_over_mean": float(load.max() * n), "hottest_file_over_mean": float(demand[0] * n),
                         "busiest_top_file_fraction": float(top_file / load[busiest])})
    return pl.DataFrame(rows)


def overprovisioning(table_sizes=(65_537, 655_373), *, servers=1000, vnodes=1000):
    """The Maglev paper's experiment: fill one lookup table with each method.

    Entry ``j`` of an ``M``-entry table is the key ``hash_keys(j)``; ring
    ("Karger", ``vnodes`` points per backend), rendezvous and Maglev each
    assign it a backend, and the over-provisioning a backend needs is the
    largest entry count over the mean, minus one.

    Parameters
    ----------
    table_sizes : sequence of int
        Prime table sizes (the paper: 65,537 "small" and 655,373 "large").
    servers : int
        Backends (the paper: 1000).
    vnodes : int
        Ring points per backend (the paper: 1000 "views" for Karger).

    Returns
    -------
    polars.DataFrame
        One row per (algorithm, table_size): ``algorithm, table_size, servers, overprovision``.

    References
    ----------
    .. [1] Eisenbud et al. (2016), section 5.3 and Figure 11: at 1000 backends
       Karger needs 29.7% and Rendezvous 49.5% over-provisioning with
       M = 65537, 10.3% and 12.3% with M = 655373.
    """
    rows = []
    for m in table_sizes:
        entries = hash_keys(np.arange(m))
        for name in ("ring", "rendezvous", "maglev"):
            if name == "maglev":
                counts = build("maglev", servers, table_size=m).counts()
            else:
                counts = np.bincount(build(name, servers, vnodes=vnodes).lookup(entries), minlength=servers)
            rows.append({"algorithm": name, "table_size": int(m), "servers": servers,
                         "overprovision": float(counts.max() / counts.mean() - 1.0)})
    return pl.DataFrame(rows)
