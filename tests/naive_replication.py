"""Slow, obvious pure-Python references for labcdn.replication, tiers included (lists, Python ints)."""

from __future__ import annotations

import itertools
import math
from bisect import bisect_right

from naive_hashing import mix64


def ring_copies(points, owners, key, n):
    """Walk the ring clockwise from the first point after ``key``, keeping the first ``n`` distinct owners."""
    points = [int(p) for p in points]
    p = bisect_right(points, int(key)) % len(points)
    out = []
    while len(out) < n:
        owner = int(owners[p])
        if owner not in out:
            out.append(owner)
        p = (p + 1) % len(points)
    return out


def rendezvous_copies(seeds, weights, key, n):
    """The ``n`` servers with the highest scores; the lower index first on a tie."""
    scores = []
    for s, seed in enumerate(seeds):
        h = mix64(int(key) ^ int(seed))
        score = h if weights is None else weights[s] / -math.log(((h >> 11) + 0.5) * 2.0**-53)
        scores.append((score, -s))
    ranked = sorted(range(len(seeds)), key=lambda s: scores[s], reverse=True)
    return ranked[:n]


def copy_counts(demand, rule, servers, max_copies, copy_share, uniform_copies, mean_load=None):
    if rule == "none":
        return [1] * len(demand)
    if rule == "uniform":
        return [uniform_copies] * len(demand)
    mean = sum(demand) / servers if mean_load is None else mean_load
    if mean <= 0:
        return [1] * len(demand)
    return [min(max_copies, max(1, math.ceil(d / (copy_share * mean)))) for d in demand]


def split_loads(holders, demand, alive, servers):
    """Each file's demand shared equally by its live copies."""
    load = [0.0] * servers
    lost = 0.0
    for hs, d in zip(holders, demand, strict=True):
        live = [h for h in hs if alive[h]]
        if not live:
            lost += d
            continue
        for h in live:
            load[h] += d / len(live)
    return load, lost


def balanced_loads(holders, demand, capacity, alive):
    """Lexicographically balanced loads by brute force over every server subset.

    Repeatedly: the live servers T with the highest density (demand of files whose every remaining
    copy is in T) / capacity(T) run at that density; drop them and the files inside them.
    """
    remaining = {s for s in range(len(capacity)) if alive[s]}
    files = [(set(hs) & remaining, d) for hs, d in zip(holders, demand, strict=True)]
    lost = sum(d for hs, d in files if not hs)
    files = [(hs, d) for hs, d in files if hs]
    load = [0.0] * len(capacity)
    while remaining:
        best, best_set = -1.0, None
        for r in range(1, len(remaining) + 1):
            for subset in itertools.combinations(sorted(remaining), r):
                t = set(subset)
                density = sum(d for hs, d in files if hs <= t) / sum(capacity[s] for s in t)
                if density > best * (1 + 1e-12):
                    best, best_set = density, t
        for s in best_set:
            load[s] = best * capacity[s]
        remaining -= best_set
        files = [(hs - best_set, d) for hs, d in files if hs - best_set]
    return load, lost


def route_requests(holders, keys, alive, capacity, files, clients, draws, routing, choices, servers):
    """One request at a time, as :func:`labcdn.replication.simulate_requests` describes it."""
    load = [0.0] * servers
    lost = 0
    for r, f in enumerate(files):
        live = [h for h in holders[f] if alive[h]]
        if not live:
            lost += 1
            continue
        if routing == "hash":
            pick = live[mix64(int(keys[f]) ^ int(clients[r])) % len(live)]
        elif routing == "random":
            pick = live[min(len(live) - 1, int(draws[r][0] * len(live)))]
        else:
            best, pick = math.inf, None
            for k in range(min(choices, len(live))):
                j = k + min(len(live) - k - 1, int(draws[r][k] * (len(live) - k)))
                live[k], live[j] = live[j], live[k]
                u = load[live[k]] / capacity[live[k]]
                if u < best:
                    best, pick = u, live[k]
        load[pick] += 1.0
    return load, lost


def usable_fraction(load, capacity):
    peak = max(x / c for x, c in zip(load, capacity, strict=True))
    return (sum(load) / sum(capacity)) / peak


def allocate(demand, size, n_flash, n_storage, flash, storage, target, rule, max_copies, copy_share,
             uniform_copies):
    """Tiers file by file: views order, flash until the target share or its storage, then storage, then out."""
    nic_total = n_flash * flash.nic_gbps + n_storage * storage.nic_gbps
    if target is None:
        target = n_flash * flash.nic_gbps / nic_total
    order = sorted(range(len(demand)), key=lambda i: (-demand[i] / size[i], i))
    total = 0.0
    for i in order:  # in views order, as the cutoff adds them up
        total += demand[i]
    tier = [-1] * len(demand)
    copies = [0] * len(demand)
    ram = [0.0] * len(demand)
    pos = 0
    for code, (n, spec) in enumerate(((n_flash, flash), (n_storage, storage))):
        if n == 0:
            continue
        mean = total * spec.nic_gbps / nic_total
        rest = order[pos:]
        c = copy_counts([demand[i] for i in rest], rule, n, min(max_copies, n), copy_share,
                        min(uniform_copies, n), mean)
        used, carried, ram_left = 0.0, 0.0, spec.ram_gb * n * 1e9
        for i, k in zip(rest, c, strict=True):
            if code == 0 and (target == 0 or carried >= target * total):
                break
            if used + k * size[i] > spec.storage_tb * n * 1e12:
                break
            used += k * size[i]
            carried += demand[i]
            tier[i], copies[i] = code, k
            ram[i] = min(1.0, max(0.0, ram_left / (k * size[i])))
            ram_left -= k * size[i]
            pos += 1
    return tier, copies, ram


def ram_by_title(title, demand, ram_fraction):
    """Per title, most traffic first: ``(title, traffic share, share of its traffic from RAM)``."""
    total, ram = {}, {}
    for t, d, r in zip(title, demand, ram_fraction, strict=True):
        total[t] = total.get(t, 0.0) + d
        ram[t] = ram.get(t, 0.0) + r * d
    everything = sum(demand)
    served = [t for t in total if total[t] > 0]
    served.sort(key=lambda t: (-total[t], t))
    return [(t, total[t] / everything, min(1.0, ram[t] / total[t])) for t in served]
