"""The server set every placement is built on (ids, optional weights, their hashes) and the contract every
placement keeps (:class:`Placement`)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass

import numpy as np

from labcdn._validation import check_array, check_range
from labcdn.hashing.keys import as_key_hashes, hash_keys

MAX_SERVERS = 100_000


def server_set(servers, weights=None, *, integer_weights=False):
    """Validate a server set and return ``(ids, weights)``.

    Parameters
    ----------
    servers : int or array_like of int
        ``n`` (ids ``0 .. n-1``) or distinct non-negative integer ids.
    weights : array_like of float, optional
        One positive weight per server; ``None`` means equal weights.
    integer_weights : bool
        Require whole-number weights >= 1 (ketama, as libmemcached).

    Returns
    -------
    ids : numpy.ndarray of int64
    weights : numpy.ndarray of float64 (int64 with ``integer_weights``), or None
    """
    try:
        scalar = np.ndim(servers) == 0
    except ValueError:  # a ragged list: check_array names it
        scalar = False
    if scalar:  # a count; a float, bool or string count is an error, never a one-id list
        n = check_range("servers", servers, 1, MAX_SERVERS, integer=True)
        ids = np.arange(n, dtype=np.int64)
    else:
        ids = check_array("servers", servers, dtype=np.int64, low=0, min_size=1)
        if ids.size > MAX_SERVERS:
            raise ValueError(f"servers has {ids.size} ids; at most {MAX_SERVERS} are allowed")
        if np.unique(ids).size != ids.size:
            raise ValueError("servers must be distinct ids; got repeated ids")
    if weights is None:
        return ids, None
    w = check_array("weights", weights, dtype=np.float64)
    if w.size != ids.size:
        raise ValueError(f"weights must have one entry per server ({ids.size}); got {w.size}")
    if np.any(w <= 0):
        raise ValueError(f"weights must be > 0; smallest value is {w.min()!r}")
    if integer_weights:
        if np.any(w != np.floor(w)) or np.any(w > 2**31 - 1):
            raise ValueError("weights must be whole numbers in [1, 2147483647] for ketama (as libmemcached)")
        return ids, w.astype(np.int64)
    return ids, w


def server_hashes(ids):
    """64-bit hashes of server ids (SplitMix64, as for keys).

    Parameters
    ----------
    ids : numpy.ndarray of int64
        Server ids.

    Returns
    -------
    numpy.ndarray of uint64
    """
    return hash_keys(ids)


class Placement(ABC):
    """The contract of every placement in the family: built on a server set, it maps key hashes to servers.

    - ``build(servers, ...)``, a classmethod, validates the server set (``n`` for
      ids ``0 .. n-1``, or distinct non-negative ids; weights where the algorithm
      takes them) and returns the placement;
    - ``servers`` holds the server ids (int64), in the order given;
    - :meth:`lookup` maps 64-bit key hashes to server ids;
    - :attr:`nbytes` is the size of the lookup state beyond the server list.

    Subclasses implement ``build``, ``_lookup`` (on validated hashes) and ``nbytes``.
    """

    @classmethod
    @abstractmethod
    def build(cls, servers):
        """Place on ``servers`` (``n`` or distinct server ids); algorithm-specific options follow."""

    def lookup(self, keys):
        """Server id for each 64-bit key hash.

        Parameters
        ----------
        keys : array_like of uint64
            64-bit key hashes (e.g. from :func:`labcdn.hashing.key_catalog`).

        Returns
        -------
        numpy.ndarray of int64
            The id, from ``servers``, of the server each key goes to.
        """
        return self._lookup(as_key_hashes(keys))

    @abstractmethod
    def _lookup(self, keys):
        """Server ids for validated key hashes (contiguous uint64)."""

    @property
    @abstractmethod
    def nbytes(self):
        """Bytes of lookup state beyond the server list."""


@dataclass(frozen=True, eq=False)
class Numbered(Placement):
    """A placement that needs nothing but the server list: key goes to ``servers[bucket(hash, n)]``.

    Subclasses set ``bucket``, a function of ``(key hashes, n)`` returning bucket numbers in ``[0, n)``;
    weights are not supported.
    """

    servers: np.ndarray

    @classmethod
    def build(cls, servers):
        """Place on ``servers``: ``n`` (ids ``0 .. n-1``) or distinct server ids, in bucket order."""
        ids, _ = server_set(servers)
        return cls(ids)

    def _lookup(self, keys):
        return self.servers[self.bucket(keys, self.servers.size)]

    @property
    def nbytes(self):
        """Bytes of lookup state beyond the server list (none)."""
        return 0
