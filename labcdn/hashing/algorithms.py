"""The family side by side: names, the chapter's defaults, and one way to build each."""

from __future__ import annotations

from typing import NamedTuple

from labcdn._validation import check_choice
from labcdn.hashing.bounded_loads import DEFAULT_BALANCE_FACTOR, BoundedLoads
from labcdn.hashing.jump_hash import Jump
from labcdn.hashing.ketama import Ketama
from labcdn.hashing.maglev import DEFAULT_TABLE_SIZE, Maglev
from labcdn.hashing.modulo_hash import Modulo
from labcdn.hashing.rendezvous import Rendezvous
from labcdn.hashing.ring import DEFAULT_VNODES, Ring

ALGORITHMS = ("modulo", "ring", "ketama", "jump", "rendezvous", "maglev", "bounded")
WEIGHTED = ("ring", "ketama", "rendezvous", "maglev", "bounded")


class Defaults(NamedTuple):
    """The chapter's default slider values.

    Attributes
    ----------
    algorithm : str
        Algorithm shown first.
    servers : int
        Servers in the cluster: 100 (an assumption, not a published figure;
        it keeps the ideal ``1/n`` at a readable 1%).
    files : int
        Catalogue size (keys placed): 100,000 (an assumption; large enough that
        key-count noise, about ``sqrt(n / files)`` = 3%, is visible but small).
    vnodes : int
        Ring points per server: 160, libmemcached's ketama figure
        (``MEMCACHED_POINTS_PER_SERVER_KETAMA``).
    balance_factor : float
        ``c`` for bounded loads: 1.25, the imbalance constant of liblb's bounded
        balancer, after Vimeo's deployment (Rodland 2016); HAProxy takes it as
        ``hash-balance-factor`` in percent (150 means 1.5).
    zipf_exponent : float
        Popularity skew: 0.8, inside the 0.64-0.83 range Breslau et al.
        (INFOCOM 1999) measured for web requests.
    table_size : int
        Maglev's ``M``: 65,537, the paper's default (Eisenbud et al. 2016, 5.3).
    seed : int
        Seed of the catalogue draw (arbitrary).
    """

    algorithm: str = "ring"
    servers: int = 100
    files: int = 100_000
    vnodes: int = DEFAULT_VNODES
    balance_factor: float = DEFAULT_BALANCE_FACTOR
    zipf_exponent: float = 0.8
    table_size: int = DEFAULT_TABLE_SIZE
    seed: int = 2016


DEFAULTS = Defaults()


def build(algorithm, servers, weights=None, *, vnodes=DEFAULTS.vnodes, table_size=DEFAULTS.table_size,
          balance_factor=DEFAULTS.balance_factor):
    """Build one algorithm's placement on a server set.

    Parameters
    ----------
    algorithm : str
        One of ``ALGORITHMS``: modulo, ring, ketama, jump, rendezvous, maglev, bounded.
    servers : int or array_like of int
        ``n`` or distinct server ids.
    weights : array_like of float, optional
        Relative weights (not for modulo and jump; whole numbers for ketama).
    vnodes : int
        Points per server for ring and bounded.
    table_size : int
        Maglev's prime table size.
    balance_factor : float
        ``c`` for bounded.

    Returns
    -------
    Modulo, Ring, Ketama, Jump, Rendezvous, Maglev or BoundedLoads
        An object with ``servers``, ``lookup(key_hashes) -> server ids`` and ``nbytes``.
    """
    check_choice("algorithm", algorithm, ALGORITHMS)
    if weights is not None and algorithm not in WEIGHTED:
        raise ValueError(f"algorithm={algorithm!r} does not take weights; weighted ones are {', '.join(WEIGHTED)}")
    if algorithm == "modulo":
        return Modulo.build(servers)
    if algorithm == "jump":
        return Jump.build(servers)
    if algorithm == "ring":
        return Ring.build(servers, vnodes=vnodes, weights=weights)
    if algorithm == "ketama":
        return Ketama.build(servers, weights=weights)
    if algorithm == "rendezvous":
        return Rendezvous.build(servers, weights=weights)
    if algorithm == "maglev":
        return Maglev.build(servers, weights=weights, table_size=table_size)
    return BoundedLoads.build(servers, balance_factor=balance_factor, vnodes=vnodes, weights=weights)
