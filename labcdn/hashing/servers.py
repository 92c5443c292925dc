"""The server set every placement is built on: ids, optional weights, and their hashes."""

from __future__ import annotations

import numpy as np

from labcdn._validation import check_array, check_range
from labcdn.hashing.keys import hash_keys

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
