"""The event list of the simulation: a binary min-heap of (time, payload) pairs.

Ties in time are broken by the payload, so the order of simultaneous events
is total and the same in the kernel and in the slow reference. A payload
``>= 0`` is the departure of that request; a negative payload encodes a timer
(see :func:`timer`).
"""

from __future__ import annotations

from labcdn._jit import kernel

CHECK = 0  # health check of (node, backend): index node * backends + backend
WARMUP = 1  # slow-start weight step of (node, backend)
REFRESH = 2  # stale load signal refreshed at a node
WINDOW = 3  # bandwidth window rolls over at a node
FAIL = 4  # failure number i starts
RECOVER = 5  # failure number i ends


@kernel
def timer(kind, index):
    """Payload of a timer event: ``-(1 + 8 * index + kind)``."""
    return -(1 + 8 * index + kind)


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
