"""Slow, obvious reference for labcdn.balancing: the same model written plainly in Python.

One dict per balancer node, one per backend, ``heapq`` for the event list,
Python integers for the hashes. It follows the rules stated in the docstrings
of :mod:`labcdn.balancing.simulation` and :mod:`labcdn.balancing.choice`, and
draws its random choices from the same SplitMix64 stream, so on the same
workload it must make the same decisions as the kernel, event for event.
"""

from __future__ import annotations

import heapq
import math

from labcdn.balancing.health import HealthCheck

MASK32 = 0xFFFFFFFF
MASK64 = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15
CHECK, WARMUP, REFRESH, WINDOW, FAIL, RECOVER = range(6)
SCALE = 16


def mix64(z):
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
    return z ^ (z >> 31)


def draw64(seed, i):
    return mix64((seed + (i + 1) * GOLDEN) & MASK64)


def full_hash(a):
    a &= MASK32
    a = ((a + 0x7ED55D16) + (a << 12)) & MASK32
    a = ((a ^ 0xC761C23C) ^ (a >> 19)) & MASK32
    a = ((a + 0x165667B1) + (a << 5)) & MASK32
    a = ((a + 0xD3A2646C) ^ (a << 9)) & MASK32
    a = ((a + 0xFD7046C5) + (a << 3)) & MASK32
    a = ((a ^ 0xB55A4F09) ^ (a >> 16)) & MASK32
    return (a * 3221225473) & MASK32


def haproxy_ring(weights):
    points = []
    for s, w in enumerate(weights):
        for i in range(w * SCALE):
            points.append((full_hash((s + 1) * 256 * SCALE + i), s, i))
    return sorted(points)


def nginx_ip_hash(address, weights, up):
    h, tries = 89, 0
    octets = [(address >> 24) & 255, (address >> 16) & 255, (address >> 8) & 255]
    while True:
        for o in octets:
            h = (h * 113 + o) % 6271
        w = h % sum(weights)
        p = 0
        while w >= weights[p]:
            w -= weights[p]
            p += 1
        if up[p]:
            return p
        tries += 1
        if tries > 20:
            return None


def weighted_pick(node, r):
    """Backend whose slice of the up backends' total effective weight holds r mod total."""
    total = sum(node["ew"][b] for b in node["up_list"])
    x = r % total
    for b in node["up_list"]:
        if x < node["ew"][b]:
            return b
        x -= node["ew"][b]
    raise AssertionError("unreachable")


