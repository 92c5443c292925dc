"""A checked request trace, ready to replay through any cache, and the tally of one replay.

:func:`prepare_trace` checks ``(object id, size)`` requests once (whole numbers,
sizes in range, one size per object) and maps ids to dense ones;
:meth:`Trace.replay` runs one eviction policy over it at one capacity;
:func:`tally` turns the hit flags into a :class:`CacheResult`.
:func:`labcdn.caching.simulate` is the three in one call; studies that replay
one trace through several policies and capacities (:mod:`labcdn.caching.ranked`,
:mod:`labcdn.prediction.nightly`) prepare it once.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from labcdn._jit import kernel
from labcdn._validation import check_array, check_range
from labcdn.caching.eviction import belady_kernel, lfu_kernel, list_kernel

# Bounds that keep every byte count inside int64: objects up to 1 TiB (libCacheSim's
# oracleGeneral format stops at 4 GiB), caches up to 4 EiB.
MAX_OBJECT_BYTES = 2**40
MAX_CAPACITY_BYTES = 2**62

# Ids up to this multiple of the trace length are remapped through a direct
# lookup table (one pass); larger, sparse ids go through ``np.unique``.
_TABLE_FACTOR = 8


@dataclass(frozen=True)
class CacheResult:
    """Outcome of replaying one trace through one cache.

    Attributes
    ----------
    policy : str
        The eviction policy.
    capacity_bytes : int
        Cache capacity in bytes.
    hits, misses : int
        Requests that found / did not find their object in the cache.
    byte_hits, miss_bytes : int
        Bytes of the requests that hit / missed.
    requests, bytes_requested : int
        Number of requests and their total bytes.
    hit : numpy.ndarray of bool
        One flag per request, in request order (read-only).
    """

    policy: str
    capacity_bytes: int
    hits: int
    byte_hits: int
    misses: int
    miss_bytes: int
    requests: int
    bytes_requested: int
    hit: np.ndarray

    @property
    def hit_ratio(self) -> float:
        """Fraction of requests that hit (``nan`` for an empty trace)."""
        return self.hits / self.requests if self.requests else float("nan")

    @property
    def byte_hit_ratio(self) -> float:
        """Fraction of requested bytes served from the cache (``nan`` for an empty trace)."""
        return self.byte_hits / self.bytes_requested if self.bytes_requested else float("nan")


def next_use(obj_ids) -> np.ndarray:
    """Index of the next request for the same object, for every request.

    Parameters
    ----------
    obj_ids : array_like of int
        Object id of each request, non-negative; need not be dense.

    Returns
    -------
    numpy.ndarray of int64
        ``out[i]`` is the smallest ``j > i`` with ``obj_ids[j] == obj_ids[i]``,
        or ``len(obj_ids)`` if the object is never requested again.
    """
    ids = check_ids(obj_ids)
    dense, n_obj = dense_ids(ids)
    return _next_use_kernel(dense, n_obj)


def check_capacity(capacity_bytes) -> int:
    """``capacity_bytes`` checked: a whole number in [1, 2**62]."""
    return check_range("capacity_bytes", capacity_bytes, low=0, high=MAX_CAPACITY_BYTES, low_open=True, integer=True)


def check_ids(obj_ids) -> np.ndarray:
    """``obj_ids`` checked (whole, non-negative) as int64."""
    _reject_fractions("obj_ids", obj_ids)
    return check_array("obj_ids", obj_ids, dtype=np.int64, low=0)


@dataclass(frozen=True)
class Trace:
    """A checked trace, ready to replay at any capacity (made by :func:`prepare_trace`).

    Attributes
    ----------
    sizes : numpy.ndarray of int64
        Bytes of each request.
    dense : numpy.ndarray of int64
        Object of each request, as ids ``0 .. n_obj-1``.
    obj_size : numpy.ndarray of int64
        Bytes of each object.
    """

    sizes: np.ndarray
    dense: np.ndarray
    obj_size: np.ndarray

    @cached_property
    def next_use(self) -> np.ndarray:
        """:func:`next_use` of the trace, computed on Belady's first replay."""
        return _next_use_kernel(self.dense, self.obj_size.size)

    def replay(self, policy, capacity) -> np.ndarray:
        """Per-request hit flags under ``policy`` at ``capacity`` bytes (both already checked)."""
        hit = np.zeros(self.dense.size, dtype=np.bool_)
        if policy == "lru" or policy == "fifo":
            list_kernel(self.dense, self.obj_size, capacity, policy == "lru", hit)
        elif policy == "lfu":
            lfu_kernel(self.dense, self.obj_size, capacity, hit)
        else:
            belady_kernel(self.dense, self.obj_size, capacity, self.next_use, hit)
        return hit


