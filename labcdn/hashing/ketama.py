"""Ketama: libmemcached's MD5 ring, compatible with uhashring's ``hash_fn="ketama"``.

Server ``name`` with weight ``w`` (of total ``W`` over ``n`` servers) gets
``floor(40 * n * w / W)`` MD5 digests of ``"name-i"``, and each digest gives 4
little-endian 32-bit points: 160 points per server when weights are equal. A
key's point is the first 4 bytes of ``MD5(str(key))``; it goes to the first
point strictly after it, wrapping. When two points coincide, the server that
comes later in the list owns it (uhashring's dict overwrite). MD5 comes from
:mod:`hashlib`; only the ring search is jitted.

Because the digest count depends on ``n`` and ``W``, removing a *weighted*
server changes the other servers' point counts, so keys also move between
servers that stayed: see :func:`labcdn.hashing.disruption`.

References
----------
.. [1] R. Jones (last.fm), "libketama: consistent hashing library for memcached
   clients", last.fm, 2007.
.. [2] libmemcached ``hosts.cc``: ``MEMCACHED_POINTS_PER_SERVER_KETAMA = 160``,
   weighted ``floor(pct * 160 / 4 * n) * 4``.
.. [3] uhashring (``ring_ketama.py``): ``(vnodes * n * weight) // weight_sum``
   with ``vnodes = 40`` and 4 replicas per digest.
"""

from __future__ import annotations

from dataclasses import dataclass
from hashlib import md5

import numpy as np

from labcdn.hashing.keys import as_key_hashes, ketama_hash
from labcdn.hashing.ring import arc_shares, ring_index, ring_lookup
from labcdn.hashing.servers import Placement, server_set

DIGESTS_PER_SERVER = 40  # x 4 points per MD5 digest = 160 points (libmemcached)
POINTS_PER_DIGEST = 4
_S32 = np.uint64(32)


def ketama_digests(n, weights):
    """Digests per server: 40 each, or ``(40 * n * w) // sum(w)`` with integer weights.

    Parameters
    ----------
    n : int
        Number of servers.
    weights : numpy.ndarray of int64 or None
        Whole-number weights.

    Returns
    -------
    numpy.ndarray of int64
        MD5 digests (4 points each) per server.
    """
    if weights is None:
        return np.full(n, DIGESTS_PER_SERVER, dtype=np.int64)
    total = int(weights.sum())
    return np.array([DIGESTS_PER_SERVER * n * int(w) // total for w in weights], dtype=np.int64)


def ketama_continuum(names, digests):
    """Sorted ketama points and owner indices, later servers winning ties.

    Parameters
    ----------
    names : sequence of str
        Node names, in list order.
    digests : sequence of int
        Digests per node (see :func:`ketama_digests`).

    Returns
    -------
    points : numpy.ndarray of uint32
        Distinct sorted points.
    owners : numpy.ndarray of int32
        Index of each point's owner (the last node that produced it).
    """
    blob = b"".join(md5(f"{name}-{d}".encode()).digest() for name, count in zip(names, digests, strict=True) for d in range(count))
    points = np.frombuffer(blob, dtype="<u4").astype(np.uint32)
    owners = np.repeat(np.arange(len(names), dtype=np.int32), np.asarray(digests) * POINTS_PER_DIGEST)
    order = np.argsort(points, kind="stable")
    points, owners = points[order], owners[order]
    last_of_run = np.ones(points.size, dtype=bool)
    last_of_run[:-1] = points[:-1] != points[1:]
    return points[last_of_run], owners[last_of_run]


@dataclass(frozen=True, eq=False)
class Ketama(Placement):
    """A ketama continuum; :meth:`lookup` takes a 64-bit key hash's top 32 bits as its ketama point.

    Attributes
    ----------
    servers : numpy.ndarray of int64
        Server ids, in list order (later servers win point collisions).
    names : tuple of str
        The names hashed into points (``str(id)`` unless given).
    weights : numpy.ndarray of int64 or None
        Integer weights, as libmemcached.
    points, owners : numpy.ndarray
        Sorted distinct 32-bit points and the index of each one's owner.
    index, shift : numpy.ndarray of int32, int
        Bucket index over the points' top bits (see :func:`labcdn.hashing.ring.ring_index`).
    """

    servers: np.ndarray
    names: tuple
    weights: np.ndarray | None
    points: np.ndarray
    owners: np.ndarray
    index: np.ndarray
    shift: int

    @classmethod
    def build(cls, servers, weights=None, names=None):
        """Build the continuum.

        Parameters
        ----------
        servers : int or array_like of int
            ``n`` or distinct server ids.
        weights : array_like of int, optional
            Whole-number weights >= 1.
        names : sequence of str, optional
            Node names hashed into points (e.g. ``"10.0.0.1:11211"``); default ``str(id)``.

        Returns
        -------
        Ketama
        """
        ids, w = server_set(servers, weights, integer_weights=True)
        if names is None:
            names = tuple(str(s) for s in ids)
        else:
            names = tuple(str(s) for s in names)
            if len(names) != ids.size or len(set(names)) != ids.size:
                raise ValueError(f"names must be {ids.size} distinct strings, one per server; got {len(names)}")
        digests = ketama_digests(ids.size, w)
        if digests.sum() == 0:
            raise ValueError("weights leave every server without points; use weights closer together")
        points, owners = ketama_continuum(names, digests)
        return cls(ids, names, w, points, owners, *ring_index(points, 32))

    def lookup_points(self, points):
        """Server id for each pre-hashed 32-bit ketama point.

        Parameters
        ----------
        points : array_like of int
            Points in ``[0, 2**32)`` from :func:`labcdn.hashing.ketama_hash`.

        Returns
        -------
        numpy.ndarray of int64
        """
        points = as_key_hashes(points, "points")
        if points.size and points.max() > 0xFFFFFFFF:
            raise ValueError(f"points must be 32-bit ketama hashes in [0, 4294967295]; largest is {points.max()}")
        return ring_lookup(self.points, self.owners, self.index, self.shift, self.servers, points)

    def lookup_strings(self, keys):
        """Server id for each string key, as uhashring's ketama ``get_node``.

        Parameters
        ----------
        keys : iterable of str
            Keys, hashed as ``MD5(str(key))``.

        Returns
        -------
        numpy.ndarray of int64
        """
        return self.lookup_points(ketama_hash(keys))

    def lookup_names(self, keys):
        """Node name for each string key (uhashring's ``get_node``).

        Parameters
        ----------
        keys : iterable of str
            Keys, hashed as ``MD5(str(key))``.

        Returns
        -------
        list of str
        """
        positions = np.arange(self.servers.size, dtype=np.int64)
        found = ring_lookup(self.points, self.owners, self.index, self.shift, positions, ketama_hash(keys))
        return [self.names[i] for i in found]

    def _lookup(self, keys):
        return ring_lookup(self.points, self.owners, self.index, self.shift, self.servers, keys >> _S32)

    def shares(self):
        """Exact fraction of the 32-bit point space owned by each server."""
        return arc_shares(self.points, self.owners, self.servers.size, 2.0**32)

    @property
    def nbytes(self):
        """Bytes of lookup state (points, owners and bucket index)."""
        return self.points.nbytes + self.owners.nbytes + self.index.nbytes
