"""The event loop of the simulation: one numba kernel over arrivals, departures and timers.

See :mod:`labcdn.balancing.simulation` for the model. :func:`simulate_kernel`
is the loop: it takes the next event -- the earlier of the next arrival and
the top of the event heap (:mod:`labcdn._events`) -- and handles it. An
arrival (the algorithm's pick, then :func:`_dispatch`) and a departure are
handled in the loop itself; a timer goes to :func:`_timer`, which hands it to
one small function per kind: :func:`_health_check`, :func:`_warmup_step`,
:func:`_refresh_board`, :func:`_roll_window`, :func:`_failure` (a recovery
is two assignments).

The run's inputs travel as four read-only named tuples (:class:`Requests`,
:class:`Backends`, :class:`Settings`, :class:`Failures`) and its outputs as
one (:class:`Outcome`). The mutable state is two more: :class:`Nodes`, each
balancer node's view in node-by-backend arrays (row ``k`` is node ``k``), and
:class:`Pool`, the backends themselves. The load signal a node reads is row
``signal_row(srow, k)`` of ``sig``: its own row of ``local`` (its own
requests), the one row of ``glob`` (all requests), or a row of ``board`` (a
stale snapshot of either).

Why arrivals and departures stay in the loop: they are nearly every event,
and numba takes a reference (an atomic increment, and a decrement after) on
every array handed to a helper with branches, which its reference pruning
does not remove. Arrival and departure helpers taking the named tuples cut
the event rate six-fold; taking plain arrays (18 for the pick alone), by a
third to a half (measured with ``benchmarks/bench_balancing.py``). So the
per-request path reads plain arrays unpacked once before the loop, and only
:func:`_dispatch` and :func:`_drain` (as before) are helpers on it. Timers
are rare, so their handlers take the tuples.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from labcdn._events import empty, pop, push
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


class Requests(NamedTuple):
    """The workload's arrays (see :class:`labcdn.balancing.Workload`), read-only."""

    arrival: np.ndarray
    work: np.ndarray
    node: np.ndarray
    client: np.ndarray
    new_connection: np.ndarray
    address: np.ndarray
    phase: np.ndarray


class Backends(NamedTuple):
    """Backend speeds and configured weights, and HAProxy's hash ring over them (bounded_hash only)."""

    speed: np.ndarray
    weight: np.ndarray
    points: np.ndarray
    owner: np.ndarray
    index: np.ndarray


class Settings(NamedTuple):
    """The scalar settings of a run: the algorithm's code and the arguments of ``simulate``."""

    algorithm: int
    nodes: int
    staleness: float
    view_global: bool
    choices: int
    bias: float
    balance_factor: int
    window: float
    inter: float
    fall: int
    rise: int
    slowstart: int
    seed: np.uint64


class Failures(NamedTuple):
    """Backend, start and end of each failure."""

    backend: np.ndarray
    at: np.ndarray
    until: np.ndarray


class Outcome(NamedTuple):
    """The arrays the kernel fills (see :class:`labcdn.balancing.simulation.Run`).

    ``counters`` receives: events processed, the time integral of requests in
    the system, the time of the last event, and the number of detections.
    """

    backend: np.ndarray
    start: np.ndarray
    finish: np.ndarray
    status: np.ndarray
    occupancy: np.ndarray
    detections: np.ndarray
    counters: np.ndarray


class Nodes(NamedTuple):
    """Each balancer node's state: node-by-backend arrays, per-node scalars as arrays of one per node.

    ``sig`` is the load signal nodes read (``local``, ``board`` or ``glob``) and
    ``srow`` its row (-1: the node's own row). ``qhead``/``qtail`` are each
    node's FIFO for central_queue, linked through ``qnext`` (one per request).
    """

    local: np.ndarray
    board: np.ndarray
    sig: np.ndarray
    srow: int
    up: np.ndarray
    health: np.ndarray
    ew: np.ndarray
    cum: np.ndarray
    uplist: np.ndarray
    nup: np.ndarray
    equal: np.ndarray
    deadline: np.ndarray
    order: np.ndarray
    seq: np.ndarray
    up_since: np.ndarray
    warming: np.ndarray
    warm_pending: np.ndarray
    cur: np.ndarray
    acc: np.ndarray
    bw: np.ndarray
    rr: np.ndarray
    qhead: np.ndarray
    qtail: np.ndarray
    qnext: np.ndarray


