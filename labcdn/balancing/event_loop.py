"""The event loop of the simulation: one numba kernel over arrivals, departures and timers.

See :mod:`labcdn.balancing.simulation` for the model; this module holds the
kernel and the few helpers it shares between event kinds. State lives in
node-by-backend arrays (row ``k`` is balancer node ``k``); the load signal a
node reads is a row of ``local`` (its own requests), ``glob`` (all requests,
one row) or ``board`` (a stale snapshot of either).
"""

from __future__ import annotations

import math

import numpy as np

from labcdn._events import pop, push
from labcdn._jit import kernel
from labcdn.balancing import choice
from labcdn.balancing.algorithms import (
    BOUNDED_HASH,
    CENTRAL_QUEUE,
    LEAST_BANDWIDTH,
    LEAST_CONNECTIONS,
    POWER_OF_D,
    RANDOM,
    ROUND_ROBIN,
    SOURCE_HASH,
    WEIGHT_SCALE,
    WEIGHTED_LEAST_REQUEST,
    WEIGHTED_ROUND_ROBIN,
)
from labcdn.balancing.health import health_step

PENDING, OK, LOST, REFUSED, NO_SERVER = -1, 0, 1, 2, 3

# Heap payloads: a request id ``>= 0`` is that request's departure; a negative
# payload is a timer of one of these kinds (see :func:`timer`).
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
def _occupy(occupancy, last, glob, b, t):
    k = glob[0, b]
    top = occupancy.shape[1] - 1
    occupancy[b, k if k < top else top] += t - last[b]
    last[b] = t


@kernel(inline="always")
def _dispatch(r, b, k, t, work, speed, alive, busy, local, glob, occupancy, last, backend, start, finish,
              status, keys, vals, size):
    backend[r] = b
    if not alive[b]:
        status[r] = REFUSED
        finish[r] = t
        return size, False
    s = busy[b] if busy[b] > t else t
    f = s + work[r] / speed[b]
    busy[b] = f
    start[r] = s
    finish[r] = f
    size = push(keys, vals, size, f, r)
    local[k, b] += 1
    _occupy(occupancy, last, glob, b, t)
    glob[0, b] += 1
    return size, True


@kernel
def _refresh_node(k, up, ew, cum, uplist, nup, equal, deadline, order, seq, sig, s, bias):
    """Recompute a node's running weights, up list and weight equality; rebuild its EDF schedule."""
    total = 0
    count = 0
    first = -1
    same = True
    for b in range(up.shape[1]):
        if up[k, b]:
            total += ew[k, b]
            uplist[k, count] = b
            count += 1
            if first < 0:
                first = ew[k, b]
            elif ew[k, b] != first:
                same = False
        cum[k, b] = total
    nup[k] = count
    equal[k] = same
    for b in range(up.shape[1]):
        if up[k, b]:
            deadline[k, b] = 1.0 / (ew[k, b] / (sig[s, b] + 1.0) ** bias)
            order[k, b] = seq[k]
            seq[k] += 1


