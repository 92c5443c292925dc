"""HAProxy's consistent-hash ring: where each backend's points lie on the 32-bit circle.

With ``hash-type consistent`` HAProxy gives each server ``weight * 16`` points
(``lb_nodes_tot = uweight * BE_WEIGHT_SCALE``) at
``full_hash(puid * SRV_EWGHT_RANGE + i)``, where ``puid`` is the server's
1-based id, ``SRV_EWGHT_RANGE = 256 * 16`` and ``full_hash`` is Bob Jenkins'
32-bit integer avalanche followed by a multiplication by 3221225473
(``src/lb_chash.c``, ``include/haproxy/tools.h``). While a server warms up only
its first ``eweight`` points are in the tree.
"""

from __future__ import annotations

import numpy as np

from labcdn.balancing.algorithms import WEIGHT_SCALE

SRV_EWGHT_RANGE = 256 * WEIGHT_SCALE  # SRV_UWGHT_RANGE * BE_WEIGHT_SCALE


def full_hash(values) -> np.ndarray:
    """HAProxy's ``full_hash`` on an array of 32-bit unsigned integers (wrapping arithmetic)."""
    a = np.asarray(values, dtype=np.uint32).copy()
    a = (a + 0x7ED55D16) + (a << 12)
    a = (a ^ 0xC761C23C) ^ (a >> 19)
    a = (a + 0x165667B1) + (a << 5)
    a = (a + 0xD3A2646C) ^ (a << 9)
    a = (a + 0xFD7046C5) + (a << 3)
    a = (a ^ 0xB55A4F09) ^ (a >> 16)
    return a * np.uint32(3221225473)


def haproxy_ring(weights):
    """Points of every backend on HAProxy's ring, sorted.

    Parameters
    ----------
    weights : array_like of int
        Configured weight of each backend (1-256).

    Returns
    -------
    points, owner, index : numpy.ndarray of int64
        Ring position (0 .. 2**32 - 1), backend and point number within the
        backend, sorted by position (then backend, then point number).
    """
    w = np.asarray(weights, dtype=np.int64)
    counts = w * WEIGHT_SCALE
    owner = np.repeat(np.arange(w.size, dtype=np.int64), counts)
    index = np.arange(owner.size, dtype=np.int64) - np.repeat(np.cumsum(counts) - counts, counts)
    points = full_hash((owner + 1) * SRV_EWGHT_RANGE + index).astype(np.int64)
    order = np.lexsort((index, owner, points))
    return points[order], owner[order], index[order]
