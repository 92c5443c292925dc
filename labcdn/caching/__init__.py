"""Chapter 2 §5 and ``labcdn caching``: reactive cache policies and a ranked fill on a request trace.

    from labcdn import caching
    caching.simulate("lru", obj_ids, sizes, capacity_bytes).byte_hit_ratio
    caching.hit_ratio_curves(obj_ids, sizes, capacities, train_until=len(obj_ids) // 2)

=================================  ==========================================================
:func:`simulate`                   one trace through one cache: LRU, FIFO, LFU or Belady's MIN (libCacheSim's semantics)
:func:`next_use`                   index of each request's next request for the same object
:func:`ranked_fill`                a static cache filled by rank of views (Open Connect's fill on a trace)
:func:`hit_ratio_curves`           every policy and the ranked fill over several capacities
:func:`one_hit_wonders`            share of objects (and requests) seen once
=================================  ==========================================================

Modules: :mod:`~labcdn.caching.policies` (the reactive policies),
:mod:`~labcdn.caching.eviction` (their kernels), :mod:`~labcdn.caching.ranked`
(the ranked fill and the curves).
"""

from labcdn.caching.policies import (
    MAX_CAPACITY_BYTES,
    MAX_OBJECT_BYTES,
    POLICIES,
    CacheResult,
    next_use,
    simulate,
)
from labcdn.caching.ranked import RANKED, RANKED_HINDSIGHT, hit_ratio_curves, one_hit_wonders, ranked_fill

__all__ = [
    "MAX_CAPACITY_BYTES",
    "MAX_OBJECT_BYTES",
    "POLICIES",
    "RANKED",
    "RANKED_HINDSIGHT",
    "CacheResult",
    "hit_ratio_curves",
    "next_use",
    "one_hit_wonders",
    "ranked_fill",
    "simulate",
]