@kernel
def simulate_kernel(alg, arrival, work, node, client, newconn, address, speed, uweight, points, owner, index,
                     n_nodes, staleness, view_global, d, bias, factor, window, inter, fall, rise, slowstart,
                     fail_backend, fail_at, fail_until, phase, seed,
                     backend, start, finish, status, occupancy, detections, counters):
    """Run the whole simulation; fills the output arrays in place (see ``simulate``).

    ``counters`` receives: events processed, the time integral of requests in
    the system, the time of the last event, and the number of detections.
    """
    n = arrival.size
    nb = speed.size
    kn = n_nodes
    nf = fail_backend.size
    stale = staleness > 0.0
    # node x backend state
    local = np.zeros((kn, nb), dtype=np.int64)
    board = np.zeros((kn, nb), dtype=np.int64)
    glob = np.zeros((1, nb), dtype=np.int64)
    up = np.ones((kn, nb), dtype=np.bool_)
    health = np.full((kn, nb), rise + fall - 1, dtype=np.int64)
    ew = np.empty((kn, nb), dtype=np.int64)
    for k in range(kn):
        for b in range(nb):
            ew[k, b] = uweight[b] * WEIGHT_SCALE
    cum = np.zeros((kn, nb), dtype=np.int64)
    uplist = np.zeros((kn, nb), dtype=np.int64)
    nup = np.zeros(kn, dtype=np.int64)
    equal = np.zeros(kn, dtype=np.bool_)
    deadline = np.zeros((kn, nb))
    order = np.zeros((kn, nb), dtype=np.int64)
    seq = np.zeros(kn, dtype=np.int64)
    up_since = np.zeros((kn, nb))
    warming = np.zeros((kn, nb), dtype=np.bool_)
    warm_pending = np.zeros((kn, nb), dtype=np.bool_)
    cur = np.zeros((kn, nb), dtype=np.int64)
    acc = np.zeros((kn, nb))
    bw = np.zeros((kn, nb))
    rr = np.zeros(kn, dtype=np.int64)
    total_uweight = 0
    for b in range(nb):
        total_uweight += uweight[b]
    # central queue: one FIFO per node, linked through qnext
    qhead = np.full(kn, -1, dtype=np.int64)
    qtail = np.full(kn, -1, dtype=np.int64)
    qnext = np.full(n if alg == CENTRAL_QUEUE else 1, -1, dtype=np.int64)
    # backends
    alive = np.ones(nb, dtype=np.bool_)
    busy = np.zeros(nb)
    last = np.zeros(nb)
    conn = np.full(address.size, -1, dtype=np.int64)
    for k in range(kn):
        _refresh_node(k, up, ew, cum, uplist, nup, equal, deadline, order, seq, local, k, bias)
    # timers
    cap = n + 2 * kn * nb + 2 * kn + 2 * nf + 4
    keys = np.empty(cap)
    vals = np.empty(cap, dtype=np.int64)
    size = 0
    for k in range(kn):
        for b in range(nb):
            size = push(keys, vals, size, phase[k, b] * inter, timer(CHECK, k * nb + b))
    if stale:
        for k in range(kn):
            size = push(keys, vals, size, phase[k, nb] * staleness, timer(REFRESH, k))
    if alg == LEAST_BANDWIDTH:
        for k in range(kn):
            size = push(keys, vals, size, phase[k, nb + 1] * window, timer(WINDOW, k))
    for f in range(nf):
        size = push(keys, vals, size, fail_at[f], timer(FAIL, f))
        if fail_until[f] < np.inf:
            size = push(keys, vals, size, fail_until[f], timer(RECOVER, f))
    step = max(1.0, slowstart / 20.0)
    # the load signal: rows of `sig`; srow = -1 means "the node's own row"
    sig = local
    srow = -1
    if stale:
        sig = board
    elif view_global:
        sig = glob
        srow = 0
    i = 0
    in_sys = 0
    area = 0.0
    t_last = 0.0
    events = 0
    ctr = np.uint64(0)
    nd = 0
    while i < n or in_sys > 0:
        if size > 0 and (i >= n or keys[0] <= arrival[i]):
            t = keys[0]
            v = vals[0]
            size = pop(keys, vals, size)
            if v >= 0 and status[v] != PENDING:
                continue  # departure of a request lost in a failure
            area += in_sys * (t - t_last)
            t_last = t
            events += 1
            if v >= 0:  # departure
                b = backend[v]
                k = node[v]
                status[v] = OK
                in_sys -= 1
                local[k, b] -= 1
                _occupy(occupancy, last, glob, b, t)
                glob[0, b] -= 1
                if alg == LEAST_BANDWIDTH:
                    if view_global:
                        for kk in range(kn):
                            acc[kk, b] += work[v]
                    else:
                        acc[k, b] += work[v]
                elif alg == CENTRAL_QUEUE and qhead[k] >= 0:
                    size, in_sys = _drain(k, t, work, speed, alive, busy, local, glob, occupancy, last, backend,
                                          start, finish, status, keys, vals, size, qhead, qtail, qnext, up, ew,
                                          rr, node, in_sys)
                continue
            q = -v - 1
            kind = q & 7
            idx = q >> 3
            if kind == CHECK:
                k = idx // nb
                b = idx - k * nb
                size = push(keys, vals, size, t + inter, v)
                health[k, b], changed = health_step(health[k, b], alive[b], up[k, b], rise, fall)
                if changed:
                    if alive[b]:
                        up[k, b] = True
                        up_since[k, b] = t
                        if slowstart > 0:
                            warming[k, b] = True
                            ew[k, b] = uweight[b]
                            if not warm_pending[k, b]:
                                warm_pending[k, b] = True
                                size = push(keys, vals, size, t + step, timer(WARMUP, idx))
                        else:
                            ew[k, b] = uweight[b] * WEIGHT_SCALE
                    else:
                        up[k, b] = False
                        warming[k, b] = False
                    _refresh_node(k, up, ew, cum, uplist, nup, equal, deadline, order, seq, sig,
                                  k if srow < 0 else srow, bias)
                    if nd < detections.shape[0]:
                        detections[nd, 0] = t
                        detections[nd, 1] = k
                        detections[nd, 2] = b
                        detections[nd, 3] = 1.0 if up[k, b] else 0.0
                        nd += 1
                    if alg == CENTRAL_QUEUE:
                        if nup[k] == 0:
                            r = qhead[k]
                            while r >= 0:
                                status[r] = NO_SERVER
                                finish[r] = t
                                in_sys -= 1
                                r = qnext[r]
                            qhead[k] = -1
                            qtail[k] = -1
                        else:
                            size, in_sys = _drain(k, t, work, speed, alive, busy, local, glob, occupancy, last,
                                                  backend, start, finish, status, keys, vals, size, qhead, qtail,
                                                  qnext, up, ew, rr, node, in_sys)
            elif kind == WARMUP:
                k = idx // nb
                b = idx - k * nb
                warm_pending[k, b] = False
                if up[k, b] and warming[k, b]:
                    elapsed = np.int64(math.floor(t - up_since[k, b]))
                    w = WEIGHT_SCALE
                    if elapsed < slowstart:
                        w = (WEIGHT_SCALE * elapsed + slowstart) // slowstart
                    if w >= WEIGHT_SCALE:
                        w = WEIGHT_SCALE
                        warming[k, b] = False
                    else:
                        warm_pending[k, b] = True
                        size = push(keys, vals, size, t + step, v)
                    ew[k, b] = uweight[b] * w
                    _refresh_node(k, up, ew, cum, uplist, nup, equal, deadline, order, seq, sig,
                                  k if srow < 0 else srow, bias)
            elif kind == REFRESH:
                size = push(keys, vals, size, t + staleness, v)
                for b in range(nb):
                    board[idx, b] = glob[0, b] if view_global else local[idx, b]
            elif kind == WINDOW:
                size = push(keys, vals, size, t + window, v)
                for b in range(nb):
                    bw[idx, b] = acc[idx, b] / window
                    acc[idx, b] = 0.0
            elif kind == FAIL:
                b = fail_backend[idx]
                alive[b] = False
                for j in range(size):
                    r = vals[j]
                    if r >= 0 and status[r] == PENDING and backend[r] == b:
                        status[r] = LOST
                        finish[r] = t
                        in_sys -= 1
                        local[node[r], b] -= 1
                        _occupy(occupancy, last, glob, b, t)
                        glob[0, b] -= 1
                for c in range(conn.size):
                    if conn[c] == b:
                        conn[c] = -1
                busy[b] = t
                if alg == CENTRAL_QUEUE:
                    for k in range(kn):
                        size, in_sys = _drain(k, t, work, speed, alive, busy, local, glob, occupancy, last,
                                              backend, start, finish, status, keys, vals, size, qhead, qtail,
                                              qnext, up, ew, rr, node, in_sys)
            else:  # RECOVER
                b = fail_backend[idx]
                alive[b] = True
                busy[b] = t
            continue
        # arrival of request i
        t = arrival[i]
        r = i
        i += 1
        area += in_sys * (t - t_last)
        t_last = t
        events += 1
        in_sys += 1
        k = node[r]
        if alg == CENTRAL_QUEUE:
            b = -1
            if qhead[k] < 0:  # no one waiting: take an idle backend if there is one
                b = choice.least_loaded_idle(local, ew, up, k, rr[k])
            if b >= 0:
                rr[k] = b + 1 if b + 1 < nb else 0
                size, served = _dispatch(r, b, k, t, work, speed, alive, busy, local, glob, occupancy, last,
                                         backend, start, finish, status, keys, vals, size)
                if not served:
                    in_sys -= 1
            elif nup[k] == 0:
                status[r] = NO_SERVER
                finish[r] = t
                in_sys -= 1
            else:
                if qtail[k] >= 0:
                    qnext[qtail[k]] = r
                else:
                    qhead[k] = r
                qtail[k] = r
            continue
        c = client[r]
        b = -1
        if not newconn[r]:
            b0 = conn[c]
            if b0 >= 0 and up[k, b0]:
                b = b0
        if b < 0:
            if nup[k] == 0:
                b = -1
            elif alg == ROUND_ROBIN:
                b = choice.next_up(up, k, rr[k])
                rr[k] = b + 1 if b + 1 < nb else 0
            elif alg == WEIGHTED_ROUND_ROBIN:
                b = choice.smooth_weighted(cur, ew, up, k)
            elif alg == LEAST_CONNECTIONS:
                b = choice.least_loaded(sig, k if srow < 0 else srow, ew, up, k, rr[k])
                rr[k] = b + 1 if b + 1 < nb else 0
            elif alg == WEIGHTED_LEAST_REQUEST:
                if equal[k]:
                    b, ctr = choice.envoy_choices(sig, k if srow < 0 else srow, uplist, nup, k, d, seed, ctr)
                else:
                    b, seq[k] = choice.envoy_edf(sig, k if srow < 0 else srow, ew, up, deadline, order, k, bias,
                                                 seq[k])
            elif alg == LEAST_BANDWIDTH:
                b = choice.least_bandwidth(bw, up, k)
            elif alg == RANDOM:
                b = choice.weighted_draw(cum, k, choice.draw64(seed, ctr))
                ctr += np.uint64(1)
            elif alg == POWER_OF_D:
                b, ctr = choice.power_of_d(sig, k if srow < 0 else srow, ew, cum, k, d, seed, ctr)
            elif alg == SOURCE_HASH:
                b = -1
                if nb >= 2:
                    b = choice.nginx_ip_hash(address[c], uweight, total_uweight, up, k)
                if b < 0:
                    b = choice.smooth_weighted(cur, ew, up, k)
            elif alg == BOUNDED_HASH:
                b = choice.bounded_hash(address[c], points, owner, index, up, ew, sig, k if srow < 0 else srow,
                                        cum, k, factor)
        if b < 0:
            status[r] = NO_SERVER
            finish[r] = t
            in_sys -= 1
            conn[c] = -1
            continue
        conn[c] = b
        size, served = _dispatch(r, b, k, t, work, speed, alive, busy, local, glob, occupancy, last, backend,
                                 start, finish, status, keys, vals, size)
        if not served:
            in_sys -= 1
            conn[c] = -1
    for b in range(nb):
        _occupy(occupancy, last, glob, b, t_last)
    counters[0] = events
    counters[1] = area
    counters[2] = t_last
    counters[3] = nd


@kernel
def _drain(k, t, work, speed, alive, busy, local, glob, occupancy, last, backend, start, finish, status, keys,
           vals, size, qhead, qtail, qnext, up, ew, rr, node, in_sys):
    """Dispatch node k's queued requests while it has an idle backend (HAProxy ``maxconn 1``)."""
    nb = speed.size
    while qhead[k] >= 0:
        b = choice.least_loaded_idle(local, ew, up, k, rr[k])
        if b < 0:
            break
        r = qhead[k]
        qhead[k] = qnext[r]
        if qhead[k] < 0:
            qtail[k] = -1
        rr[k] = b + 1 if b + 1 < nb else 0
        size, served = _dispatch(r, b, k, t, work, speed, alive, busy, local, glob, occupancy, last, backend,
                                 start, finish, status, keys, vals, size)
        if not served:
            in_sys -= 1
    return size, in_sys


