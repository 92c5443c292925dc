"""Slow, obvious reference for the ranked (proactive) fill."""

from __future__ import annotations


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
