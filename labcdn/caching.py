"""Reactive cache policies (LRU, FIFO, LFU, Belady) replayed over a request trace.

:func:`simulate` replays a trace of ``(object id, size)`` requests through one
cache of ``capacity_bytes`` bytes and reports, request by request, whether the
object was already there. The semantics are those of libCacheSim's
``cache_get_base`` (https://github.com/1a1a11a/libCacheSim, Python binding
``libcachesim`` 0.3.5); the tests check equality with it request for request:

- **Accounting.** The cache counts object bytes only (libCacheSim's default
  ``consider_obj_metadata=False``, so no per-object header). A request hits if
  the object is in the cache; a hit changes no sizes.
- **Admission.** On a miss, an object larger than ``capacity_bytes`` is never
  admitted and evicts nothing. Otherwise victims are evicted, one at a time,
  while ``used + size > capacity_bytes``; an object that exactly fills the
  remaining space is admitted.
- **LRU** evicts the least recently requested object; a hit moves the object
  to the most-recent end. **FIFO** evicts the oldest admitted object; hits do
  not reorder.
- **LFU** is in-cache LFU: an object enters with frequency 1, each hit adds 1,
  and eviction forgets the count. Among objects of the lowest frequency it
  evicts the one that reached that frequency first, which is the least
  recently requested one (libCacheSim's ``LFU.c``: one FIFO list per
  frequency, a hit appends the object to the tail of the next list, eviction
  takes the head of the lowest non-empty list).
- **Belady** evicts the object whose next request lies farthest in the future;
  objects never requested again rank above all others. Ties exist only among
  those never-again objects, and they cannot change any hit: the eviction loop
  drops never-again objects before any other, so whichever of them go first,
  the set of objects that will be requested again evolves identically. The
  kernel nonetheless replays libCacheSim's indexed binary max-heap
  (``pqueue.c``: the same sift-up / sift-down on insert, on a hit's priority
  change and on pop) rather than inventing its own order.

Belady is optimal in *object* hits only when all objects have the same size;
with variable sizes it is a heuristic (byte-aware optimal caching is NP-hard,
D. S. Berger, N. Beckmann, M. Harchol-Balter, "Practical Bounds on Optimal
Caching with Variable Object Sizes", SIGMETRICS 2018).

References
----------
.. [1] L. A. Belady, "A study of replacement algorithms for a virtual-storage
   computer", IBM Systems Journal 5(2), 1966.
.. [2] J. Yang et al., "libCacheSim: a high-performance library for building
   cache simulators", https://github.com/1a1a11a/libCacheSim.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from labcdn._jit import kernel
from labcdn._validation import check_array, check_choice, check_range

POLICIES = ("lru", "fifo", "lfu", "belady")

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


def simulate(policy, obj_ids, sizes, capacity_bytes) -> CacheResult:
    """Replay a request trace through a cache and report every hit.

    Parameters
    ----------
    policy : {"lru", "fifo", "lfu", "belady"}
        Eviction policy; see the module docstring for the exact semantics.
    obj_ids : array_like of int
        Object id of each request, non-negative; need not be dense.
    sizes : array_like of int
        Size in bytes of each request's object, in [1, 2**40]. An object must
        have the same size on every request.
    capacity_bytes : int
        Cache capacity in bytes, in [1, 2**62].

    Returns
    -------
    CacheResult
        Counts, byte counts and the per-request hit flags.

    Raises
    ------
    ValueError
        On an unknown policy, a non-positive capacity, ids or sizes out of
        range, arrays of different lengths, or an object whose size changes
        (the message names the first offending request).

    References
    ----------
    .. [1] libCacheSim, ``cache_get_base`` and the LRU, FIFO, LFU and Belady
       eviction modules, https://github.com/1a1a11a/libCacheSim.
    """
    policy = check_choice("policy", policy, POLICIES)
    capacity = check_range(
        "capacity_bytes", capacity_bytes, low=0, high=MAX_CAPACITY_BYTES, low_open=True, integer=True
    )
    ids, size_arr = _check_trace(obj_ids, sizes)
    dense, n_obj = _dense_ids(ids)
    obj_size = _object_sizes(dense, size_arr, n_obj)
    hit = np.zeros(ids.size, dtype=np.bool_)
    if policy == "lru" or policy == "fifo":
        _list_kernel(dense, obj_size, capacity, policy == "lru", hit)
    elif policy == "lfu":
        _lfu_kernel(dense, obj_size, capacity, hit)
    else:
        _belady_kernel(dense, obj_size, capacity, _next_use_kernel(dense, n_obj), hit)
    hit.flags.writeable = False
    hits = int(np.count_nonzero(hit))
    byte_hits = int(np.dot(size_arr, hit))
    bytes_requested = int(size_arr.sum())
    return CacheResult(
        policy=policy,
        capacity_bytes=capacity,
        hits=hits,
        byte_hits=byte_hits,
        misses=ids.size - hits,
        miss_bytes=bytes_requested - byte_hits,
        requests=ids.size,
        bytes_requested=bytes_requested,
        hit=hit,
    )


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
    ids = _check_ids(obj_ids)
    dense, n_obj = _dense_ids(ids)
    return _next_use_kernel(dense, n_obj)


def _check_ids(obj_ids):
    _reject_fractions("obj_ids", obj_ids)
    return check_array("obj_ids", obj_ids, dtype=np.int64, low=0)


def _check_trace(obj_ids, sizes):
    ids = _check_ids(obj_ids)
    _reject_fractions("sizes", sizes)
    size_arr = check_array("sizes", sizes, dtype=np.int64, low=1, high=MAX_OBJECT_BYTES)
    if size_arr.size != ids.size:
        raise ValueError(
            f"sizes has {size_arr.size} elements but obj_ids has {ids.size}; give one size per request"
        )
    return ids, size_arr


def _reject_fractions(name, values):
    arr = np.asarray(values)
    if arr.dtype.kind == "f" and arr.size and not np.all(np.isfinite(arr) & (arr == np.round(arr))):
        raise ValueError(f"{name} must hold whole numbers; got fractional or non-finite values")


def _dense_ids(ids):
    """Map ids to 0..n_obj-1 (order of first appearance on the table path)."""
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


@kernel
def _list_kernel(dense, obj_size, capacity, promote, hit):
    """LRU (``promote``) or FIFO: one doubly-linked list, evict at the head."""
    n_obj = obj_size.size
    prev = np.full(n_obj, -1, dtype=np.int64)
    nxt = np.full(n_obj, -1, dtype=np.int64)
    cached = np.zeros(n_obj, dtype=np.bool_)
    head = -1  # next victim
    tail = -1  # most recently inserted / promoted
    used = 0
    for i in range(dense.size):
        o = dense[i]
        if cached[o]:
            hit[i] = True
            if promote and o != tail:
                p = prev[o]
                q = nxt[o]
                if p >= 0:
                    nxt[p] = q
                else:
                    head = q
                prev[q] = p
                prev[o] = tail
                nxt[o] = -1
                nxt[tail] = o
                tail = o
            continue
        s = obj_size[o]
        if s > capacity:
            continue
        while used + s > capacity:
            v = head
            head = nxt[v]
            if head >= 0:
                prev[head] = -1
            else:
                tail = -1
            cached[v] = False
            used -= obj_size[v]
        cached[o] = True
        used += s
        prev[o] = tail
        nxt[o] = -1
        if tail >= 0:
            nxt[tail] = o
        else:
            head = o
        tail = o


@kernel
def _lfu_kernel(dense, obj_size, capacity, hit):
    """In-cache LFU in O(1): a FIFO list per frequency, a list of non-empty frequencies."""
    n_obj = obj_size.size
    count = np.zeros(n_obj, dtype=np.int64)
    for i in range(dense.size):
        count[dense[i]] += 1
    n_freq = (count.max() if n_obj > 0 else 0) + 2  # no object reaches a higher frequency
    prev = np.full(n_obj, -1, dtype=np.int64)
    nxt = np.full(n_obj, -1, dtype=np.int64)
    freq = np.zeros(n_obj, dtype=np.int64)  # 0: not cached
    first = np.full(n_freq, -1, dtype=np.int64)  # per-frequency list of objects
    last = np.full(n_freq, -1, dtype=np.int64)
    fprev = np.full(n_freq, -1, dtype=np.int64)  # ascending list of non-empty frequencies
    fnext = np.full(n_freq, -1, dtype=np.int64)
    fmin = -1
    used = 0
    for i in range(dense.size):
        o = dense[i]
        f = freq[o]
        if f > 0:
            hit[i] = True
            g = f + 1
            if first[g] < 0:  # frequency g becomes non-empty: link it right after f
                fprev[g] = f
                fnext[g] = fnext[f]
                if fnext[f] >= 0:
                    fprev[fnext[f]] = g
                fnext[f] = g
            # unlink o from list f
            p = prev[o]
            q = nxt[o]
            if p >= 0:
                nxt[p] = q
            else:
                first[f] = q
            if q >= 0:
                prev[q] = p
            else:
                last[f] = p
            if first[f] < 0:  # frequency f is now empty
                if fprev[f] >= 0:
                    fnext[fprev[f]] = fnext[f]
                else:
                    fmin = fnext[f]
                fprev[fnext[f]] = fprev[f]
            # append o to list g
            prev[o] = last[g]
            nxt[o] = -1
            if last[g] >= 0:
                nxt[last[g]] = o
            else:
                first[g] = o
            last[g] = o
            freq[o] = g
            continue
        s = obj_size[o]
        if s > capacity:
            continue
        while used + s > capacity:
            v = first[fmin]
            q = nxt[v]
            first[fmin] = q
            if q >= 0:
                prev[q] = -1
            else:
                last[fmin] = -1
                g = fnext[fmin]
                if g >= 0:
                    fprev[g] = -1
                fnext[fmin] = -1
                fmin = g
            freq[v] = 0
            used -= obj_size[v]
        if first[1] < 0:  # frequency 1 becomes non-empty: it is the new minimum
            fprev[1] = -1
            fnext[1] = fmin
            if fmin >= 0:
                fprev[fmin] = 1
            fmin = 1
        prev[o] = last[1]
        nxt[o] = -1
        if last[1] >= 0:
            nxt[last[1]] = o
        else:
            first[1] = o
        last[1] = o
        freq[o] = 1
        used += s


@kernel
def _heap_up(key, item, pos, i):
    """libCacheSim ``pqueue.c`` ``bubble_up`` for a max-heap (1-based; ``key[i]`` is ``item[i]``'s priority)."""
    k = key[i]
    o = item[i]
    while i > 1 and key[i >> 1] < k:
        key[i] = key[i >> 1]
        item[i] = item[i >> 1]
        pos[item[i]] = i
        i >>= 1
    key[i] = k
    item[i] = o
    pos[o] = i


@kernel
def _heap_down(key, item, pos, i, size):
    """libCacheSim ``pqueue.c`` ``percolate_down``; ``size`` counts the unused slot 0."""
    k = key[i]
    o = item[i]
    while True:
        c = 2 * i
        if c >= size:
            break
        if c + 1 < size and key[c] < key[c + 1]:
            c += 1
        if not k < key[c]:
            break
        key[i] = key[c]
        item[i] = item[c]
        pos[item[i]] = i
        i = c
    key[i] = k
    item[i] = o
    pos[o] = i


@kernel
def _belady_kernel(dense, obj_size, capacity, nuse, hit):
    """Belady's MIN over an indexed max-heap keyed by next use."""
    n_obj = obj_size.size
    key = np.zeros(n_obj + 1, dtype=np.int64)  # slot 0 unused, as in pqueue.c
    item = np.zeros(n_obj + 1, dtype=np.int64)
    pos = np.zeros(n_obj, dtype=np.int64)  # 0: not cached
    size = 1
    used = 0
    for i in range(dense.size):
        o = dense[i]
        j = pos[o]
        if j > 0:
            hit[i] = True
            old = key[j]
            key[j] = nuse[i]
            if old < nuse[i]:
                _heap_up(key, item, pos, j)
            else:
                _heap_down(key, item, pos, j, size)
            continue
        s = obj_size[o]
        if s > capacity:
            continue
        while used + s > capacity:
            v = item[1]
            size -= 1
            key[1] = key[size]
            item[1] = item[size]
            _heap_down(key, item, pos, 1, size)
            pos[v] = 0
            used -= obj_size[v]
        key[size] = nuse[i]
        item[size] = o
        size += 1
        _heap_up(key, item, pos, size - 1)
        used += s
