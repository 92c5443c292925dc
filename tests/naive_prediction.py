"""Slow, obvious references for labcdn.prediction.predictors (plain Python lists and sets).

``views[i][d]`` is the views of file ``i`` on day ``d``. The fill follows the
words of the model literally: rank every file by predicted views (ties by
index), take the greedy prefix up to capacity as the ideal set, then add the
missing ideal files in rank order while the budget lasts, evicting the
lowest-ranked cached file, one at a time, until each fits.
"""

from __future__ import annotations


def predict_naive(views, release_day, day, method, alpha, window, errors):
    """Predicted views of every file for ``day``, each computed from scratch."""
    out = []
    for i, row in enumerate(views):
        r = int(release_day[i])
        if method == "oracle":
            out.append(float(row[day]))
        elif r > day:
            out.append(0.0)
        elif r == day:
            out.append(float(row[day]) * float(errors[i]))
        elif method == "yesterday":
            out.append(float(row[day - 1]))
        elif method == "ewma":
            level = float(row[r])
            for t in range(r + 1, day):
                level = level + alpha * (float(row[t]) - level)
            out.append(level)
        else:
            first = max(day - window, r)
            total = 0.0
            for t in range(first, day):
                total += float(row[t])
            out.append(total / (day - first))
    return out


def ranking(scores):
    """File indices from best to worst: more views first, then lower index."""
    return sorted(range(len(scores)), key=lambda i: (-scores[i], i))


def greedy_naive(scores, sizes, capacity):
    """Files ranked before the first that does not fit, less those scoring 0."""
    chosen, used = set(), 0.0
    for f in ranking(scores):
        if used + sizes[f] > capacity:
            break
        used += sizes[f]
        if scores[f] > 0:
            chosen.add(f)
    return chosen


def fill_naive(cache, scores, sizes, capacity, budget):
    """One night: returns (new cache set, bytes filled, files filled)."""
    cache = set(cache)
    rank = ranking(scores)
    position = {f: k for k, f in enumerate(rank)}
    ideal = greedy_naive(scores, sizes, capacity)
    used = sum(sizes[f] for f in cache)
    filled, files = 0.0, 0
    for f in rank:
        if f not in ideal or f in cache:
            continue
        if filled + sizes[f] > budget:
            break
        while used + sizes[f] > capacity:
            lowest = max(cache, key=position.__getitem__)
            if position[lowest] < position[f]:
                raise AssertionError(f"would evict file {lowest}, ranked above file {f}")
            cache.remove(lowest)
            used -= sizes[lowest]
        cache.add(f)
        used += sizes[f]
        filled += sizes[f]
        files += 1
    return cache, filled, files


def served_share(views, sizes, day, files):
    """Bytes of ``day``'s views served from ``files`` / all bytes that day (sums in index order)."""
    total, served = 0.0, 0.0
    for i, row in enumerate(views):
        b = float(row[day]) * sizes[i]
        total += b
        if i in files:
            served += b
    return served / total


def simulate_naive(views, sizes, release_day, capacity, budget, method, alpha, window, errors, start):
    """Per served day: (efficiency, oracle efficiency, bytes filled, files filled, cache set)."""
    views = [[float(v) for v in row] for row in views]
    sizes = [float(s) for s in sizes]
    n_days = len(views[0])
    first_day = [row[0] for row in views]
    cache = greedy_naive(first_day, sizes, capacity) if start == "oracle" else set()
    rows = []
    for day in range(1, n_days):
        scores = predict_naive(views, release_day, day, method, alpha, window, errors)
        cache, filled, files = fill_naive(cache, scores, sizes, capacity, budget)
        truth = [row[day] for row in views]
        best = greedy_naive(truth, sizes, capacity)
        rows.append((served_share(views, sizes, day, cache), served_share(views, sizes, day, best),
                     filled, files, set(cache)))
    return rows
