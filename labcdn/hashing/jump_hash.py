"""Jump consistent hash (Lamping & Veach 2014), bit-exact with the reference C++.

Also computes each bucket's exact share of the key space under the paper's
model (each step draws an independent, uniform 31-bit number), which is how
the paper's "standard error 0.00000000764" can be reproduced.

References
----------
.. [1] J. Lamping, E. Veach, "A Fast, Minimal Memory, Consistent Hash
   Algorithm", arXiv:1406.2294, 2014.
"""

from __future__ import annotations

import math

import numpy as np

from labcdn._jit import kernel
from labcdn._validation import check_range
from labcdn.hashing.keys import as_key_hashes
from labcdn.hashing.servers import Numbered

INT32_MAX = 2**31 - 1
_LCG_A = np.uint64(2862933555777941757)
_ONE = np.uint64(1)
_S33 = np.uint64(33)
_TWO31 = 2147483648.0
_STEPS = 4  # lock-step passes between compactions: measured best for n from 10 to 100,000


@kernel
def _jump_reference_kernel(keys, n, out):
    """The paper's loop, one key at a time (kept as the readable statement of the algorithm)."""
    for i in range(keys.size):
        key = keys[i]
        b = -1
        j = 0
        while j < n:
            b = j
            key = key * _LCG_A + _ONE
            j = np.int64((b + 1) * (_TWO31 / np.float64((key >> _S33) + _ONE)))
        out[i] = b


@kernel
def _jump_kernel(keys, n, out):
    """The same loop run on a block of keys in lock-step, so the compiler can vectorise it.

    Each pass advances every live lane ``_STEPS`` times; a lane that has
    finished (``x >= n``) keeps its state through a select instead of a
    branch, so the inner loop has no control flow. Finished lanes are then
    dropped. ``j < n`` is tested on the float before truncation (equivalent
    for integer ``n`` and non-negative values) and ``b`` is kept as a float;
    every arithmetic step is the reference's, so the result is bit-identical.
    """
    block = 1024
    nf = np.float64(n)
    k = np.empty(block, dtype=np.uint64)
    b = np.empty(block, dtype=np.float64)
    x = np.empty(block, dtype=np.float64)
    pos = np.empty(block, dtype=np.int64)
    for start in range(0, keys.size, block):
        live = min(block, keys.size - start)
        for lane in range(live):
            k[lane] = keys[start + lane]
            x[lane] = 0.0
            b[lane] = -1.0
            pos[lane] = start + lane
        while live > 0:
            for _ in range(_STEPS):
                for lane in range(live):
                    xl = x[lane]
                    go = xl < nf
                    bl = math.floor(xl)
                    kl = k[lane] * _LCG_A + _ONE
                    xn = (bl + 1.0) * (_TWO31 / (np.float64(kl >> _S33) + 1.0))
                    k[lane] = kl if go else k[lane]
                    b[lane] = bl if go else b[lane]
                    x[lane] = xn if go else xl
            kept = 0
            for lane in range(live):  # write every lane's bucket; keep the unfinished ones
                p = pos[lane]
                out[p] = np.int64(b[lane])
                k[kept] = k[lane]
                x[kept] = x[lane]
                b[kept] = b[lane]
                pos[kept] = p
                kept += x[lane] < nf
            live = kept


def jump(keys, n):
    """Jump consistent hash of each key into ``n`` buckets.

    Bit-exact with ``JumpConsistentHash(uint64_t key, int32_t num_buckets)``
    of the paper (and the ``jump-consistent-hash`` package).

    Parameters
    ----------
    keys : array_like of int
        64-bit keys; signed values are taken modulo 2**64.
    n : int
        Number of buckets, in [1, 2**31 - 1].

    Returns
    -------
    numpy.ndarray of int64
        Buckets in ``[0, n)``.

    References
    ----------
    .. [1] Lamping & Veach, arXiv:1406.2294 (2014), Figure 1.
    """
    keys = as_key_hashes(keys)
    n = check_range("n", n, 1, INT32_MAX, integer=True)
    out = np.empty(keys.size, dtype=np.int64)
    _jump_kernel(keys, n, out)
    return out


@kernel
def _stay_count(b, t):
    """How many r in [1, 2**31] give jump target ``trunc((b+1) * (2**31 / r)) >= t``."""
    if t <= b + 1:
        return 2147483648
    r = ((b + 1) << 31) // t
    r = min(r, 2147483648)
    while r < 2147483648 and np.int64((b + 1) * (_TWO31 / np.float64(r + 1))) >= t:
        r += 1
    while r >= 1 and np.int64((b + 1) * (_TWO31 / np.float64(r))) < t:
        r -= 1
    return r


@kernel
def _jump_shares_kernel(n, visit, share):
    visit[0] = 1.0
    scale = 1.0 / _TWO31
    for b in range(n):
        p = visit[b]
        share[b] = p * _stay_count(b, n) * scale
        prev = _stay_count(b, b + 1)
        for t in range(b + 1, n):
            nxt = _stay_count(b, t + 1)
            visit[t] += p * (prev - nxt) * scale
            prev = nxt


def jump_shares(n):
    """Exact share of the key space per bucket, under independent 31-bit draws.

    A dynamic programme over the jump chain: from bucket ``b`` the next
    candidate is ``trunc((b+1) * 2**31 / r)`` with ``r`` uniform on
    ``1 .. 2**31``, computed with the same float64 arithmetic as the kernel.

    Parameters
    ----------
    n : int
        Number of buckets, in [1, 5000] (the cost is O(n**2)).

    Returns
    -------
    numpy.ndarray of float64
        Share of bucket ``b``; sums to 1 up to rounding.

    References
    ----------
    .. [1] Lamping & Veach (2014): standard error of bucket sizes 0.00000000764,
       99% interval (0.99999998, 1.00000002) of the mean.
    """
    n = check_range("n", n, 1, 5000, integer=True)
    visit = np.zeros(n, dtype=np.float64)
    share = np.zeros(n, dtype=np.float64)
    _jump_shares_kernel(n, visit, share)
    return share


class Jump(Numbered):
    """Jump consistent hash over a server list: key goes to ``servers[jump(key, n)]``.

    Buckets are numbered, so only the last server can leave without moving
    other keys; weights are not supported.
    """

    bucket = staticmethod(jump)

    def shares(self):
        """Exact key-space share per server (see :func:`jump_shares`)."""
        return jump_shares(self.servers.size)