class Pool(NamedTuple):
    """The backends' state: alive, busy until, requests at each (``glob``, one row), the time ``occupancy``
    was last accumulated, and each client's keep-alive connection (-1: none)."""

    alive: np.ndarray
    busy: np.ndarray
    glob: np.ndarray
    last: np.ndarray
    conn: np.ndarray


@kernel
def timer(kind, index):
    """Payload of a timer event: ``-(1 + 8 * index + kind)``."""
    return -(1 + 8 * index + kind)


@kernel(inline="always")
def signal_row(srow, k):
    """Row of the load signal that node ``k`` reads (``srow`` -1: its own)."""
    return k if srow < 0 else srow


@kernel(inline="always")
def _occupy(occupancy, last, glob, b, t):
    k = glob[0, b]
    top = occupancy.shape[1] - 1
    occupancy[b, k if k < top else top] += t - last[b]
    last[b] = t


@kernel(inline="always")
def _dispatch(r, b, k, t, work, speed, alive, busy, local, glob, occupancy, last, backend, start, finish,
              status, keys, vals, size):
    """Send request ``r`` from node ``k`` to backend ``b``; returns ``(heap size, served)``."""
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
def _drain(k, t, work, speed, alive, busy, local, glob, occupancy, last, backend, start, finish, status, keys,
           vals, size, qhead, qtail, qnext, up, ew, rr, in_sys):
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


@kernel
def _refresh_node(k, nodes, bias):
    """Recompute a node's running weights, up list and weight equality; rebuild its EDF schedule."""
    up, ew, cum = nodes.up, nodes.ew, nodes.cum
    total = 0
    count = 0
    first = -1
    same = True
    for b in range(up.shape[1]):
        if up[k, b]:
            total += ew[k, b]
            nodes.uplist[k, count] = b
            count += 1
            if first < 0:
                first = ew[k, b]
            elif ew[k, b] != first:
                same = False
        cum[k, b] = total
    nodes.nup[k] = count
    nodes.equal[k] = same
    s = signal_row(nodes.srow, k)
    for b in range(up.shape[1]):
        if up[k, b]:
            nodes.deadline[k, b] = 1.0 / (ew[k, b] / (nodes.sig[s, b] + 1.0) ** bias)
            nodes.order[k, b] = nodes.seq[k]
            nodes.seq[k] += 1


@kernel
def _fresh_nodes(n, cl, st):
    """Every node's state at time 0 (all backends up at full weight, nothing queued), and ``glob``."""
    kn = st.nodes
    nb = cl.speed.size
    local = np.zeros((kn, nb), dtype=np.int64)
    board = np.zeros((kn, nb), dtype=np.int64)
    glob = np.zeros((1, nb), dtype=np.int64)
    ew = np.empty((kn, nb), dtype=np.int64)
    for k in range(kn):
        for b in range(nb):
            ew[k, b] = cl.weight[b] * WEIGHT_SCALE
    # the load signal: rows of `sig`; srow = -1 means "the node's own row"
    sig = local
    srow = -1
    if st.staleness > 0.0:
        sig = board
    elif st.view_global:
        sig = glob
        srow = 0
    i64 = np.int64
    nodes = Nodes(local, board, sig, srow, np.ones((kn, nb), dtype=np.bool_),
                  np.full((kn, nb), st.rise + st.fall - 1, dtype=i64), ew, np.zeros((kn, nb), dtype=i64),
                  np.zeros((kn, nb), dtype=i64), np.zeros(kn, dtype=i64), np.zeros(kn, dtype=np.bool_),
                  np.zeros((kn, nb)), np.zeros((kn, nb), dtype=i64), np.zeros(kn, dtype=i64), np.zeros((kn, nb)),
                  np.zeros((kn, nb), dtype=np.bool_), np.zeros((kn, nb), dtype=np.bool_),
                  np.zeros((kn, nb), dtype=i64), np.zeros((kn, nb)), np.zeros((kn, nb)), np.zeros(kn, dtype=i64),
                  np.full(kn, -1, dtype=i64), np.full(kn, -1, dtype=i64),
                  np.full(n if st.algorithm == CENTRAL_QUEUE else 1, -1, dtype=i64))
    for k in range(kn):
        _refresh_node(k, nodes, st.bias)
    return nodes, glob


