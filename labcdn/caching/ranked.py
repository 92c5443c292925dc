"""Proactive fill on a request trace, beside the reactive policies.

Open Connect does not cache on a miss: each night it fills its appliances with
the files ranked highest by predicted views (bytes ÷ size), and serves the next
day from that fixed set. On a request trace the same idea is a *ranked fill*:
count each object's requests over a training window, keep objects in
descending order of views up to the capacity, and serve the evaluation window
from that static set. With the evaluation window itself as training data the
fill has hindsight — the best any static, popularity-ranked fill can do.

:func:`hit_ratio_curves` sets it beside LRU, FIFO, LFU and Belady's MIN
(``labcdn.caching``) on the same requests, with the reactive caches warmed on
the training window so that every policy is scored on the same requests.
"""

from __future__ import annotations

import numpy as np
import polars as pl
from tqdm.auto import tqdm

from labcdn._jit import kernel
from labcdn._validation import check_array, check_range
from labcdn.caching.policies import POLICIES
from labcdn.caching.trace import CacheResult, dense_ids, prepare_trace, tally

RANKED = "ranked"
RANKED_HINDSIGHT = "ranked (hindsight)"


def ranked_fill(obj_ids, sizes, capacity_bytes, *, train_until: int | None = None) -> CacheResult:
    """Serve a trace from a static cache filled by rank of views.

    Parameters
    ----------
    obj_ids, sizes : array_like of int
        The trace, as for :func:`labcdn.caching.simulate`.
    capacity_bytes : int
        Cache capacity in bytes (> 0).
    train_until : int, optional
        Requests ``[0, train_until)`` rank the objects and requests
        ``[train_until, n)`` are served. ``None`` ranks on the whole trace and
        serves the whole trace (hindsight).

    Returns
    -------
    CacheResult
        Counts over the served requests; ``hit`` has one flag per request of
        the whole trace (``False`` before ``train_until``).

    Notes
    -----
    Objects are taken in descending order of their request count (views),
    ties by first appearance, until the first one that does not fit — the rule
    :mod:`labcdn.prediction` uses for the nightly fill. Objects never requested
    in the training window are never stored.
    """
    capacity = check_range("capacity_bytes", capacity_bytes, low=0, low_open=True, integer=True)
    trace = prepare_trace(obj_ids, sizes)
    start = _scored_from(train_until, trace)
    views, order = _ranking(trace, train_until, start)
    hit = _ranked_hits(trace, views, order, capacity, start)
    return tally(_ranked_label(train_until), capacity, hit, trace.sizes, start)


def hit_ratio_curves(obj_ids, sizes, capacities, *, train_until: int | None = None, progress: bool = False):
    """Hit and byte-hit ratios of every policy at every capacity, on the same requests.

    Parameters
    ----------
    obj_ids, sizes : array_like of int
        The trace.
    capacities : array_like of int
        Cache sizes in bytes.
    train_until : int, optional
        Score requests ``[train_until, n)`` only: reactive caches run over the
        whole trace (warming up before it) and the ranked fill learns from the
        requests before it. ``None`` scores the whole trace, the reactive caches
        starting cold and the ranked fill with hindsight.
    progress : bool
        Show a progress bar on stderr.

    Returns
    -------
    polars.DataFrame
        ``policy, capacity_bytes, capacity_fraction, hit_ratio, byte_hit_ratio``;
        ``capacity_fraction`` is the capacity over the bytes of all distinct
        objects in the trace.
    """
    caps = check_array("capacities", capacities, dtype=np.int64, low=1, min_size=1)
    trace = prepare_trace(obj_ids, sizes)
    start = _scored_from(train_until, trace)
    footprint = float(trace.obj_size.sum())
    served = trace.sizes[start:]
    served_bytes = served.sum()
    views, order = _ranking(trace, train_until, start)  # ranked once, filled at every capacity
    rows = []
    jobs = [(p, int(c)) for p in (*POLICIES, RANKED) for c in caps]
    for policy, cap in tqdm(jobs, desc="cache policies", disable=not progress, leave=False):
        if policy == RANKED:
            label, hit = _ranked_label(train_until), _ranked_hits(trace, views, order, cap, start)
        else:
            label, hit = policy, trace.replay(policy, cap)
        res = tally(label, cap, hit, trace.sizes, start)
        rows.append(
            {
                "policy": label,
                "capacity_bytes": cap,
                "capacity_fraction": cap / footprint,
                "hit_ratio": res.hits / served.size if served.size else float("nan"),
                "byte_hit_ratio": res.byte_hits / served_bytes if served.size else float("nan"),
            }
        )
    return pl.DataFrame(rows)


def one_hit_wonders(obj_ids) -> dict:
    """How much of a trace is objects requested exactly once.

    Returns
    -------
    dict
        ``objects``, ``requests``, ``one_hit_objects`` (fraction of distinct
        objects requested once) and ``one_hit_requests`` (fraction of requests
        that go to such objects) — requests no cache can ever serve.
    """
    ids = check_array("obj_ids", obj_ids, dtype=np.int64, low=0)
    dense, n_obj = dense_ids(ids)
    counts = np.bincount(dense, minlength=n_obj)
    once = int(np.count_nonzero(counts == 1))
    return {
        "objects": int(n_obj),
        "requests": int(ids.size),
        "one_hit_objects": once / n_obj if n_obj else float("nan"),
        "one_hit_requests": once / ids.size if ids.size else float("nan"),
    }


def _ranked_label(train_until):
    return RANKED if train_until is not None else RANKED_HINDSIGHT


def _scored_from(train_until, trace):
    """First served request: ``train_until``, checked against the trace (0 for hindsight)."""
    if train_until is None:
        return 0
    return check_range("train_until", train_until, 0, trace.dense.size, integer=True)


def _ranking(trace, train_until, start):
    """Views of each object over the training requests, and the objects by descending views."""
    train = trace.dense if train_until is None else trace.dense[:start]
    views = np.bincount(train, minlength=trace.obj_size.size)
    return views, np.argsort(-views, kind="stable")


def _ranked_hits(trace, views, order, capacity, start):
    """Hit flags of the static fill: requests ``[start, n)`` for a stored object."""
    stored = np.zeros(trace.obj_size.size, dtype=np.bool_)
    _fill_kernel(order, views, trace.obj_size, capacity, stored)
    hit = np.zeros(trace.dense.size, dtype=np.bool_)
    hit[start:] = stored[trace.dense[start:]]
    return hit


@kernel
def _fill_kernel(order, views, obj_size, capacity, stored):
    used = 0
    for k in range(order.size):
        obj = order[k]
        if views[obj] == 0 or used + obj_size[obj] > capacity:
            break
        stored[obj] = True
        used += obj_size[obj]
