"""How many copies each file gets, and the storage they cost.

``none`` (one copy), ``uniform`` (``k`` copies of every file) or ``popularity``:
file ``i`` with demand ``d_i`` gets ``ceil(d_i / (copy_share * D / S))`` copies,
1 for the tail, at most ``max_copies``, so no copy carries more than
``copy_share`` of a server's mean load unless the cap binds. That makes ``N``
roughly proportional to popularity, as Open Connect does (Vora et al. 2018).

References
----------
.. [1] M. Vora, R. Deek, E. Livengood, "Content Popularity for Open Connect",
   Netflix TechBlog, 2018.
"""

from __future__ import annotations

import numpy as np

from labcdn._validation import check_array, check_choice, check_range
from labcdn.replication.parameters import COPY_RULES, DEFAULTS, MAX_SERVERS


def copy_counts(demand, rule="popularity", servers=DEFAULTS.servers, *, max_copies=DEFAULTS.max_copies,
                copy_share=DEFAULTS.copy_share, uniform_copies=DEFAULTS.uniform_copies, mean_load=None):
    """Copies per file under a copy rule.

    Parameters
    ----------
    demand : array_like of float
        Demand per file (any units), >= 0.
    rule : str
        ``"none"`` (1 each), ``"uniform"`` (``uniform_copies`` each) or
        ``"popularity"``: ``clip(ceil(d_i / (copy_share * sum(d) / servers)), 1, max_copies)``.
    servers : int
        Servers in the cluster, in [1, 10000]; no file gets more copies than servers.
    max_copies : int
        Cap for the popularity rule, >= 1 (no file gets more copies than servers).
    copy_share : float
        Largest share of a server's mean load per copy, in (0, 1000].
    uniform_copies : int
        Copies per file for the uniform rule, in [1, servers].
    mean_load : float, optional
        A server's mean load in the demand's units, > 0; ``sum(demand) / servers``
        if omitted (a tier of a larger cluster passes its servers' fair share).

    Returns
    -------
    numpy.ndarray of int64

    References
    ----------
    .. [1] Vora, Deek, Livengood, "Content Popularity for Open Connect", 2018:
       N "roughly proportional to the popularity".
    """
    demand = check_array("demand", demand, dtype=np.float64, low=0.0, min_size=1)
    rule = check_choice("rule", rule, COPY_RULES)
    servers = check_range("servers", servers, 1, MAX_SERVERS, integer=True)
    if rule == "none":
        return np.ones(demand.size, dtype=np.int64)
    if rule == "uniform":
        k = check_range("uniform_copies", uniform_copies, 1, servers, integer=True)
        return np.full(demand.size, k, dtype=np.int64)
    cap = min(servers, check_range("max_copies", max_copies, 1, None, integer=True))
    share = check_range("copy_share", copy_share, 0.0, 1000.0, low_open=True)
    if mean_load is None:
        mean_load = demand.sum() / servers
        if mean_load <= 0:
            return np.ones(demand.size, dtype=np.int64)
    target = share * check_range("mean_load", mean_load, 0.0, None, low_open=True)
    return np.clip(np.ceil(demand / target), 1, cap).astype(np.int64)


def storage_overhead(copies, size_bytes):
    """Extra bytes stored because of copies, as a fraction of one copy of the catalogue.

    Parameters
    ----------
    copies : array_like of int
        Copies per file, >= 1.
    size_bytes : array_like of float
        File sizes, >= 0.

    Returns
    -------
    float
        ``sum(copies * size) / sum(size) - 1``.
    """
    copies = check_array("copies", copies, dtype=np.int64, low=1, min_size=1)
    size = check_array("size_bytes", size_bytes, dtype=np.float64, low=0.0)
    if size.size != copies.size:
        raise ValueError(f"size_bytes must have one entry per file ({copies.size}); got {size.size}")
    return float((copies * size).sum() / size.sum() - 1.0)
