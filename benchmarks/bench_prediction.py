"""Nightly proactive fill: labcdn.prediction.simulate_fill vs a straightforward NumPy loop.

The peer is what one writes first: per day, vectorised predictions, a stable
argsort for the ranking, cumulative sums for the greedy prefix, the budget and
the evictions. It must agree with labcdn (same sets, so the same files filled;
efficiencies to rounding, since NumPy sums pairwise) before it is timed.
"""

from __future__ import annotations

import sys

import numpy as np
from _harness import Comparison, best_of

from labcdn.prediction import STORAGE_OCA, simulate_fill, synthetic_daily_views


def _greedy(scores, sizes, capacity):
    order = np.argsort(-scores, kind="stable")  # more views first, ties by index
    fits = np.searchsorted(np.cumsum(sizes[order]), capacity, side="right")
    mask = np.zeros(scores.size, dtype=bool)
    top = order[:fits]
    mask[top[scores[top] > 0]] = True
    return mask, order


def numpy_fill(views, sizes, release_day, capacity, budget, half_life, errors):
    """EWMA-ranked fill with the oracle start; returns (efficiency, oracle efficiency, files filled)."""
    n_files, n_days = views.shape
    alpha = 1.0 - 0.5 ** (1.0 / half_life)
    ewma = np.zeros(n_files)
    cached, _ = _greedy(views[:, 0], sizes, capacity)
    eff, best, files = [], [], []
    for t in range(n_days - 1):
        day, x = t + 1, views[:, t]
        ewma = np.where(release_day == t, x, np.where(release_day < t, ewma + alpha * (x - ewma), ewma))
        scores = np.where(release_day < day, ewma, 0.0)
        scores = np.where(release_day == day, views[:, day] * errors, scores)
        ideal, order = _greedy(scores, sizes, capacity)
        adds = order[ideal[order] & ~cached[order]]
        n_add = np.searchsorted(np.cumsum(sizes[adds]), budget, side="right")
        need = sizes[cached].sum() + sizes[adds[:n_add]].sum() - capacity
        if need > 0:
            stale = order[cached[order] & ~ideal[order]][::-1]  # lowest ranked first
            n_out = np.searchsorted(np.cumsum(sizes[stale]), need, side="left") + 1
            cached[stale[:n_out]] = False
        cached[adds[:n_add]] = True
        day_bytes = views[:, day] * sizes
        oracle, _ = _greedy(views[:, day], sizes, capacity)
        eff.append(day_bytes[cached].sum() / day_bytes.sum())
        best.append(day_bytes[oracle].sum() / day_bytes.sum())
        files.append(n_add)
    return np.array(eff), np.array(best), np.array(files)


def _case(n_files, n_days, seed=7):
    data = synthetic_daily_views(n_files, n_days, seed=seed)
    capacity = float(np.floor(data.sizes.sum() * STORAGE_OCA.capacity_bytes / 230e12))  # 100 TB of 230 TB
    budget = float(np.floor(capacity * STORAGE_OCA.fill_budget_bytes / STORAGE_OCA.capacity_bytes))
    return data, capacity, budget


def run(quick: bool = False) -> list[Comparison]:
    """Time one EWMA fill simulation per size, labcdn and the NumPy peer on the same input."""
    sizes = [(20_000, 10)] if quick else [(20_000, 30), (100_000, 30), (200_000, 30)]
    results = []
    for n_files, n_days in sizes:
        data, capacity, budget = _case(n_files, n_days)
        errors = np.random.default_rng(3).lognormal(0.0, 0.5, n_files)  # what seed=3 draws inside

        def ours(data=data, capacity=capacity, budget=budget):
            return simulate_fill(*data, capacity, budget, "ewma", half_life_days=3.0, seed=3)

        def peer(data=data, capacity=capacity, budget=budget, errors=errors):
            return numpy_fill(data.daily_views, data.sizes, data.release_day, capacity, budget, 3.0, errors)

        frame, (eff, best, files) = ours(), peer()
        assert frame["files_filled"].to_list() == files.tolist(), "peer and labcdn filled different files"
        assert np.allclose(frame["efficiency"].to_numpy(), eff, rtol=1e-12, atol=0)
        assert np.allclose(frame["oracle_efficiency"].to_numpy(), best, rtol=1e-12, atol=0)
        repeat = 3 if quick else 5
        results.append(Comparison(
            name="simulate_fill ewma", size=f"{n_files} files x {n_days} days",
            labcdn_s=best_of(ours, repeat=repeat), peer="numpy argsort+cumsum",
            peer_s=best_of(peer, repeat=1 if not quick else 2),
        ))
    return results


if __name__ == "__main__":
    for c in run(quick="--quick" in sys.argv):
        print(f"{c.name:20s} {c.size:26s} labcdn {c.labcdn_s * 1e3:8.1f} ms  "
              f"{c.peer} {c.peer_s * 1e3:8.1f} ms  x{c.ratio:.1f}")
