"""Consistent hashing with bounded loads (Mirrokni, Thorup & Zadimoghaddam 2018).

Keys are placed one at a time, in the order given, on a :class:`Ring`: each
goes to the first server clockwise from its hash whose load is below its
capacity ``ceil(c * m * w_i / sum(w))`` (``ceil(c * m / n)`` with equal
weights), where ``m`` is the number of keys placed and ``c > 1`` the balance
factor (HAProxy's ``hash-balance-factor`` / 100). No server ever holds more
than its capacity; the price is that placement depends on the key order and
that a membership change moves more keys than the plain ring.

References
----------
.. [1] V. Mirrokni, M. Thorup, M. Zadimoghaddam, "Consistent Hashing with
   Bounded Loads", SODA 2018 (arXiv:1608.01350).
.. [2] A. Rodland, "Improving load balancing with a new consistent-hashing
   algorithm", Vimeo Engineering Blog, 2016.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from labcdn._jit import kernel
from labcdn._validation import check_range
from labcdn.hashing.ring import DEFAULT_VNODES, Ring, successor
from labcdn.hashing.servers import Placement

DEFAULT_BALANCE_FACTOR = 1.25  # liblb's bounded balancer, after Vimeo (Rodland 2016); HAProxy "125"


@kernel
def _bounded_kernel(points, owners, index, shift, servers, capacity, keys, load, out):
    size = points.size
    for i in range(keys.size):
        pos = successor(points, index, shift, keys[i])
        while load[owners[pos]] >= capacity[owners[pos]]:
            pos += 1
            if pos == size:
                pos = 0
        o = owners[pos]
        load[o] += 1
        out[i] = servers[o]


def capacities(m, balance_factor, n, weights=None):
    """Exact ``ceil(c * m * w_i / sum(w))`` per server (``ceil(c * m / n)`` unweighted).

    Parameters
    ----------
    m : int
        Keys to place.
    balance_factor : float
        ``c``; taken as its exact binary value, so no rounding can lift a bound.
    n : int
        Number of servers.
    weights : numpy.ndarray of float64, optional
        Server weights.

    Returns
    -------
    numpy.ndarray of int64
        Capacity per server.
    """
    c = Fraction(balance_factor)
    if weights is None:
        return np.full(n, math.ceil(c * m / n), dtype=np.int64)
    fw = [Fraction(float(w)) for w in weights]
    total = sum(fw)
    return np.array([math.ceil(c * m * w / total) for w in fw], dtype=np.int64)


@dataclass(frozen=True, eq=False)
class BoundedLoads(Placement):
    """Bounded-load placement on a ring; :meth:`lookup` places the keys in order, each on the first server
    clockwise with room.

    Attributes
    ----------
    ring : Ring
        The underlying ring (its servers, weights and points).
    balance_factor : float
        ``c``: no server holds more than ``ceil(c * m * w_i / sum(w))`` keys.
    """

    ring: Ring
    balance_factor: float

    @classmethod
    def build(cls, servers, balance_factor=DEFAULT_BALANCE_FACTOR, vnodes=DEFAULT_VNODES, weights=None):
        """Build the ring and fix the balance factor.

        Parameters
        ----------
        servers : int or array_like of int
            ``n`` or distinct server ids.
        balance_factor : float
            ``c`` in [1, 10]; issue 4 takes 1.25 to 2.0 as the reasonable range.
        vnodes : int
            Ring points per server of weight 1.
        weights : array_like of float, optional
            Positive relative weights (capacity and points scale with them).

        Returns
        -------
        BoundedLoads
        """
        balance_factor = float(check_range("balance_factor", balance_factor, 1.0, 10.0))
        return cls(Ring.build(servers, vnodes=vnodes, weights=weights), balance_factor)

    @property
    def servers(self):
        """Server ids."""
        return self.ring.servers

    def capacities(self, m):
        """Most keys each server may hold when ``m`` keys are placed.

        Parameters
        ----------
        m : int
            Number of keys.

        Returns
        -------
        numpy.ndarray of int64
        """
        return capacities(m, self.balance_factor, self.servers.size, self.ring.weights)

    def _lookup(self, keys):
        out = np.empty(keys.size, dtype=np.int64)
        load = np.zeros(self.servers.size, dtype=np.int64)
        cap = self.capacities(keys.size)
        r = self.ring
        _bounded_kernel(r.points, r.owners, r.index, r.shift, self.servers, cap, keys, load, out)
        return out

    @property
    def nbytes(self):
        """Bytes of lookup state (ring plus one load counter per server)."""
        return self.ring.nbytes + 8 * self.servers.size
