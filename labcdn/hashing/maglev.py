"""Maglev hashing (Eisenbud et al., NSDI 2016): a prime-size lookup table.

Backend ``i`` gets ``offset = h1 mod M`` and ``skip = h2 mod (M-1) + 1``
(``h1``, ``h2``: outputs 0 and 1 of SplitMix64 seeded with its hash), so its
preference list ``(offset + j*skip) mod M`` is a permutation of the table.
Backends take turns claiming their most preferred empty slot until the table
is full, so with equal weights their entry counts differ by at most one. The
paper leaves weights out; here, as in Envoy, a backend of weight ``w`` takes a
turn in round ``t`` only when ``t * w / max(w)`` has reached its next credit,
so it claims slots in proportion to its weight. A key goes to
``table[hash mod M]``.

The paper chooses ``M`` prime and larger than ``100 * N`` for at most a 1%
difference in table share; it also evaluates ``M = 65537`` with 1000
backends, so only ``M >= N`` is enforced here.

References
----------
.. [1] D. E. Eisenbud et al., "Maglev: A Fast and Reliable Software Network
   Load Balancer", NSDI 2016, section 3.4 and Pseudocode 1.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from labcdn._jit import kernel
from labcdn._validation import check_range
from labcdn.hashing.keys import draw64
from labcdn.hashing.servers import Placement, server_hashes, server_set

DEFAULT_TABLE_SIZE = 65_537  # Maglev paper's default (section 5.3)
MAX_TABLE_SIZE = 5_000_011  # Envoy's limit for table_size


def is_prime(m):
    """Whether the integer ``m`` is prime.

    Parameters
    ----------
    m : int
        Candidate (trial division: fine up to a few million).

    Returns
    -------
    bool
    """
    if m < 2:
        return False
    if m % 2 == 0:
        return m == 2
    f = 3
    while f * f <= m:
        if m % f == 0:
            return False
        f += 2
    return True


@kernel
def _offsets_skips_kernel(seeds, m, offsets, skips):
    mm = np.uint64(m)
    for i in range(seeds.size):
        offsets[i] = np.int64(draw64(seeds[i], 0) % mm)
        skips[i] = np.int64(draw64(seeds[i], 1) % (mm - np.uint64(1))) + 1


@kernel
def _maglev_populate_kernel(offsets, skips, turns, table):
    """Pseudocode 1 of the paper; ``turns[i]`` in (0, 1] is backend i's relative weight."""
    m = table.size
    n = offsets.size
    table[:] = -1
    slot = offsets.copy()
    credit = np.zeros(n, dtype=np.float64)
    filled = 0
    rnd = 0
    while True:
        for i in range(n):
            if rnd * turns[i] < credit[i]:
                continue
            credit[i] += 1.0
            c = slot[i]
            while table[c] >= 0:
                c += skips[i]
                if c >= m:
                    c -= m
            table[c] = i
            c += skips[i]
            if c >= m:
                c -= m
            slot[i] = c
            filled += 1
            if filled == m:
                return
        rnd += 1


def maglev_table(offsets, skips, table_size, turns=None):
    """Populate a Maglev table from explicit ``offsets`` and ``skips`` (indices into them).

    Parameters
    ----------
    offsets, skips : array_like of int
        Per backend, ``offset`` in ``[0, M)`` and ``skip`` in ``[1, M)``.
    table_size : int
        ``M``, a prime >= the number of backends.
    turns : array_like of float, optional
        Relative weights in (0, 1] (weight / max weight); default all 1.

    Returns
    -------
    numpy.ndarray of int32
        Backend index of each table entry.
    """
    offsets = np.ascontiguousarray(offsets, dtype=np.int64)
    skips = np.ascontiguousarray(skips, dtype=np.int64)
    turns = np.ones(offsets.size) if turns is None else np.ascontiguousarray(turns, dtype=np.float64)
    if offsets.size == 0 or offsets.size != skips.size or offsets.size != turns.size:
        raise ValueError("offsets, skips and turns must be non-empty and of equal length")
    if offsets.min() < 0 or offsets.max() >= table_size or skips.min() < 1 or skips.max() >= table_size:
        raise ValueError(f"offsets must lie in [0, {table_size}) and skips in [1, {table_size})")
    if turns.min() <= 0 or turns.max() > 1:
        raise ValueError("turns must lie in (0, 1]")
    table = np.empty(table_size, dtype=np.int32)
    _maglev_populate_kernel(offsets, skips, turns, table)
    return table


@kernel
def _maglev_lookup_kernel(table, servers, keys, out):
    m = np.uint64(table.size)
    for i in range(keys.size):
        out[i] = servers[table[np.int64(keys[i] % m)]]


@dataclass(frozen=True, eq=False)
class Maglev(Placement):
    """A Maglev lookup table: :meth:`lookup` is ``table[hash mod M]``.

    Attributes
    ----------
    servers : numpy.ndarray of int64
        Backend ids.
    weights : numpy.ndarray of float64 or None
        Relative weights.
    table : numpy.ndarray of int32
        Backend index of each of the ``M`` entries.
    """

    servers: np.ndarray
    weights: np.ndarray | None
    table: np.ndarray

    @classmethod
    def build(cls, servers, weights=None, table_size=DEFAULT_TABLE_SIZE):
        """Build the table.

        Parameters
        ----------
        servers : int or array_like of int
            ``n`` or distinct backend ids.
        weights : array_like of float, optional
            Positive relative weights.
        table_size : int
            ``M``: a prime >= the number of backends, at most 5,000,011; 65,537 is
            the paper's default. Choose ``M > 100 * n`` for <= 1% imbalance.

        Returns
        -------
        Maglev
        """
        ids, w = server_set(servers, weights)
        table_size = check_range("table_size", table_size, ids.size, MAX_TABLE_SIZE, integer=True)
        if not is_prime(table_size):
            raise ValueError(f"table_size={table_size} must be a prime number (e.g. 65537, 655373)")
        offsets = np.empty(ids.size, dtype=np.int64)
        skips = np.empty(ids.size, dtype=np.int64)
        _offsets_skips_kernel(server_hashes(ids), table_size, offsets, skips)
        turns = np.ones(ids.size) if w is None else w / w.max()
        table = np.empty(table_size, dtype=np.int32)
        _maglev_populate_kernel(offsets, skips, turns, table)
        return cls(ids, w, table)

    @property
    def table_size(self):
        """``M``, the number of table entries."""
        return self.table.size

    def _lookup(self, keys):
        out = np.empty(keys.size, dtype=np.int64)
        _maglev_lookup_kernel(self.table, self.servers, keys, out)
        return out

    def counts(self):
        """Table entries held by each server."""
        return np.bincount(self.table, minlength=self.servers.size)

    def shares(self):
        """Fraction of the table (and so of the hash space) held by each server."""
        return self.counts() / self.table.size

    @property
    def nbytes(self):
        """Bytes of lookup state (the table)."""
        return self.table.nbytes
