"""Rendezvous (highest random weight) hashing, plain and weighted.

Each (key, server) pair gets a score ``h = mix64(key_hash ^ server_hash)``; a
key goes to the server with the highest score (the first such server on a
tie). With weights the score is ``w / -ln(u)`` with ``u = (h >> 11 + 0.5) /
2**53`` in (0, 1), which gives server ``i`` exactly the share ``w_i / sum(w)``
of keys (the "logarithmic method"). Removing a server moves only its own
keys; every lookup costs O(n).

References
----------
.. [1] D. G. Thaler, C. V. Ravishankar, "Using name-based mappings to increase
   hit rates", IEEE/ACM Transactions on Networking 6(1), 1998.
.. [2] C. Schindelhauer, G. Schomaker, "Weighted distributed hash tables",
   SPAA 2005 (the logarithmic weighting).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from labcdn._jit import kernel
from labcdn.hashing.keys import mix64
from labcdn.hashing.servers import Placement, server_hashes, server_set

_S11 = np.uint64(11)
_TWO_M53 = 2.0**-53


@kernel
def _rendezvous_kernel(seeds, servers, keys, out):
    n = seeds.size
    score = np.empty(n, dtype=np.uint64)
    for i in range(keys.size):
        k = keys[i]
        top = np.uint64(0)
        for s in range(n):  # a max-reduction the compiler can vectorise
            h = mix64(k ^ seeds[s])
            score[s] = h
            top = max(top, h)
        best = 0
        while score[best] != top:
            best += 1
        out[i] = servers[best]


@kernel
def _weighted_rendezvous_kernel(seeds, weights, servers, keys, out):
    for i in range(keys.size):
        k = keys[i]
        best = 0
        top = -1.0
        for s in range(seeds.size):
            h = mix64(k ^ seeds[s])
            u = (np.float64(h >> _S11) + 0.5) * _TWO_M53
            score = weights[s] / -math.log(u)
            if score > top:
                top = score
                best = s
        out[i] = servers[best]


@dataclass(frozen=True, eq=False)
class Rendezvous(Placement):
    """Highest-random-weight placement over a server list (:meth:`lookup` is O(n) per key).

    Attributes
    ----------
    servers : numpy.ndarray of int64
        Server ids.
    weights : numpy.ndarray of float64 or None
        Relative weights; ``None`` scores by the raw 64-bit hash.
    seeds : numpy.ndarray of uint64
        Server hashes mixed into each key's scores.
    """

    servers: np.ndarray
    weights: np.ndarray | None
    seeds: np.ndarray

    @classmethod
    def build(cls, servers, weights=None):
        """Place on ``servers`` with optional weights.

        Parameters
        ----------
        servers : int or array_like of int
            ``n`` (ids ``0 .. n-1``) or distinct server ids.
        weights : array_like of float, optional
            Positive relative weights.

        Returns
        -------
        Rendezvous
        """
        ids, w = server_set(servers, weights)
        return cls(ids, w, server_hashes(ids))

    def _lookup(self, keys):
        out = np.empty(keys.size, dtype=np.int64)
        if self.weights is None:
            _rendezvous_kernel(self.seeds, self.servers, keys, out)
        else:
            _weighted_rendezvous_kernel(self.seeds, self.weights, self.servers, keys, out)
        return out

    @property
    def nbytes(self):
        """Bytes of lookup state (server hashes and weights)."""
        return self.seeds.nbytes + (0 if self.weights is None else self.weights.nbytes)
