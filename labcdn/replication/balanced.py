"""The exact balanced allocation: densest server sets by Newton's method on minimum cuts.

Groups of files may split their demand freely among their live holders. The
servers ``T`` maximising ``demand of groups with every holder in T / capacity
of T`` run at that density; remove them and repeat (Fujishige 1980). Each
density is found by Newton's method on a minimum cut (Dinkelbach 1967), each
cut by Dinic's max-flow. The result minimises the peak ``load / capacity``,
then every lower level in turn (lexicographically).

References
----------
.. [1] S. Fujishige, "Lexicographically optimal base of a polymatroid with
   respect to a weight vector", Math. of Operations Research 5(2), 1980.
.. [2] W. Dinkelbach, "On nonlinear fractional programming", Management Science 13(7), 1967.
"""

from __future__ import annotations

import numpy as np

from labcdn._jit import kernel


@kernel
def _max_flow(n_nodes, head, nxt, to, cap, src, snk, eps, level, it, queue, path):
    """Dinic's max-flow on a residual graph whose edges come in pairs ``e, e ^ 1``.

    On return ``level[v] >= 0`` exactly for the nodes reachable from ``src``
    in the residual graph (the source side of a minimum cut).
    """
    total = 0.0
    while True:
        for v in range(n_nodes):
            level[v] = -1
        level[src] = 0
        queue[0] = src
        qh, qt = 0, 1
        while qh < qt:
            u = queue[qh]
            qh += 1
            e = head[u]
            while e >= 0:
                v = to[e]
                if level[v] < 0 and cap[e] > eps:
                    level[v] = level[u] + 1
                    queue[qt] = v
                    qt += 1
                e = nxt[e]
        if level[snk] < 0:
            return total
        for v in range(n_nodes):
            it[v] = head[v]
        depth = 0
        u = src
        while True:
            if u == snk:
                f = np.inf
                for k in range(depth):
                    f = min(f, cap[path[k]])
                for k in range(depth):
                    cap[path[k]] -= f
                    cap[path[k] ^ 1] += f
                total += f
                depth = 0
                u = src
                continue
            e = it[u]
            while e >= 0 and (cap[e] <= eps or level[to[e]] != level[u] + 1):
                e = nxt[e]
            it[u] = e
            if e < 0:
                if u == src:
                    break
                level[u] = -1  # dead end for the rest of this phase
                depth -= 1
                u = to[path[depth] ^ 1]
                continue
            path[depth] = e
            depth += 1
            u = to[e]


@kernel
def _add_edge(head, nxt, to, cap0, m, a, b, c):
    to[m] = b
    cap0[m] = c
    nxt[m] = head[a]
    head[a] = m
    to[m + 1] = a
    cap0[m + 1] = 0.0
    nxt[m + 1] = head[b]
    head[b] = m + 1
    return m + 2


@kernel
def _balanced_kernel(g_off, g_hold, g_dem, capacity, alive, load):
    """Lexicographically balanced loads: repeatedly find the densest server set and fix its load.

    Groups ``g`` (demand ``g_dem[g]`` over live holders ``g_hold[g_off[g]:g_off[g+1]]``) may split
    their demand freely among their holders. Nodes: 0 source, 1 sink, 2.. groups, then servers.
    """
    n_g = g_dem.size
    n_s = capacity.size
    n_nodes = 2 + n_g + n_s
    n_edges = 2 * (n_g + g_off[n_g] + n_s)
    head = np.empty(n_nodes, dtype=np.int64)
    nxt = np.empty(n_edges, dtype=np.int64)
    to = np.empty(n_edges, dtype=np.int64)
    cap0 = np.empty(n_edges, dtype=np.float64)
    cap = np.empty(n_edges, dtype=np.float64)
    sink_edge = np.full(n_s, -1, dtype=np.int64)
    level = np.empty(n_nodes, dtype=np.int64)
    it = np.empty(n_nodes, dtype=np.int64)
    queue = np.empty(n_nodes, dtype=np.int64)
    path = np.empty(n_nodes, dtype=np.int64)
    remaining = alive.copy()
    active = np.ones(n_g, dtype=np.bool_)
    in_t = np.zeros(n_s, dtype=np.bool_)
    scale = g_dem.sum()
    eps = 1e-14 * scale
    tol = 1e-12 * scale
    for s in range(n_s):
        load[s] = 0.0
    while True:
        n_left = 0
        for s in range(n_s):
            if remaining[s]:
                n_left += 1
        if n_left == 0:
            break
        # this level's graph: active groups and their remaining holders
        for v in range(n_nodes):
            head[v] = -1
        m = 0
        dem = 0.0
        cap_r = 0.0
        for g in range(n_g):
            if not active[g]:
                continue
            dem += g_dem[g]
            m = _add_edge(head, nxt, to, cap0, m, 0, 2 + g, g_dem[g])
            for j in range(g_off[g], g_off[g + 1]):
                if remaining[g_hold[j]]:
                    m = _add_edge(head, nxt, to, cap0, m, 2 + g, 2 + n_g + g_hold[j], np.inf)
        for s in range(n_s):
            if remaining[s]:
                cap_r += capacity[s]
                sink_edge[s] = m
                m = _add_edge(head, nxt, to, cap0, m, 2 + n_g + s, 1, 0.0)
        lam = dem / cap_r
        for s in range(n_s):
            in_t[s] = remaining[s]
        for _ in range(n_s + 2):  # Newton (Dinkelbach) steps: at most one per distinct density
            for e in range(m):
                cap[e] = cap0[e]
            for s in range(n_s):
                if remaining[s]:
                    cap[sink_edge[s]] = lam * capacity[s]
            _max_flow(n_nodes, head, nxt, to, cap, 0, 1, eps, level, it, queue, path)
            d_t = 0.0
            c_t = 0.0
            for s in range(n_s):
                if remaining[s] and level[2 + n_g + s] >= 0:
                    c_t += capacity[s]
            if c_t == 0.0:
                break
            for g in range(n_g):
                if not active[g]:
                    continue
                inside = True
                for j in range(g_off[g], g_off[g + 1]):
                    h = g_hold[j]
                    if remaining[h] and level[2 + n_g + h] < 0:
                        inside = False
                        break
                if inside:
                    d_t += g_dem[g]
            if d_t - lam * c_t <= tol:
                break
            lam = d_t / c_t
            for s in range(n_s):
                in_t[s] = remaining[s] and level[2 + n_g + s] >= 0
        for s in range(n_s):
            if in_t[s]:
                load[s] = lam * capacity[s]
                remaining[s] = False
        for g in range(n_g):
            if active[g]:
                live = False
                for j in range(g_off[g], g_off[g + 1]):
                    if remaining[g_hold[j]]:
                        live = True
                        break
                active[g] = live