def prepare_trace(obj_ids, sizes) -> Trace:
    """Check a trace of ``(object id, size)`` requests and map its ids to dense ones.

    Parameters
    ----------
    obj_ids, sizes : array_like of int
        As for :func:`labcdn.caching.simulate`.

    Returns
    -------
    Trace

    Raises
    ------
    ValueError
        On ids or sizes out of range, arrays of different lengths, or an object
        whose size changes (naming the first offending request).
    """
    ids = check_ids(obj_ids)
    _reject_fractions("sizes", sizes)
    size_arr = check_array("sizes", sizes, dtype=np.int64, low=1, high=MAX_OBJECT_BYTES)
    if size_arr.size != ids.size:
        raise ValueError(
            f"sizes has {size_arr.size} elements but obj_ids has {ids.size}; give one size per request"
        )
    dense, n_obj = dense_ids(ids)
    return Trace(size_arr, dense, _object_sizes(dense, size_arr, n_obj))


def tally(policy, capacity, hit, sizes, start=0) -> CacheResult:
    """Tally requests ``[start, n)`` of ``hit`` (one flag per request, made read-only).

    Parameters
    ----------
    policy : str
        Label of the result.
    capacity : int
        Cache capacity in bytes.
    hit : numpy.ndarray of bool
        One flag per request of the whole trace.
    sizes : numpy.ndarray of int64
        Bytes of each request (:attr:`Trace.sizes`).
    start : int
        First request counted.

    Returns
    -------
    CacheResult
    """
    hit.flags.writeable = False
    flags, served = hit[start:], sizes[start:]
    hits = int(np.count_nonzero(flags))
    byte_hits = exact_sum(served[flags.astype(np.bool_)])
    bytes_requested = exact_sum(served)
    return CacheResult(
        policy=policy,
        capacity_bytes=capacity,
        hits=hits,
        byte_hits=byte_hits,
        misses=served.size - hits,
        miss_bytes=bytes_requested - byte_hits,
        requests=served.size,
        bytes_requested=bytes_requested,
        hit=hit,
    )


def exact_sum(sizes) -> int:
    """The exact sum of object sizes (each in ``[0, 2**40]``), as a Python int that cannot wrap.

    An int64 sum wraps past 2**63 bytes (2**23 requests of 1 TiB); the sizes are split into
    their top and bottom 20 bits, each summed in int64 (exact for up to 2**43 requests) and
    recombined as Python ints.

    Parameters
    ----------
    sizes : numpy.ndarray of int64

    Returns
    -------
    int
    """
    high, low = np.divmod(sizes, _SPLIT)
    return int(high.sum()) * _SPLIT + int(low.sum())


_SPLIT = 2**20


def _reject_fractions(name, values):
    try:
        arr = np.asarray(values)
    except (TypeError, ValueError):  # ragged or odd: check_array names the parameter
        return
    if arr.dtype.kind == "f" and arr.size and not np.all(np.isfinite(arr) & (arr == np.round(arr))):
        raise ValueError(f"{name} must hold whole numbers; got fractional or non-finite values")


def dense_ids(ids) -> tuple[np.ndarray, int]:
    """Map checked int64 ids to ``0 .. n_obj-1`` (order of first appearance on the table path); also ``n_obj``."""
    if ids.size == 0:
        return np.zeros(0, dtype=np.int64), 0
    top = int(ids.max())
    if top < _TABLE_FACTOR * ids.size + 65536:
        dense = np.empty(ids.size, dtype=np.int64)
        n_obj = _dense_table_kernel(ids, np.full(top + 1, -1, dtype=np.int64), dense)
        return dense, int(n_obj)
    uniq, inverse = np.unique(ids, return_inverse=True)
    return inverse.astype(np.int64, copy=False).reshape(-1), int(uniq.size)


def _object_sizes(dense, sizes, n_obj):
    obj_size = np.zeros(n_obj, dtype=np.int64)
    bad = _object_sizes_kernel(dense, sizes, obj_size)
    if bad >= 0:
        first = int(np.flatnonzero(dense == dense[bad])[0])
        raise ValueError(
            f"sizes[{bad}]={int(sizes[bad])} differs from sizes[{first}]={int(sizes[first])} "
            f"for the same object; an object must keep one size"
        )
    return obj_size


@kernel
def _dense_table_kernel(ids, table, dense):
    n_obj = 0
    for i in range(ids.size):
        o = ids[i]
        if table[o] < 0:
            table[o] = n_obj
            n_obj += 1
        dense[i] = table[o]
    return n_obj


@kernel
def _object_sizes_kernel(dense, sizes, obj_size):
    for i in range(dense.size):
        o = dense[i]
        if obj_size[o] == 0:
            obj_size[o] = sizes[i]
        elif obj_size[o] != sizes[i]:
            return i
    return -1


@kernel
def _next_use_kernel(dense, n_obj):
    n = dense.size
    out = np.empty(n, dtype=np.int64)
    last = np.full(n_obj, n, dtype=np.int64)
    for i in range(n - 1, -1, -1):
        o = dense[i]
        out[i] = last[o]
        last[o] = i
    return out
