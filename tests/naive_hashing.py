"""Slow, obvious pure-Python references for labcdn.hashing (one key at a time, Python ints)."""

from __future__ import annotations

import math
from bisect import bisect_right
from fractions import Fraction
from hashlib import md5

MASK = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15


def mix64(z):
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


def splitmix64(seed, i):
    """Output i (0-based) of SplitMix64 seeded with ``seed``."""
    return mix64((seed + (i + 1) * GOLDEN) & MASK)


def hash_key(k):
    return splitmix64(k & MASK, 0)


def jump(key, n):
    """Figure 1 of Lamping & Veach, transcribed."""
    key &= MASK
    b, j = -1, 0
    while j < n:
        b = j
        key = (key * 2862933555777941757 + 1) & MASK
        j = int((b + 1) * (float(1 << 31) / float((key >> 33) + 1)))
    return b


def modulo(h, n):
    return h % n


def ring_points(ids, vnodes, weights=None):
    """Sorted (point, server index) pairs."""
    pts = []
    for s, sid in enumerate(ids):
        count = vnodes if weights is None else max(1, math.floor(vnodes * weights[s] + 0.5))
        seed = hash_key(sid)
        pts.extend((splitmix64(seed, v), s) for v in range(count))
    return sorted(pts)


def ring_successor(pts, h):
    """Index of the first point strictly greater than h, wrapping."""
    i = bisect_right([p for p, _ in pts], h)
    return 0 if i == len(pts) else i


def ring_lookup(ids, vnodes, weights, h):
    pts = ring_points(ids, vnodes, weights)
    return ids[pts[ring_successor(pts, h)][1]]


def ring_shares(ids, vnodes, weights=None):
    """Exact arc share per server, with Python ints."""
    pts = ring_points(ids, vnodes, weights)
    share = [0] * len(ids)
    for j, (p, s) in enumerate(pts):
        prev = pts[j - 1][0] - (1 << 64) if j == 0 else pts[j - 1][0]
        share[s] += p - prev
    return [x / 2.0**64 for x in share]


def ketama_continuum(names, weights=None):
    """uhashring's construction: dict point -> name (later names overwrite), sorted points."""
    n = len(names)
    total = n if weights is None else sum(weights)
    ring = {}
    for s, name in enumerate(names):
        w = 1 if weights is None else weights[s]
        for d in range(40 * n * w // total):
            dig = md5(f"{name}-{d}".encode()).digest()
            for r in range(4):
                ring[int.from_bytes(dig[4 * r:4 * r + 4], "little")] = s
    return ring, sorted(ring)


def ketama_point(key):
    return int.from_bytes(md5(str(key).encode()).digest()[:4], "little")


def ketama_lookup_point(ring, points, h):
    i = bisect_right(points, h)
    return ring[points[0 if i == len(points) else i]]


def rendezvous(ids, weights, h):
    best, top = 0, None
    for s, sid in enumerate(ids):
        score = mix64(h ^ hash_key(sid))
        if weights is not None:
            u = ((score >> 11) + 0.5) * 2.0**-53
            score = weights[s] / -math.log(u)
        if top is None or score > top:
            best, top = s, score
    return ids[best]


def maglev_permutation(offset, skip, m):
    return [(offset + j * skip) % m for j in range(m)]


def maglev_populate(offsets, skips, m, weights=None):
    """Pseudocode 1 of the paper, with Envoy's weighting in exact rationals.

    Envoy's form (``iteration * weight < target_weight`` skips a turn; each turn
    adds ``max(weight)`` to the target): backend ``i`` takes its ``k``-th turn in
    the first round ``r`` with ``r * w_i >= (k - 1) * max(w)``. Written apart
    from the kernel's float credits on purpose, so the two can disagree.
    """
    n = len(offsets)
    w = [Fraction(1)] * n if weights is None else [Fraction(float(x)) for x in weights]
    top = max(w)
    perm = [maglev_permutation(offsets[i], skips[i], m) for i in range(n)]
    nxt = [0] * n
    taken = [0] * n
    entry = [-1] * m
    filled = 0
    rnd = 0
    while True:
        for i in range(n):
            if rnd * w[i] < taken[i] * top:
                continue
            taken[i] += 1
            c = perm[i][nxt[i]]
            while entry[c] >= 0:
                nxt[i] += 1
                c = perm[i][nxt[i]]
            entry[c] = i
            nxt[i] += 1
            filled += 1
            if filled == m:
                return entry
        rnd += 1


def maglev_table(ids, m, weights=None):
    offsets = [splitmix64(hash_key(s), 0) % m for s in ids]
    skips = [splitmix64(hash_key(s), 1) % (m - 1) + 1 for s in ids]
    return maglev_populate(offsets, skips, m, weights)


def bounded(ids, vnodes, weights, c, hashes):
    """Place hashes in order on the ring, skipping servers at capacity ceil(c m w_i / W)."""
    pts = ring_points(ids, vnodes, weights)
    m = len(hashes)
    w = [Fraction(1)] * len(ids) if weights is None else [Fraction(float(x)) for x in weights]
    cap = [math.ceil(Fraction(c) * m * wi / sum(w)) for wi in w]
    load = [0] * len(ids)
    out = []
    for h in hashes:
        j = ring_successor(pts, h)
        while load[pts[j][1]] >= cap[pts[j][1]]:
            j = (j + 1) % len(pts)
        load[pts[j][1]] += 1
        out.append(ids[pts[j][1]])
    return out


def jump_stay_count(b, t):
    """Largest r in [1, 2**31] with trunc((b+1) * (2**31 / r)) >= t, by bisection (0 if none)."""
    lo, hi = 0, 1 << 31
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if int((b + 1) * (float(1 << 31) / float(mid))) >= t:
            lo = mid
        else:
            hi = mid - 1
    return lo


def jump_shares(n):
    """Exact bucket shares of jump under independent uniform 31-bit draws."""
    visit = [0.0] * n
    visit[0] = 1.0
    share = [0.0] * n
    for b in range(n):
        share[b] = visit[b] * jump_stay_count(b, n) / 2.0**31
        for t in range(b + 1, n):
            visit[t] += visit[b] * (jump_stay_count(b, t) - jump_stay_count(b, t + 1)) / 2.0**31
    return share