def simulate_naive(wl, algorithm, staleness=0.0, view="local", health=None, failures=(), choices=2, bias=1.0,
                   balance_factor=125, window=2.0):
    health = health or HealthCheck()
    arrival = [float(x) for x in wl.arrival]
    work = [float(x) for x in wl.work]
    node_of = [int(x) for x in wl.node]
    client_of = [int(x) for x in wl.client]
    newconn = [bool(x) for x in wl.new_connection]
    address = [int(x) for x in wl.address]
    speed = [float(x) for x in wl.cluster.speeds]
    uweight = [int(x) for x in wl.cluster.weights]
    nb, kn, n = len(speed), wl.nodes, len(arrival)
    inter, fall, rise = float(health.inter), health.fall, health.rise
    slowstart = health.slowstart_seconds
    step = max(1.0, slowstart / 20.0)
    seed = int(wl.seed)
    counter = [0]
    ring = haproxy_ring(uweight) if algorithm == "bounded_hash" else []

    def rand():
        r = draw64(seed, counter[0])
        counter[0] += 1
        return r

    nodes = []
    for _ in range(kn):
        nodes.append({
            "local": [0] * nb, "board": [0] * nb, "up": [True] * nb, "health": [rise + fall - 1] * nb,
            "ew": [w * SCALE for w in uweight], "up_since": [0.0] * nb, "warming": [False] * nb,
            "warm_pending": [False] * nb, "cur": [0] * nb, "deadline": [0.0] * nb, "order": [0] * nb, "seq": 0,
            "acc": [0.0] * nb, "bw": [0.0] * nb, "rr": 0, "queue": [], "up_list": [], "equal": True,
        })
    alive = [True] * nb
    busy = [0.0] * nb
    glob = [0] * nb
    occupancy = [[0.0] * 65 for _ in range(nb)]
    last = [0.0] * nb
    conn = {}
    backend = [-1] * n
    start = [math.nan] * n
    finish = [math.nan] * n
    status = [None] * n
    detections = []

    def signal(k):
        if staleness > 0:
            return nodes[k]["board"]
        return glob if view == "global" else nodes[k]["local"]

    def refresh(k):
        nd = nodes[k]
        nd["up_list"] = [b for b in range(nb) if nd["up"][b]]
        ws = {nd["ew"][b] for b in nd["up_list"]}
        nd["equal"] = len(ws) <= 1
        sig = signal(k)
        for b in nd["up_list"]:
            nd["deadline"][b] = 1.0 / (nd["ew"][b] / (sig[b] + 1.0) ** bias)
            nd["order"][b] = nd["seq"]
            nd["seq"] += 1

    def occupy(b, t):
        occupancy[b][min(glob[b], 64)] += t - last[b]
        last[b] = t

    for k in range(kn):
        refresh(k)
    heap = []

    def timer(kind, index):
        return -(1 + 8 * index + kind)

    for k in range(kn):
        for b in range(nb):
            heapq.heappush(heap, (float(wl.phase[k, b]) * inter, timer(CHECK, k * nb + b)))
    if staleness > 0:
        for k in range(kn):
            heapq.heappush(heap, (float(wl.phase[k, nb]) * staleness, timer(REFRESH, k)))
    if algorithm == "least_bandwidth":
        for k in range(kn):
            heapq.heappush(heap, (float(wl.phase[k, nb + 1]) * window, timer(WINDOW, k)))
    for f, fl in enumerate(failures):
        heapq.heappush(heap, (float(fl.at), timer(FAIL, f)))
        if fl.until < math.inf:
            heapq.heappush(heap, (float(fl.until), timer(RECOVER, f)))

    state = {"in_sys": 0, "area": 0.0, "t_last": 0.0, "events": 0}

    def dispatch(r, b, k, t):
        """Send request r to backend b; False if the backend is dead (refused)."""
        backend[r] = b
        if not alive[b]:
            status[r] = "refused"
            finish[r] = t
            return False
        s = max(t, busy[b])
        f = s + work[r] / speed[b]
        busy[b] = f
        start[r], finish[r] = s, f
        heapq.heappush(heap, (f, r))
        nodes[k]["local"][b] += 1
        occupy(b, t)
        glob[b] += 1
        return True

    def idle_backend(k):
        nd = nodes[k]
        best = None
        for j in range(nb):
            b = (nd["rr"] + j) % nb
            if nd["up"][b] and nd["local"][b] == 0 and (best is None or nd["ew"][b] > nd["ew"][best]):
                best = b
        return best

    def drain(k, t):
        nd = nodes[k]
        while nd["queue"]:
            b = idle_backend(k)
            if b is None:
                break
            r = nd["queue"].pop(0)
            nd["rr"] = (b + 1) % nb
            if not dispatch(r, b, k, t):
                state["in_sys"] -= 1

    def pick(k, c):
        nd = nodes[k]
        if not nd["up_list"]:
            return None
        sig = signal(k)
        ew = nd["ew"]
        if algorithm == "round_robin":
            b = next((nd["rr"] + j) % nb for j in range(nb) if nd["up"][(nd["rr"] + j) % nb])
            nd["rr"] = (b + 1) % nb
            return b
        if algorithm == "weighted_round_robin" or algorithm == "source_hash":
            if algorithm == "source_hash" and nb >= 2:
                b = nginx_ip_hash(address[c], uweight, nd["up"])
                if b is not None:
                    return b
            total, best = 0, None
            for b in nd["up_list"]:
                nd["cur"][b] += ew[b]
                total += ew[b]
                if best is None or nd["cur"][b] > nd["cur"][best]:
                    best = b
            nd["cur"][best] -= total
            return best
        if algorithm == "least_connections":
            best = None
            for j in range(nb):
                b = (nd["rr"] + j) % nb
                if nd["up"][b] and (best is None or (sig[b] + 1) * ew[best] < (sig[best] + 1) * ew[b]):
                    best = b
            nd["rr"] = (best + 1) % nb
            return best
        if algorithm == "weighted_least_request":
            if nd["equal"]:
                cand = None
                for _ in range(choices):
                    b = nd["up_list"][rand() % len(nd["up_list"])]
                    if cand is None or sig[b] < sig[cand]:
                        cand = b
                return cand
            best = min(nd["up_list"], key=lambda b: (nd["deadline"][b], nd["order"][b]))
            w = ew[best] / (sig[best] + 1.0) ** bias
            nd["deadline"][best] = nd["deadline"][best] + 1.0 / w
            nd["order"][best] = nd["seq"]
            nd["seq"] += 1
            return best
        if algorithm == "least_bandwidth":
            return min(nd["up_list"], key=lambda b: (nd["bw"][b], b))
        if algorithm == "random":
            return weighted_pick(nd, rand())
        if algorithm == "power_of_d":
            curr = None
            for _ in range(choices):
                prev, curr = curr, weighted_pick(nd, rand())
                if prev is not None and prev != curr and sig[curr] * ew[prev] > sig[prev] * ew[curr]:
                    curr = prev
            return curr
        if algorithm == "bounded_hash":
            return bounded(k, address[c], sig)
        raise ValueError(algorithm)

    def bounded(k, key, sig):
        nd = nodes[k]
        active = [(p, s) for (p, s, i) in ring if nd["up"][s] and i < nd["ew"][s]]
        if not active:
            return None
        ge = [j for j, (p, _) in enumerate(active) if p >= key]
        nxt = ge[0] if ge else 0
        prv = nxt - 1 if nxt > 0 else len(active) - 1
        dp = (key - active[prv][0]) & MASK32
        dn = (active[nxt][0] - key) & MASK32
        cur = prv if dp <= dn else nxt
        if balance_factor == 0:
            return active[cur][1]
        served = sum(sig)
        tot = sum(nd["ew"][b] for b in nd["up_list"])
        slots_total = ((served + 1) * balance_factor + 99) // 100

        def eligible(s):
            cumulative = sum(nd["ew"][b] for b in nd["up_list"] if b < s)
            ew = nd["ew"][s]
            slots = ew * (slots_total // tot) + ((cumulative + ew) * (slots_total % tot)) // tot \
                - (cumulative * (slots_total % tot)) // tot
            return sig[s] < max(slots, 1)

        loop = 0
        while not eligible(active[cur][1]):
            if cur + 1 == len(active):
                loop += 1
                if loop > 1:
                    break
                cur = 0
            else:
                cur += 1
        return active[cur][1]

    i = 0
    while i < n or state["in_sys"] > 0:
        if heap and (i >= n or heap[0][0] <= arrival[i]):
            t, v = heapq.heappop(heap)
            if v >= 0 and status[v] is not None:
                continue
            state["area"] += state["in_sys"] * (t - state["t_last"])
            state["t_last"] = t
            state["events"] += 1
            if v >= 0:
                b, k = backend[v], node_of[v]
                status[v] = "ok"
                state["in_sys"] -= 1
                nodes[k]["local"][b] -= 1
                occupy(b, t)
                glob[b] -= 1
                if algorithm == "least_bandwidth":
                    for kk in (range(kn) if view == "global" else [k]):
                        nodes[kk]["acc"][b] += work[v]
                elif algorithm == "central_queue":
                    drain(k, t)
                continue
            q = -v - 1
            kind, idx = q % 8, q // 8
            if kind == CHECK:
                k, b = divmod(idx, nb)
                nd = nodes[k]
                heapq.heappush(heap, (t + inter, v))
                h = nd["health"][b]
                changed = False
                if alive[b]:
                    if h < rise + fall - 1:
                        h += 1
                        changed = h == rise
                        if h >= rise:
                            h = rise + fall - 1
                elif h > rise:
                    h -= 1
                else:
                    h, changed = 0, nd["up"][b]
                nd["health"][b] = h
                if changed:
                    nd["up"][b] = alive[b]
                    if alive[b]:
                        nd["up_since"][b] = t
                        if slowstart > 0:
                            nd["warming"][b] = True
                            nd["ew"][b] = uweight[b]
                            if not nd["warm_pending"][b]:
                                nd["warm_pending"][b] = True
                                heapq.heappush(heap, (t + step, timer(WARMUP, idx)))
                        else:
                            nd["ew"][b] = uweight[b] * SCALE
                    else:
                        nd["warming"][b] = False
                    refresh(k)
                    detections.append((t, k, b, 1.0 if alive[b] else 0.0))
                    if algorithm == "central_queue":
                        if not nd["up_list"]:
                            for r in nd["queue"]:
                                status[r] = "no_server"
                                finish[r] = t
                                state["in_sys"] -= 1
                            nd["queue"] = []
                        else:
                            drain(k, t)
            elif kind == WARMUP:
                k, b = divmod(idx, nb)
                nd = nodes[k]
                nd["warm_pending"][b] = False
                if nd["up"][b] and nd["warming"][b]:
                    elapsed = math.floor(t - nd["up_since"][b])
                    w = SCALE if elapsed >= slowstart else (SCALE * elapsed + slowstart) // slowstart
                    if w >= SCALE:
                        w = SCALE
                        nd["warming"][b] = False
                    else:
                        nd["warm_pending"][b] = True
                        heapq.heappush(heap, (t + step, v))
                    nd["ew"][b] = uweight[b] * w
                    refresh(k)
            elif kind == REFRESH:
                heapq.heappush(heap, (t + staleness, v))
                nodes[idx]["board"] = list(glob if view == "global" else nodes[idx]["local"])
            elif kind == WINDOW:
                heapq.heappush(heap, (t + window, v))
                nd = nodes[idx]
                nd["bw"] = [a / window for a in nd["acc"]]
                nd["acc"] = [0.0] * nb
            elif kind == FAIL:
                b = failures[idx].backend
                alive[b] = False
                for r in range(n):
                    if backend[r] == b and status[r] is None and not math.isnan(start[r]):
                        status[r] = "lost"
                        finish[r] = t
                        state["in_sys"] -= 1
                        nodes[node_of[r]]["local"][b] -= 1
                        occupy(b, t)
                        glob[b] -= 1
                for c in [c for c, cb in conn.items() if cb == b]:
                    del conn[c]
                busy[b] = t
                if algorithm == "central_queue":
                    for k in range(kn):
                        drain(k, t)
            else:
                b = failures[idx].backend
                alive[b] = True
                busy[b] = t
            continue
        t, r = arrival[i], i
        i += 1
        state["area"] += state["in_sys"] * (t - state["t_last"])
        state["t_last"] = t
        state["events"] += 1
        state["in_sys"] += 1
        k = node_of[r]
        nd = nodes[k]
        if algorithm == "central_queue":
            b = idle_backend(k) if not nd["queue"] else None
            if b is not None:
                nd["rr"] = (b + 1) % nb
                if not dispatch(r, b, k, t):
                    state["in_sys"] -= 1
            elif not nd["up_list"]:
                status[r] = "no_server"
                finish[r] = t
                state["in_sys"] -= 1
            else:
                nd["queue"].append(r)
            continue
        c = client_of[r]
        b = None
        if not newconn[r] and c in conn and nd["up"][conn[c]]:
            b = conn[c]
        if b is None:
            b = pick(k, c)
        if b is None:
            status[r] = "no_server"
            finish[r] = t
            state["in_sys"] -= 1
            conn.pop(c, None)
            continue
        conn[c] = b
        if not dispatch(r, b, k, t):
            state["in_sys"] -= 1
            conn.pop(c, None)
    for b in range(nb):
        occupy(b, state["t_last"])
    return {"backend": backend, "start": start, "finish": finish, "status": status, "events": state["events"],
            "area": state["area"], "duration": state["t_last"], "occupancy": occupancy, "detections": detections}
