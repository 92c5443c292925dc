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

The policy kernels are in :mod:`labcdn.caching.eviction`; the checked trace,
its replay and the tally in :mod:`labcdn.caching.trace`.
"""

from __future__ import annotations

from labcdn._validation import check_choice
from labcdn.caching.trace import CacheResult, check_capacity, prepare_trace, tally

POLICIES = ("lru", "fifo", "lfu", "belady")


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
    capacity = check_capacity(capacity_bytes)
    trace = prepare_trace(obj_ids, sizes)
    return tally(policy, capacity, trace.replay(policy, capacity), trace.sizes)