@kernel
def _first_timers(n, req, cl, st, fails):
    """The event heap, sized for every request and timer at once, holding each timer's first firing."""
    kn = st.nodes
    nb = cl.speed.size
    nf = fails.backend.size
    cap = n + 2 * kn * nb + 2 * kn + 2 * nf + 4
    keys, vals = empty(cap)
    size = 0
    for k in range(kn):
        for b in range(nb):
            size = push(keys, vals, size, req.phase[k, b] * st.inter, timer(CHECK, k * nb + b))
    if st.staleness > 0.0:
        for k in range(kn):
            size = push(keys, vals, size, req.phase[k, nb] * st.staleness, timer(REFRESH, k))
    if st.algorithm == LEAST_BANDWIDTH:
        for k in range(kn):
            size = push(keys, vals, size, req.phase[k, nb + 1] * st.window, timer(WINDOW, k))
    for f in range(nf):
        size = push(keys, vals, size, fails.at[f], timer(FAIL, f))
        if fails.until[f] < np.inf:
            size = push(keys, vals, size, fails.until[f], timer(RECOVER, f))
    return keys, vals, size


@kernel
def simulate_kernel(req, cl, st, fails, out):
    """Run the whole simulation; fills ``out`` (an :class:`Outcome`) in place (see ``simulate``).

    Arrivals come in order from ``req.arrival``; everything else -- departures
    and timers -- from the event heap, which wins ties with an arrival. The
    per-request path stays whole in this loop: see the module's note on speed.
    """
    n = req.arrival.size
    nb = cl.speed.size
    alg = st.algorithm
    nodes, glob = _fresh_nodes(n, cl, st)
    pool = Pool(np.ones(nb, dtype=np.bool_), np.zeros(nb), glob, np.zeros(nb),
                np.full(req.address.size, -1, dtype=np.int64))
    keys, vals, size = _first_timers(n, req, cl, st, fails)
    # plain arrays for the per-request path (see the module's note on speed)
    arrival, work, node, client, newconn, address = (req.arrival, req.work, req.node, req.client,
                                                     req.new_connection, req.address)
    speed, weight, points, owner, index = cl.speed, cl.weight, cl.points, cl.owner, cl.index
    alive, busy, last, conn = pool.alive, pool.busy, pool.last, pool.conn
    backend, start, finish, status, occupancy = out.backend, out.start, out.finish, out.status, out.occupancy
    local, sig, srow, up, ew, cum, cur = nodes.local, nodes.sig, nodes.srow, nodes.up, nodes.ew, nodes.cum, nodes.cur
    uplist, nup, equal, deadline, order, seq = (nodes.uplist, nodes.nup, nodes.equal, nodes.deadline, nodes.order,
                                                nodes.seq)
    acc, bw, rr, qhead, qtail, qnext = nodes.acc, nodes.bw, nodes.rr, nodes.qhead, nodes.qtail, nodes.qnext
    total_weight = 0
    for b in range(nb):
        total_weight += weight[b]
    i = 0  # next arrival
    in_sys = 0
    area = 0.0
    t_last = 0.0
    events = 0
    ctr = np.uint64(0)  # draws taken from the run's random stream
    nd = 0  # detections recorded
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
            if v >= 0:  # a departure
                b = backend[v]
                k = node[v]
                status[v] = OK
                in_sys -= 1
                local[k, b] -= 1
                _occupy(occupancy, last, glob, b, t)
                glob[0, b] -= 1
                if alg == LEAST_BANDWIDTH:
                    if st.view_global:
                        for kk in range(st.nodes):
                            acc[kk, b] += work[v]
                    else:
                        acc[k, b] += work[v]
                elif alg == CENTRAL_QUEUE and qhead[k] >= 0:
                    size, in_sys = _drain(k, t, work, speed, alive, busy, local, glob, occupancy, last, backend,
                                          start, finish, status, keys, vals, size, qhead, qtail, qnext, up, ew,
                                          rr, in_sys)
                continue
            size, in_sys, nd = _timer(v, t, req, cl, st, fails, nodes, pool, out, keys, vals, size, in_sys, nd)
            continue
        # an arrival
        t = arrival[i]
        area += in_sys * (t - t_last)
        t_last = t
        events += 1
        k = node[i]
        in_sys += 1
        if alg == CENTRAL_QUEUE:
            b = -1
            if qhead[k] < 0:  # no one waiting: take an idle backend if there is one
                b = choice.least_loaded_idle(local, ew, up, k, rr[k])
            if b >= 0:
                rr[k] = b + 1 if b + 1 < nb else 0
                size, served = _dispatch(i, b, k, t, work, speed, alive, busy, local, glob, occupancy, last,
                                         backend, start, finish, status, keys, vals, size)
                if not served:
                    in_sys -= 1
            elif nup[k] == 0:
                status[i] = NO_SERVER
                finish[i] = t
                in_sys -= 1
            else:
                if qtail[k] >= 0:
                    qnext[qtail[k]] = i
                else:
                    qhead[k] = i
                qtail[k] = i
            i += 1
            continue
        c = client[i]
        b = conn[c] if not newconn[i] and conn[c] >= 0 and up[k, conn[c]] else -1  # keep-alive
        if b < 0 and nup[k] > 0:
            s = signal_row(srow, k)
            if alg == ROUND_ROBIN:
                b = choice.next_up(up, k, rr[k])
                rr[k] = b + 1 if b + 1 < nb else 0
            elif alg == WEIGHTED_ROUND_ROBIN:
                b = choice.smooth_weighted(cur, ew, up, k)
            elif alg == LEAST_CONNECTIONS:
                b = choice.least_loaded(sig, s, ew, up, k, rr[k])
                rr[k] = b + 1 if b + 1 < nb else 0
            elif alg == WEIGHTED_LEAST_REQUEST:
                if equal[k]:
                    b, ctr = choice.envoy_choices(sig, s, uplist, nup, k, st.choices, st.seed, ctr)
                else:
                    b, seq[k] = choice.envoy_edf(sig, s, ew, up, deadline, order, k, st.bias, seq[k])
            elif alg == LEAST_BANDWIDTH:
                b = choice.least_bandwidth(bw, up, k)
            elif alg == RANDOM:
                b = choice.weighted_draw(cum, k, choice.draw64(st.seed, ctr))
                ctr += np.uint64(1)
            elif alg == POWER_OF_D:
                b, ctr = choice.power_of_d(sig, s, ew, cum, k, st.choices, st.seed, ctr)
            elif alg == SOURCE_HASH:
                if nb >= 2:
                    b = choice.nginx_ip_hash(address[c], weight, total_weight, up, k)
                if b < 0:
                    b = choice.smooth_weighted(cur, ew, up, k)
            elif alg == BOUNDED_HASH:
                b = choice.bounded_hash(address[c], points, owner, index, up, ew, sig, s, cum, k,
                                        st.balance_factor)
        if b < 0:
            status[i] = NO_SERVER
            finish[i] = t
            in_sys -= 1
            conn[c] = -1
        else:
            conn[c] = b
            size, served = _dispatch(i, b, k, t, work, speed, alive, busy, local, glob, occupancy, last, backend,
                                     start, finish, status, keys, vals, size)
            if not served:
                in_sys -= 1
                conn[c] = -1
        i += 1
    for b in range(nb):
        _occupy(occupancy, last, glob, b, t_last)
    out.counters[0] = events
    out.counters[1] = area
    out.counters[2] = t_last
    out.counters[3] = nd


