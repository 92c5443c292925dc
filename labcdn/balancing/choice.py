"""How one balancer node picks a backend: one small jitted function per rule.

Each function reads row ``k`` (the node) of the node-by-backend state arrays:
``up`` (is the backend up in this node's view), ``ew`` (its effective weight:
configured weight times 16, less during slow start), ``cum`` (running sum of
``ew`` over up backends, in backend order), and row ``s`` of ``sig`` (the load
signal: active requests as this node sees them, possibly stale). Rows are
indexed rather than sliced so the hot loop creates no array views. Random
choices come from a counter-based SplitMix64 stream: draw ``ctr`` of the run's
seed.
"""

from __future__ import annotations

import numpy as np

from labcdn._jit import kernel
from labcdn.hashing.keys import draw64

_U32 = np.int64(0xFFFFFFFF)


@kernel(inline="always")
def least_loaded(sig, s, ew, up, k, start):
    """HAProxy leastconn: smallest ``(sig + 1) / ew``, scanning from ``start`` so ties rotate."""
    n = up.shape[1]
    best = -1
    for j in range(n):
        b = start + j
        if b >= n:
            b -= n
        if not up[k, b]:
            continue
        if best < 0 or (sig[s, b] + 1) * ew[k, best] < (sig[s, best] + 1) * ew[k, b]:
            best = b
    return best


@kernel(inline="always")
def least_loaded_idle(local, ew, up, k, start):
    """Like :func:`least_loaded` among backends this node has no request at (``maxconn 1``)."""
    n = up.shape[1]
    best = -1
    for j in range(n):
        b = start + j
        if b >= n:
            b -= n
        if not up[k, b] or local[k, b] != 0:
            continue
        if best < 0 or ew[k, best] < ew[k, b]:
            best = b
    return best


@kernel(inline="always")
def next_up(up, k, start):
    """Plain round robin: the first up backend at or after ``start``."""
    n = up.shape[1]
    for j in range(n):
        b = start + j
        if b >= n:
            b -= n
        if up[k, b]:
            return b
    return -1


@kernel(inline="always")
def smooth_weighted(cur, ew, up, k):
    """NGINX smooth weighted round robin (``ngx_http_upstream_get_peer``); updates ``cur``."""
    total = 0
    best = -1
    for b in range(up.shape[1]):
        if not up[k, b]:
            continue
        cur[k, b] += ew[k, b]
        total += ew[k, b]
        if best < 0 or cur[k, b] > cur[k, best]:
            best = b
    if best >= 0:
        cur[k, best] -= total
    return best


@kernel(inline="always")
def weighted_draw(cum, k, r):
    """Backend ``b`` with ``cum[b-1] <= r mod total < cum[b]``: a draw proportional to weight."""
    hi = cum.shape[1] - 1
    x = np.int64(r % np.uint64(cum[k, hi]))
    lo = 0
    while lo < hi:
        mid = (lo + hi) >> 1
        if cum[k, mid] > x:
            hi = mid
        else:
            lo = mid + 1
    return lo


@kernel(inline="always")
def power_of_d(sig, s, ew, cum, k, d, seed, ctr):
    """HAProxy ``random(d)``: d weighted draws with replacement, keep the least ``sig / ew``.

    A later draw replaces the best so far unless it is strictly more loaded
    (``get_server_rnd``). Returns ``(backend, ctr)``.
    """
    curr = -1
    for _ in range(d):
        prev = curr
        curr = weighted_draw(cum, k, draw64(seed, ctr))
        ctr += np.uint64(1)
        if prev >= 0 and prev != curr and sig[s, curr] * ew[k, prev] > sig[s, prev] * ew[k, curr]:
            curr = prev
    return curr, ctr


@kernel(inline="always")
def envoy_choices(sig, s, uplist, nup, k, d, seed, ctr):
    """Envoy least request with equal weights: d uniform draws, the first with fewest active wins ties."""
    cand = -1
    for _ in range(d):
        b = uplist[k, np.int64(draw64(seed, ctr) % np.uint64(nup[k]))]
        ctr += np.uint64(1)
        if cand < 0 or sig[s, b] < sig[s, cand]:
            cand = b
    return cand, ctr


