"""Slow, obvious references for labcdn.caching (plain Python, dicts and OrderedDicts).

Each function returns the list of per-request hit flags. Admission is the same
for all: a miss admits the object unless it is larger than the capacity,
evicting victims one at a time while the object does not fit.
"""

from __future__ import annotations

from collections import OrderedDict


def next_use_naive(obj_ids):
    """For each request, index of the next request for the same object (len if none)."""
    ids = [int(x) for x in obj_ids]
    out = []
    for i, o in enumerate(ids):
        j = i + 1
        while j < len(ids) and ids[j] != o:
            j += 1
        out.append(j)
    return out


def lru_naive(obj_ids, sizes, capacity):
    return _queue_naive(obj_ids, sizes, capacity, move_on_hit=True)


def fifo_naive(obj_ids, sizes, capacity):
    return _queue_naive(obj_ids, sizes, capacity, move_on_hit=False)


def _queue_naive(obj_ids, sizes, capacity, move_on_hit):
    """Evict from the front of an OrderedDict; LRU moves a hit to the back, FIFO leaves it."""
    cache = OrderedDict()  # next victim first
    used = 0
    flags = []
    for o, s in zip(map(int, obj_ids), map(int, sizes), strict=True):
        if o in cache:
            if move_on_hit:
                cache.move_to_end(o)
            flags.append(True)
            continue
        flags.append(False)
        if s > capacity:
            continue
        while used + s > capacity:
            _, vs = cache.popitem(last=False)
            used -= vs
        cache[o] = s
        used += s
    return flags


def lfu_naive(obj_ids, sizes, capacity):
    """In-cache LFU; ties among the lowest frequency go to the least recently requested."""
    freq = {}
    last_seen = {}
    size_of = {}
    used = 0
    flags = []
    for t, (o, s) in enumerate(zip(map(int, obj_ids), map(int, sizes), strict=True)):
        if o in freq:
            freq[o] += 1
            last_seen[o] = t
            flags.append(True)
            continue
        flags.append(False)
        if s > capacity:
            continue
        while used + s > capacity:
            victim = min(freq, key=lambda k: (freq[k], last_seen[k]))
            used -= size_of.pop(victim)
            del freq[victim], last_seen[victim]
        freq[o] = 1
        last_seen[o] = t
        size_of[o] = s
        used += s
    return flags


def belady_naive(obj_ids, sizes, capacity):
    """Evict the cached object requested farthest in the future (never = farthest).

    Ties (several objects never requested again) are broken by the smallest id.
    The choice cannot change any hit, even with variable sizes: never-again
    objects are all evicted before any other, so the set of objects that will
    be requested again evolves the same whichever of them goes first.
    """
    nxt = next_use_naive(obj_ids)
    cached = {}  # id -> next use
    size_of = {}
    used = 0
    flags = []
    for t, (o, s) in enumerate(zip(map(int, obj_ids), map(int, sizes), strict=True)):
        if o in cached:
            cached[o] = nxt[t]
            flags.append(True)
            continue
        flags.append(False)
        if s > capacity:
            continue
        while used + s > capacity:
            victim = max(cached, key=lambda k: (cached[k], -k))
            used -= size_of.pop(victim)
            del cached[victim]
        cached[o] = nxt[t]
        size_of[o] = s
        used += s
    return flags


NAIVE = {"lru": lru_naive, "fifo": fifo_naive, "lfu": lfu_naive, "belady": belady_naive}


def ranked_fill(obj_ids, sizes, capacity, train_until=None):
    """Per-request hit flags of a static cache filled by request count."""
    n = len(obj_ids)
    train = list(obj_ids) if train_until is None else list(obj_ids[:train_until])
    first_seen, counts, size_of = {}, {}, {}
    for i, (obj, size) in enumerate(zip(obj_ids, sizes, strict=True)):
        first_seen.setdefault(obj, i)
        size_of[obj] = size
    for obj in train:
        counts[obj] = counts.get(obj, 0) + 1
    ranked = sorted(counts, key=lambda o: (-counts[o], first_seen[o]))
    stored, used = set(), 0
    for obj in ranked:
        if used + size_of[obj] > capacity:
            break
        stored.add(obj)
        used += size_of[obj]
    start = 0 if train_until is None else train_until
    return [i >= start and obj_ids[i] in stored for i in range(n)]
