"""Dominant Resource Fairness (Ghodsi et al., NSDI 2011), computed exactly.

Progressive filling: repeatedly launch one task for the user with the lowest
(weighted) dominant share; a user whose next task no longer fits is saturated
and leaves; stop when every user is saturated. Shares are compared as exact
fractions (integer cross-multiplication), so ties are ties and the canonical
example comes out exactly: 9 CPUs and 18 GB, user A's tasks need <1 CPU, 4 GB>
and B's <3 CPUs, 1 GB>; A runs 3 tasks, B runs 2, both at dominant share 2/3.

References
----------
.. [1] A. Ghodsi, M. Zaharia, B. Hindman, A. Konwinski, S. Shenker, I. Stoica,
   "Dominant Resource Fairness: Fair Allocation of Multiple Resource Types",
   NSDI 2011, section 4 (the example of Figure 3) and Algorithm 1.
"""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction
from typing import NamedTuple

import numpy as np
import polars as pl

from labcdn._jit import kernel
from labcdn._validation import check_array

#: Products of a capacity and a weight must stay below this, so the exact
#: comparisons (products of two such numbers) fit in a signed 64-bit integer.
MAX_SCALED_CAPACITY = 3_000_000_000


class DRFExample(NamedTuple):
    """The DRF paper's worked example (Ghodsi et al. 2011, section 4).

    Attributes
    ----------
    capacity : tuple of int
        9 CPUs and 18 GB of memory.
    demands : tuple of tuple of int
        Per-task demand: user A <1 CPU, 4 GB>, user B <3 CPUs, 1 GB>.
    users, resources : tuple of str
        Labels.
    """

    capacity: tuple[int, ...] = (9, 18)
    demands: tuple[tuple[int, ...], ...] = ((1, 4), (3, 1))
    users: tuple[str, ...] = ("A", "B")
    resources: tuple[str, ...] = ("cpus", "mem_gb")


DRF_EXAMPLE = DRFExample()


@kernel
def _less(a_num, a_den, b_num, b_den):
    """a_num / a_den < b_num / b_den for positive denominators, exactly."""
    return a_num * b_den < b_num * a_den


@kernel
def _drf_kernel(capacity, demands, weights, tasks):
    """Progressive filling; ``tasks`` (zeros) receives the tasks launched per user."""
    n_users, n_res = demands.shape
    used = np.zeros(n_res, dtype=np.int64)
    active = np.ones(n_users, dtype=np.bool_)
    dom_num = np.zeros(n_users, dtype=np.int64)  # dominant share = dom_num / dom_den
    dom_den = np.ones(n_users, dtype=np.int64)
    for u in range(n_users):
        if demands[u].sum() == 0:
            active[u] = False  # a task that needs nothing would run forever
    while True:
        best = -1
        for u in range(n_users):
            if active[u] and (best < 0 or _less(dom_num[u], dom_den[u], dom_num[best], dom_den[best])):
                best = u
        if best < 0:
            return
        fits = True
        for r in range(n_res):
            if used[r] + demands[best, r] > capacity[r]:
                fits = False
        if not fits:
            active[best] = False
            continue
        tasks[best] += 1
        for r in range(n_res):
            used[r] += demands[best, r]
        num = 0
        den = 1
        for r in range(n_res):
            if capacity[r] > 0:
                share_num = tasks[best] * demands[best, r]
                share_den = capacity[r] * weights[best]
                if _less(num, den, share_num, share_den):
                    num = share_num
                    den = share_den
        dom_num[best] = num
        dom_den[best] = den