@kernel
def envoy_edf(sig, s, ew, up, deadline, order, k, bias, seq):
    """Envoy least request with unequal weights: earliest deadline first on ``ew / (sig + 1)^bias``.

    The picked backend is re-added at ``its deadline + 1 / weight`` with the
    weight computed at pick time (``EdfScheduler::pickAndAdd``). Returns
    ``(backend, seq)``.
    """
    best = -1
    for b in range(up.shape[1]):
        if not up[k, b]:
            continue
        if best < 0 or deadline[k, b] < deadline[k, best] or (
                deadline[k, b] == deadline[k, best] and order[k, b] < order[k, best]):
            best = b
    if best < 0:
        return best, seq
    w = ew[k, best] / (sig[s, best] + 1.0) ** bias
    deadline[k, best] = deadline[k, best] + 1.0 / w
    order[k, best] = seq
    return best, seq + 1


@kernel(inline="always")
def least_bandwidth(bw, up, k):
    """gobetween leastbandwidth: the first backend with strictly least bytes per second."""
    best = -1
    for b in range(up.shape[1]):
        if up[k, b] and (best < 0 or bw[k, b] < bw[k, best]):
            best = b
    return best


@kernel
def nginx_ip_hash(address, uweight, total_uweight, up, k):
    """NGINX ``ip_hash`` on the first three octets; -1 after 21 tries (NGINX then uses round robin)."""
    h = 89
    tries = 0
    while True:
        for shift in (24, 16, 8):
            h = (h * 113 + ((address >> shift) & 255)) % 6271
        w = h % total_uweight
        p = 0
        while w >= uweight[p]:
            w -= uweight[p]
            p += 1
        if up[k, p]:
            return p
        tries += 1
        if tries > 20:
            return -1


@kernel
def _active(q, owner, index, up, ew, k):
    b = owner[q]
    return up[k, b] and index[q] < ew[k, b]


@kernel
def _eligible(b, sig, s, ew, cum, k, factor, served):
    """HAProxy ``chash_server_is_eligible``: slots proportional to weight for (served + 1) * factor / 100."""
    tot_weight = cum[k, cum.shape[1] - 1]
    tot_slots = ((served + 1) * factor + 99) // 100
    per_weight = tot_slots // tot_weight
    remainder = tot_slots % tot_weight
    cumulative = cum[k, b] - ew[k, b]
    slots = ew[k, b] * per_weight
    slots += ((cumulative + ew[k, b]) * remainder) // tot_weight - (cumulative * remainder) // tot_weight
    if slots == 0:
        slots = 1
    return sig[s, b] < slots


@kernel
def bounded_hash(key, points, owner, index, up, ew, sig, s, cum, k, factor):
    """HAProxy ``chash_get_server_hash`` with ``hash-balance-factor`` ``factor`` (0: plain ring)."""
    p = points.size
    lo = 0
    hi = p
    while lo < hi:  # first point >= key
        mid = (lo + hi) >> 1
        if points[mid] < key:
            lo = mid + 1
        else:
            hi = mid
    nxt = -1
    for j in range(p):
        q = lo + j
        if q >= p:
            q -= p
        if _active(q, owner, index, up, ew, k):
            nxt = q
            break
    if nxt < 0:
        return -1
    prv = nxt
    for j in range(1, p + 1):
        q = nxt - j
        if q < 0:
            q += p
        if _active(q, owner, index, up, ew, k):
            prv = q
            break
    dp = (key - points[prv]) & _U32
    dn = (points[nxt] - key) & _U32
    cur = prv if dp <= dn else nxt
    if factor > 0:
        served = 0
        for b in range(sig.shape[1]):
            served += sig[s, b]
        loop = 0
        while not _eligible(owner[cur], sig, s, ew, cum, k, factor, served):
            q = cur + 1
            wrapped = False
            while True:
                if q == p:
                    q = 0
                    wrapped = True
                if _active(q, owner, index, up, ew, k):
                    break
                q += 1
            if wrapped:
                loop += 1
                if loop > 1:
                    break
            cur = q
    return owner[cur]
