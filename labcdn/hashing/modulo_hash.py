"""Modulo placement: server ``hash mod n``, the baseline that reshuffles almost everything."""

from __future__ import annotations

import numpy as np

from labcdn._jit import kernel
from labcdn._validation import check_range
from labcdn.hashing.keys import as_key_hashes
from labcdn.hashing.servers import MAX_SERVERS, Numbered


@kernel
def _modulo_kernel(keys, n, out):
    m = np.uint64(n)
    for i in range(keys.size):
        out[i] = np.int64(keys[i] % m)


def modulo(keys, n):
    """Bucket ``key mod n`` for each 64-bit key hash.

    Parameters
    ----------
    keys : array_like of uint64
        Key hashes.
    n : int
        Number of buckets, in [1, 100000].

    Returns
    -------
    numpy.ndarray of int64
        Buckets in ``[0, n)``.
    """
    keys = as_key_hashes(keys)
    n = check_range("n", n, 1, MAX_SERVERS, integer=True)
    out = np.empty(keys.size, dtype=np.int64)
    _modulo_kernel(keys, n, out)
    return out


class Modulo(Numbered):
    """Modulo placement over a server list: key goes to ``servers[hash mod n]``."""

    bucket = staticmethod(modulo)
