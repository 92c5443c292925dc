"""The eviction kernels behind :func:`labcdn.caching.simulate`.

Each kernel replays a trace of dense object ids (``0 .. n_obj-1``) through one
cache of ``capacity`` bytes and sets ``hit[i]`` for every request that found
its object cached. Admission is the same for all (see :mod:`labcdn.caching.policies`):
an object larger than the cache is never admitted; otherwise victims are
evicted one at a time while the object does not fit. The policies' exact
semantics, and the libCacheSim code they replay, are in :mod:`labcdn.caching.policies`.
"""

from __future__ import annotations

import numpy as np

from labcdn._jit import kernel


@kernel
def list_kernel(dense, obj_size, capacity, promote, hit):
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
def lfu_kernel(dense, obj_size, capacity, hit):
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
def belady_kernel(dense, obj_size, capacity, nuse, hit):
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