@kernel
def _drain_node(k, t, req, cl, nodes, pool, out, keys, vals, size, in_sys):
    """:func:`_drain` for a timer handler, which holds the state as tuples."""
    return _drain(k, t, req.work, cl.speed, pool.alive, pool.busy, nodes.local, pool.glob, out.occupancy,
                  pool.last, out.backend, out.start, out.finish, out.status, keys, vals, size, nodes.qhead,
                  nodes.qtail, nodes.qnext, nodes.up, nodes.ew, nodes.rr, in_sys)


@kernel
def _timer(v, t, req, cl, st, fails, nodes, pool, out, keys, vals, size, in_sys, nd):
    """A timer fires (payload ``v``): hand it to its kind's handler. Returns ``(heap size, in system,
    detections)``."""
    q = -v - 1
    kind = q & 7
    idx = q >> 3
    if kind == CHECK:
        size, in_sys, nd = _health_check(idx, v, t, req, cl, st, nodes, pool, out, keys, vals, size,
                                         in_sys, nd)
    elif kind == WARMUP:
        size = _warmup_step(idx, v, t, cl, st, nodes, keys, vals, size)
    elif kind == REFRESH:
        size = _refresh_board(idx, v, t, st, nodes, pool, keys, vals, size)
    elif kind == WINDOW:
        size = _roll_window(idx, v, t, st, nodes, keys, vals, size)
    elif kind == FAIL:
        size, in_sys = _failure(fails.backend[idx], t, req, cl, st, nodes, pool, out, keys, vals, size,
                                in_sys)
    else:  # RECOVER: the backend comes back, empty
        pool.alive[fails.backend[idx]] = True
        pool.busy[fails.backend[idx]] = t
    return size, in_sys, nd


