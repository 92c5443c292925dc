"""Consistent hashing on a ring with virtual nodes (Karger et al. 1997).

Each server puts ``round(vnodes * weight)`` points on a 64-bit ring (point
``v`` of server ``s`` is output ``v`` of SplitMix64 seeded with the server's
hash); a key goes to the owner of the first point strictly after its hash,
wrapping at 2**64. Because a server's points depend only on its own id and
weight, adding or removing a server moves only that server's keys, weighted
or not.

References
----------
.. [1] D. Karger, E. Lehman, T. Leighton, R. Panigrahy, M. Levine, D. Lewin,
   "Consistent hashing and random trees", STOC 1997.
.. [2] J. Lamping, E. Veach (2014): with 1000 points per bucket the standard
   deviation of bucket sizes is about 3.2%.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from labcdn._jit import kernel
from labcdn._validation import check_range
from labcdn.hashing.keys import draw64
from labcdn.hashing.servers import Placement, server_hashes, server_set

DEFAULT_VNODES = 160  # libmemcached's MEMCACHED_POINTS_PER_SERVER_KETAMA (40 MD5 digests x 4 points)
MAX_POINTS = 20_000_000


@kernel
def _ring_points_kernel(seeds, counts, points, owners):
    p = 0
    for s in range(seeds.size):
        for v in range(counts[s]):
            points[p] = draw64(seeds[s], v)
            owners[p] = s
            p += 1


@kernel
def successor(points, index, shift, k):
    """Position of the first point strictly greater than ``k`` (0 past the end).

    ``index[t]`` is the first point whose top bits (``point >> shift``) are at
    least ``t``, so only the few points sharing ``k``'s top bits are scanned:
    the same answer as a bisect-right over the whole ring, in O(1) expected.

    Parameters
    ----------
    points : numpy.ndarray of uint64 or uint32
        Sorted ring points.
    index : numpy.ndarray of int32
        Bucket index from :func:`ring_index`.
    shift : int
        Bits dropped to get a point's bucket.
    k : numpy.uint64
        Key position.

    Returns
    -------
    int
        Index into ``points``.
    """
    t = np.int64(k >> np.uint64(shift))
    lo = index[t]
    hi = index[t + 1]
    while lo < hi and points[lo] <= k:
        lo += 1
    if lo == points.size:
        lo = 0
    return lo


@kernel
def _ring_lookup_kernel(points, owners, index, shift, servers, keys, out):
    for i in range(keys.size):
        out[i] = servers[owners[successor(points, index, shift, keys[i])]]


@kernel
def _arc_shares_kernel(points, owners, space, share):
    size = points.size
    for j in range(size):
        if j == 0:
            arc = space - np.float64(points[size - 1]) + np.float64(points[0])
        else:
            arc = np.float64(points[j] - points[j - 1])
        share[owners[j]] += arc / space


def ring_index(points, space_bits):
    """Bucket index over the top bits of sorted ``points`` in a ``2**space_bits`` space.

    Parameters
    ----------
    points : numpy.ndarray of uint64 or uint32
        Sorted ring points.
    space_bits : int
        64 for the 64-bit ring, 32 for ketama.

    Returns
    -------
    index : numpy.ndarray of int32
        ``index[t]`` is the first point with ``point >> shift >= t``; about one
        point per bucket, at most 2**22 buckets.
    shift : int
    """
    bits = int(min(22, max(1, np.ceil(np.log2(max(points.size, 2))))))
    shift = space_bits - bits
    index = np.searchsorted(points >> points.dtype.type(shift), np.arange(2**bits + 1, dtype=points.dtype), side="left")
    return index.astype(np.int32), shift


def ring_lookup(points, owners, index, shift, servers, keys):
    """Owner's id of the first point strictly after each key (bisect-right, wrapping).

    Parameters
    ----------
    points, owners, index, shift
        A ring: sorted points, owner index per point, and :func:`ring_index`.
    servers : numpy.ndarray of int64
        Id of each owner index.
    keys : numpy.ndarray of uint64
        Key positions.

    Returns
    -------
    numpy.ndarray of int64
        Server id per key.
    """
    out = np.empty(keys.size, dtype=np.int64)
    _ring_lookup_kernel(points, owners, index, shift, servers, keys, out)
    return out


def arc_shares(points, owners, n, space):
    """Fraction of the hash space ``[0, space)`` owned by each of ``n`` servers.

    Parameters
    ----------
    points, owners : numpy.ndarray
        Sorted points and their owners' indices.
    n : int
        Number of servers.
    space : float
        Size of the hash space (2**64 or 2**32).

    Returns
    -------
    numpy.ndarray of float64
        Share per server, summing to 1.
    """
    share = np.zeros(n, dtype=np.float64)
    _arc_shares_kernel(points, owners, float(space), share)
    return share


def _points_per_server(vnodes, weights, n):
    """``max(1, round(vnodes * weight))`` points per server (``vnodes`` each when unweighted)."""
    if weights is None:
        return np.full(n, vnodes, dtype=np.int64)
    counts = np.maximum(1, np.floor(vnodes * weights + 0.5))
    if counts.sum() > MAX_POINTS:  # before the cast: 1e18 x 160 points would wrap to negative int64
        raise ValueError(f"weights give the ring {counts.sum():.4g} points (vnodes={vnodes} x weight); at most "
                         f"{MAX_POINTS} (lower vnodes or weights)")
    return counts.astype(np.int64)


@dataclass(frozen=True, eq=False)
class Ring(Placement):
    """A consistent-hash ring with virtual nodes.

    Attributes
    ----------
    servers : numpy.ndarray of int64
        Server ids, in the order given.
    weights : numpy.ndarray of float64 or None
        Relative weights (points per server scale with them).
    vnodes : int
        Points per server of weight 1.
    points : numpy.ndarray of uint64
        Sorted ring positions.
    owners : numpy.ndarray of int32
        Index into ``servers`` of each point's owner.
    index, shift : numpy.ndarray of int32, int
        Bucket index over the points' top bits (see :func:`ring_index`).
    """

    servers: np.ndarray
    weights: np.ndarray | None
    vnodes: int
    points: np.ndarray
    owners: np.ndarray
    index: np.ndarray
    shift: int

    @classmethod
    def build(cls, servers, vnodes=DEFAULT_VNODES, weights=None):
        """Build the ring.

        Parameters
        ----------
        servers : int or array_like of int
            ``n`` or distinct server ids.
        vnodes : int
            Points per server of weight 1, in [1, 100000]; 160 is ketama's figure.
        weights : array_like of float, optional
            Relative weights; a server gets ``max(1, round(vnodes * weight))`` points.

        Returns
        -------
        Ring
        """
        ids, w = server_set(servers, weights)
        vnodes = check_range("vnodes", vnodes, 1, 100_000, integer=True)
        counts = _points_per_server(vnodes, w, ids.size)
        total = int(counts.sum())
        if total > MAX_POINTS:
            raise ValueError(f"the ring would have {total} points; at most {MAX_POINTS} (lower vnodes or weights)")
        points = np.empty(total, dtype=np.uint64)
        owners = np.empty(total, dtype=np.int32)
        _ring_points_kernel(server_hashes(ids), counts, points, owners)
        order = np.argsort(points, kind="stable")
        points, owners = points[order], owners[order]
        return cls(ids, w, vnodes, points, owners, *ring_index(points, 64))

    def _lookup(self, keys):
        return ring_lookup(self.points, self.owners, self.index, self.shift, self.servers, keys)

    def shares(self):
        """Exact fraction of the 64-bit hash space owned by each server (arc lengths)."""
        return arc_shares(self.points, self.owners, self.servers.size, 2.0**64)

    @property
    def nbytes(self):
        """Bytes of lookup state (points, owners and bucket index)."""
        return self.points.nbytes + self.owners.nbytes + self.index.nbytes
