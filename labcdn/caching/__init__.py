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
:func:`prepare_trace`              a checked trace to replay at many capacities (:meth:`Trace.replay`, :func:`tally`)
=================================  ==========================================================

Modules: :mod:`~labcdn.caching.policies` (the reactive policies' semantics),
:mod:`~labcdn.caching.eviction` (their kernels), :mod:`~labcdn.caching.trace`
(the checked trace, its replay and tally), :mod:`~labcdn.caching.ranked`
(the ranked fill and the curves), :mod:`~labcdn.caching.figures` (published
numbers).
"""

from labcdn.caching.figures import ONE_HIT_VIDEOS, PUBLISHED
from labcdn.caching.policies import POLICIES, simulate
from labcdn.caching.ranked import RANKED, RANKED_HINDSIGHT, hit_ratio_curves, one_hit_wonders, ranked_fill
from labcdn.caching.trace import (
    MAX_CAPACITY_BYTES,
    MAX_OBJECT_BYTES,
    CacheResult,
    Trace,
    check_capacity,
    next_use,
    prepare_trace,
    tally,
)

__all__ = [
    "MAX_CAPACITY_BYTES",
    "MAX_OBJECT_BYTES",
    "ONE_HIT_VIDEOS",
    "POLICIES",
    "PUBLISHED",
    "RANKED",
    "RANKED_HINDSIGHT",
    "CacheResult",
    "Trace",
    "check_capacity",
    "hit_ratio_curves",
    "next_use",
    "one_hit_wonders",
    "prepare_trace",
    "ranked_fill",
    "simulate",
    "tally",
]
