"""Chapter 3 as a sweep point: balance and disruption of one consistent-hashing algorithm.

The sweep's study ``"hashing"``; what ``PARAMETERS``, ``MODULES``, ``DESCRIPTION``,
``DATA`` and :func:`point` mean is in :mod:`labcdn.sweep.registry`.
"""

from __future__ import annotations

import polars as pl

from labcdn.hashing import DEFAULTS, balance, disruption

PARAMETERS = {k: v for k, v in DEFAULTS._asdict().items() if k != "seed"}
MODULES = ("labcdn.hashing",)
DESCRIPTION = "consistent hashing: load balance and keys moved when a server is added or removed (chapter 3)"
DATA = ()


def point(params: dict, seed: int) -> pl.DataFrame:
    """Balance and disruption of one consistent-hashing algorithm (:func:`labcdn.hashing.balance`, ``disruption``).

    Parameters
    ----------
    params : dict
        Fields of :data:`labcdn.hashing.DEFAULTS` but ``seed`` (160 vnodes from libmemcached,
        Zipf 0.8 from Breslau et al.).
    seed : int
        Seed of the catalogue draw.

    Returns
    -------
    polars.DataFrame
        One row: max/mean and CV of load under uniform and Zipf demand; keys moved (and
        moved ÷ ideal) when a server is added and when one is removed.
    """
    p = dict(params)
    algorithm = p.pop("algorithm")
    bal = balance(algorithm, **p, seed=seed)
    dis = disruption(algorithm, **p, seed=seed)
    b = {d: r for d, r in zip(bal["demand"], bal.iter_rows(named=True), strict=True)}
    m = {c: r for c, r in zip(dis["change"], dis.iter_rows(named=True), strict=True)}
    row = {"max_over_mean": b["uniform"]["max_over_mean"], "cv": b["uniform"]["cv"],
           "max_over_mean_zipf": b["zipf"]["max_over_mean"], "cv_zipf": b["zipf"]["cv"],
           "moved_add": m["add"]["moved"], "moved_over_ideal_add": m["add"]["moved_over_ideal"],
           "moved_remove": m["remove"]["moved"], "moved_over_ideal_remove": m["remove"]["moved_over_ideal"]}
    return pl.DataFrame([row], schema=dict.fromkeys(row, pl.Float64), orient="row")


def check(params: dict) -> None:
    """Put one point through the model's own checks without computing it (the sweep checks its whole grid first)."""
    from labcdn._validation import check_range
    from labcdn.hashing import build
    from labcdn.hashing.servers import MAX_SERVERS

    check_range("servers", params["servers"], 1, MAX_SERVERS, integer=True)
    check_range("files", params["files"], 1, 50_000_000, integer=True)
    check_range("zipf_exponent", params["zipf_exponent"], 0.0, 3.0)
    # the algorithm's own checks (vnodes, table_size, balance_factor) on a server set small enough to be instant
    build(params["algorithm"], min(params["servers"], 2), vnodes=params["vnodes"], table_size=params["table_size"],
          balance_factor=params["balance_factor"])