@kernel
def _health_check(idx, v, t, req, cl, st, nodes, pool, out, keys, vals, size, in_sys, nd):
    """Node ``idx // backends`` checks backend ``idx % backends`` and schedules the next check; a changed
    verdict updates the node's weights and is recorded. Returns ``(heap size, in system, detections)``."""
    nb = cl.speed.size
    k = idx // nb
    b = idx - k * nb
    size = push(keys, vals, size, t + st.inter, v)
    nodes.health[k, b], changed = health_step(nodes.health[k, b], pool.alive[b], nodes.up[k, b], st.rise, st.fall)
    if not changed:
        return size, in_sys, nd
    if pool.alive[b]:
        size = _mark_up(k, b, idx, t, cl, st, nodes, keys, vals, size)
    else:
        nodes.up[k, b] = False
        nodes.warming[k, b] = False
    _refresh_node(k, nodes, st.bias)
    if nd < out.detections.shape[0]:
        out.detections[nd, 0] = t
        out.detections[nd, 1] = k
        out.detections[nd, 2] = b
        out.detections[nd, 3] = 1.0 if nodes.up[k, b] else 0.0
        nd += 1
    if st.algorithm == CENTRAL_QUEUE:
        if nodes.nup[k] == 0:
            in_sys = _refuse_queue(k, t, nodes, out, in_sys)
        else:
            size, in_sys = _drain_node(k, t, req, cl, nodes, pool, out, keys, vals, size, in_sys)
    return size, in_sys, nd


