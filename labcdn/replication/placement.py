"""Where the copies go: ``N`` distinct servers per file, copy 0 where :mod:`labcdn.hashing` puts it.

- ``ring``: the successors of the key on the consistent-hash ring that belong
  to servers not yet holding the file (a preference list, as in Dynamo);
- ``rendezvous``: the ``N`` servers with the highest random weights (top-N HRW).

References
----------
.. [1] G. DeCandia et al., "Dynamo: Amazon's highly available key-value
   store", SOSP 2007 (preference lists on the ring).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from labcdn._jit import kernel
from labcdn._validation import check_array, check_choice, check_range
from labcdn.hashing import Rendezvous, Ring
from labcdn.hashing.keys import as_key_hashes, mix64
from labcdn.hashing.ring import successor
from labcdn.replication.parameters import DEFAULTS, MAX_SERVERS, PLACEMENTS


class Placement(NamedTuple):
    """Where the copies are: file ``i``'s holders are ``holders[offsets[i]:offsets[i + 1]]``.

    Holders are server indices ``0 .. servers - 1``, distinct per file, copy 0 first.
    """

    servers: int
    offsets: np.ndarray
    holders: np.ndarray
    keys: np.ndarray

    def copies(self) -> np.ndarray:
        """Copies per file (int64)."""
        return np.diff(self.offsets)


@kernel
def _ring_copies_kernel(points, owners, index, shift, keys, offsets, n_servers, holders):
    seen = np.full(n_servers, -1, dtype=np.int64)
    for i in range(keys.size):
        need = offsets[i + 1] - offsets[i]
        p = successor(points, index, shift, keys[i])
        got = 0
        while got < need:
            o = owners[p]
            if seen[o] != i:
                seen[o] = i
                holders[offsets[i] + got] = o
                got += 1
            p += 1
            if p == points.size:
                p = 0


_S11 = np.uint64(11)
_TWO_M53 = 2.0**-53


@kernel
def _rendezvous_copies_kernel(seeds, weights, weighted, keys, offsets, holders):
    n = seeds.size
    raw = np.empty(n, dtype=np.uint64)
    score = np.empty(n, dtype=np.float64)
    taken = np.zeros(n, dtype=np.bool_)
    for i in range(keys.size):
        k = keys[i]
        for s in range(n):
            h = mix64(k ^ seeds[s])
            raw[s] = h
            if weighted:
                score[s] = weights[s] / -math.log((np.float64(h >> _S11) + 0.5) * _TWO_M53)
            taken[s] = False
        for c in range(offsets[i + 1] - offsets[i]):
            best = -1
            for s in range(n):  # highest score, first index on a tie (as Rendezvous.lookup)
                if taken[s]:
                    continue
                if best < 0:
                    best = s
                elif weighted:
                    if score[s] > score[best]:
                        best = s
                elif raw[s] > raw[best]:
                    best = s
            taken[best] = True
            holders[offsets[i] + c] = best


def place(keys, copies, servers=DEFAULTS.servers, *, algorithm=DEFAULTS.placement, vnodes=DEFAULTS.vnodes,
          weights=None):
    """Place ``copies[i]`` copies of each file on distinct servers.

    Parameters
    ----------
    keys : array_like of uint64
        64-bit key hash per file (see :func:`labcdn.hashing.hash_keys`).
    copies : array_like of int
        Copies per file, each in [1, servers].
    servers : int
        Servers, indices ``0 .. servers - 1``, in [1, 10000].
    algorithm : str
        ``"ring"`` (distinct successors on a :class:`labcdn.hashing.Ring`) or
        ``"rendezvous"`` (top-N of :class:`labcdn.hashing.Rendezvous`'s scores).
    vnodes : int
        Ring points per server (ring only).
    weights : array_like of float, optional
        Relative server weights, as in :func:`labcdn.hashing.build`.

    Returns
    -------
    Placement
        Copy 0 of every file is ``build(algorithm, servers, weights).lookup(keys)``.
    """
    keys = as_key_hashes(keys)
    servers = check_range("servers", servers, 1, MAX_SERVERS, integer=True)
    algorithm = check_choice("algorithm", algorithm, PLACEMENTS)
    copies = check_array("copies", copies, dtype=np.int64, low=1, high=servers)
    if copies.size != keys.size:
        raise ValueError(f"copies must have one entry per key ({keys.size}); got {copies.size}")
    offsets = np.zeros(keys.size + 1, dtype=np.int64)
    np.cumsum(copies, out=offsets[1:])
    holders = np.empty(int(offsets[-1]), dtype=np.int64)
    if algorithm == "ring":
        ring = Ring.build(servers, vnodes=vnodes, weights=weights)
        _ring_copies_kernel(ring.points, ring.owners, ring.index, ring.shift, keys, offsets, servers, holders)
    else:
        table = Rendezvous.build(servers, weights=weights)
        w = np.ones(servers) if table.weights is None else table.weights
        _rendezvous_copies_kernel(table.seeds, w, table.weights is not None, keys, offsets, holders)
    return Placement(servers, offsets, holders, keys)