def drf(capacity, demands, weights=None, *, users=None, resources=None) -> pl.DataFrame:
    """Allocate whole tasks to users by Dominant Resource Fairness.

    Parameters
    ----------
    capacity : array_like of number, shape (R,)
        Total amount of each resource (CPUs, GB, ...).
    demands : array_like of number, shape (U, R)
        Each user's per-task demand. Fractions are exact: ``0.9`` CPU is 9/10 of a CPU
        (the shortest decimal of the float), and ``fractions.Fraction`` values are taken as given.
    weights : array_like of int, shape (U,), optional
        Weighted DRF: a user's dominant share is divided by its weight (>= 1; default 1 each).
    users, resources : sequence of str, optional
        Labels (default ``u0, u1, ...`` and ``r0, r1, ...``).

    Returns
    -------
    polars.DataFrame
        One row per user: ``user``, ``tasks``, one column per resource with the
        amount allocated (Int64, or Float64 for a resource given in fractions), ``dominant_resource``, ``dominant_share`` (Float64) and the
        exact share as ``share_numerator`` / ``share_denominator`` (lowest terms).
        Ties between equal shares go to the user listed first.

    References
    ----------
    Ghodsi et al., "Dominant Resource Fairness", NSDI 2011, Algorithm 1.
    """
    capacity, demands, weights, cap_q, dem_q, w_q = _exact_inputs(capacity, demands, weights)
    n_users = demands.shape[0]
    users = [f"u{i}" for i in range(n_users)] if users is None else [str(u) for u in users]
    resources = [f"r{i}" for i in range(capacity.size)] if resources is None else [str(r) for r in resources]
    if len(users) != n_users or len(resources) != capacity.size:
        raise ValueError(f"need {n_users} user labels and {capacity.size} resource labels")
    tasks = np.zeros(n_users, dtype=np.int64)
    _drf_kernel(capacity, demands, weights, tasks)
    whole = [all(q.denominator == 1 for q in (cap_q[r], *dem_q[:, r])) for r in range(capacity.size)]
    rows = []
    for u in range(n_users):
        t = int(tasks[u])
        shares = [t * dem_q[u, r] / (cap_q[r] * w_q[u]) if cap_q[r] > 0 else Fraction(0)
                  for r in range(capacity.size)]
        top = max(range(capacity.size), key=lambda r, s=shares: (s[r], -r))
        amounts = [t * dem_q[u, r] for r in range(capacity.size)]
        rows.append({
            "user": users[u],
            "tasks": t,
            **{resources[r]: int(a) if whole[r] else float(a) for r, a in enumerate(amounts)},
            "dominant_resource": resources[top],
            "dominant_share": float(shares[top]),
            "share_numerator": shares[top].numerator,
            "share_denominator": shares[top].denominator,
        })
    schema = {"user": pl.String, "tasks": pl.Int64,
              **{res: pl.Int64 if whole[r] else pl.Float64 for r, res in enumerate(resources)},
              "dominant_resource": pl.String, "dominant_share": pl.Float64,
              "share_numerator": pl.Int64, "share_denominator": pl.Int64}
    return pl.DataFrame(rows, schema=schema)


def _exact(values):
    """Each number as the exact fraction its user wrote: ``0.9`` is 9/10 (its shortest decimal), not the binary float."""
    out = np.empty(np.shape(values), dtype=object)
    flat = np.asarray(values, dtype=object).ravel()
    for i, v in enumerate(flat):
        if isinstance(v, Fraction | int | np.integer):
            out.flat[i] = Fraction(int(v)) if not isinstance(v, Fraction) else v
        elif isinstance(v, Decimal):
            out.flat[i] = Fraction(v)
        else:
            out.flat[i] = Fraction(repr(float(v)))
    return out


def _scaled(columns):
    """Whole numbers for the kernel: each column times the least common multiple of its denominators."""
    out = np.empty(columns.shape, dtype=object)
    scales = []
    for j in range(columns.shape[1]):
        scale = math.lcm(*(q.denominator for q in columns[:, j]))
        scales.append(scale)
        for i in range(columns.shape[0]):
            out[i, j] = int(columns[i, j] * scale)
    return out, scales


def _exact_inputs(capacity, demands, weights):
    """Validate the inputs, keep them as exact fractions, and scale them to the kernel's integers.

    A resource's column (its capacity and every user's demand) is scaled by one common factor, so
    every comparison of dominant shares keeps its exact outcome. Weights are whole numbers >= 1.
    """
    cap_f = check_array("capacity", capacity, dtype=np.float64, low=0, min_size=1)
    dem_f = check_array("demands", demands, dtype=np.float64, ndim=2, low=0, min_size=1)
    if dem_f.shape[1] != cap_f.size:
        raise ValueError(f"demands has {dem_f.shape[1]} resource columns; capacity has {cap_f.size}")
    n_users = dem_f.shape[0]
    weights = np.ones(n_users, dtype=np.int64) if weights is None else weights
    w = check_array("weights", weights, dtype=np.int64, low=1, min_size=1)
    if w.size != n_users:
        raise ValueError(f"weights has {w.size} entries; there are {n_users} users")
    cap_q, dem_q, w_q = _exact(capacity), _exact(demands), _exact(w)
    both, scales = _scaled(np.vstack([cap_q[None, :], dem_q]))
    top = max(both.max(), 1) * int(w.max())
    if top > MAX_SCALED_CAPACITY:
        made_whole = f" once fractions are made whole (x{max(scales)})" if max(scales) > 1 else ""
        raise ValueError(
            f"capacity x weight reaches {top} in whole units{made_whole}; keep it <= {MAX_SCALED_CAPACITY} "
            "(coarser units, fewer decimals) so exact comparisons fit in 64 bits"
        )
    cap, dem = both[0].astype(np.int64), both[1:].astype(np.int64)
    return np.ascontiguousarray(cap), np.ascontiguousarray(dem), np.ascontiguousarray(w), cap_q, dem_q, w_q