@kernel(inline="always")
def _mark_up(k, b, idx, t, cl, st, nodes, keys, vals, size):
    """Node ``k`` marks backend ``b`` up: at full weight, or from 1/16 with a slow-start timer."""
    nodes.up[k, b] = True
    nodes.up_since[k, b] = t
    if st.slowstart > 0:
        nodes.warming[k, b] = True
        nodes.ew[k, b] = cl.weight[b]
        if not nodes.warm_pending[k, b]:
            nodes.warm_pending[k, b] = True
            size = push(keys, vals, size, t + _warmup_period(st.slowstart), timer(WARMUP, idx))
    else:
        nodes.ew[k, b] = cl.weight[b] * WEIGHT_SCALE
    return size


@kernel(inline="always")
def _warmup_period(slowstart):
    """Seconds between slow-start weight steps: ``max(1 s, slowstart / 20)``, HAProxy's warm-up task."""
    return max(1.0, slowstart / 20.0)


@kernel(inline="always")
def _refuse_queue(k, t, nodes, out, in_sys):
    """Node ``k`` has no backend up: every request in its queue is answered no_server."""
    r = nodes.qhead[k]
    while r >= 0:
        out.status[r] = NO_SERVER
        out.finish[r] = t
        in_sys -= 1
        r = nodes.qnext[r]
    nodes.qhead[k] = -1
    nodes.qtail[k] = -1
    return in_sys


@kernel
def _warmup_step(idx, v, t, cl, st, nodes, keys, vals, size):
    """A slow-start step: the weight of (node, backend) ``idx`` grows with the time since it came up."""
    nb = cl.speed.size
    k = idx // nb
    b = idx - k * nb
    nodes.warm_pending[k, b] = False
    if not (nodes.up[k, b] and nodes.warming[k, b]):
        return size
    elapsed = np.int64(math.floor(t - nodes.up_since[k, b]))
    w = WEIGHT_SCALE
    if elapsed < st.slowstart:
        w = (WEIGHT_SCALE * elapsed + st.slowstart) // st.slowstart
    if w >= WEIGHT_SCALE:
        w = WEIGHT_SCALE
        nodes.warming[k, b] = False
    else:
        nodes.warm_pending[k, b] = True
        size = push(keys, vals, size, t + _warmup_period(st.slowstart), v)
    nodes.ew[k, b] = cl.weight[b] * w
    _refresh_node(k, nodes, st.bias)
    return size


@kernel
def _refresh_board(k, v, t, st, nodes, pool, keys, vals, size):
    """Node ``k``'s stale snapshot of the load signal is refreshed."""
    size = push(keys, vals, size, t + st.staleness, v)
    for b in range(nodes.board.shape[1]):
        nodes.board[k, b] = pool.glob[0, b] if st.view_global else nodes.local[k, b]
    return size


@kernel
def _roll_window(k, v, t, st, nodes, keys, vals, size):
    """Node ``k``'s bandwidth window rolls over: bytes/s of the window just ended."""
    size = push(keys, vals, size, t + st.window, v)
    for b in range(nodes.bw.shape[1]):
        nodes.bw[k, b] = nodes.acc[k, b] / st.window
        nodes.acc[k, b] = 0.0
    return size


@kernel
def _failure(b, t, req, cl, st, nodes, pool, out, keys, vals, size, in_sys):
    """Backend ``b`` dies: the requests at it are lost and its connections reset."""
    pool.alive[b] = False
    for j in range(size):
        r = vals[j]
        if r >= 0 and out.status[r] == PENDING and out.backend[r] == b:
            out.status[r] = LOST
            out.finish[r] = t
            in_sys -= 1
            nodes.local[req.node[r], b] -= 1
            _occupy(out.occupancy, pool.last, pool.glob, b, t)
            pool.glob[0, b] -= 1
    for c in range(pool.conn.size):
        if pool.conn[c] == b:
            pool.conn[c] = -1
    pool.busy[b] = t
    if st.algorithm == CENTRAL_QUEUE:
        for k in range(st.nodes):
            size, in_sys = _drain_node(k, t, req, cl, nodes, pool, out, keys, vals, size, in_sys)
    return size, in_sys
