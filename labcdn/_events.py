"""The event list every discrete-event kernel shares: a binary min-heap of (time, payload) pairs.

The heap lives in two preallocated arrays, ``keys`` (float64 times) and
``vals`` (int64 payloads), and a size the caller holds. Ties in time are
broken by the payload, so the order of simultaneous events is total: the same
in every kernel and in the slow references in ``tests/``, whatever the heap's
internal layout. The balancing simulation (:mod:`labcdn.balancing.event_loop`)
pushes departures and timers; the scheduler kernels
(:mod:`labcdn.orchestration.monolithic`, :mod:`labcdn.orchestration.two_level`)
push task completions. Both helpers are inlined into their callers.
"""

from __future__ import annotations

import numpy as np

from labcdn._jit import kernel


@kernel
def empty(capacity):
    """An empty event list for up to ``capacity`` events (at least one): ``(keys, vals)``; its size is 0."""
    cap = max(1, capacity)
    return np.empty(cap), np.empty(cap, dtype=np.int64)


@kernel(inline="always")
def push(keys, vals, size, t, v):
    """Insert ``(t, v)``; returns the new size."""
    i = size
    while i > 0:
        parent = (i - 1) >> 1
        if keys[parent] < t or (keys[parent] == t and vals[parent] < v):
            break
        keys[i] = keys[parent]
        vals[i] = vals[parent]
        i = parent
    keys[i] = t
    vals[i] = v
    return size + 1


@kernel(inline="always")
def pop(keys, vals, size):
    """Remove the smallest pair (read ``keys[0], vals[0]`` first); returns the new size."""
    size -= 1
    t = keys[size]
    v = vals[size]
    i = 0
    while True:
        c = 2 * i + 1
        if c >= size:
            break
        if c + 1 < size and (keys[c + 1] < keys[c] or (keys[c + 1] == keys[c] and vals[c + 1] < vals[c])):
            c += 1
        if keys[c] < t or (keys[c] == t and vals[c] < v):
            keys[i] = keys[c]
            vals[i] = vals[c]
            i = c
        else:
            break
    keys[i] = t
    vals[i] = v
    return size
