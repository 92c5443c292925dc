"""Predicting tomorrow's views and the nightly proactive fill of a cache.

Open Connect does not cache on miss: every night each appliance downloads the
files it is told it will need tomorrow, ranked by predicted popularity, during
an off-peak *fill window* that limits how many bytes can change [1]_ [2]_.
This module predicts a file's views for the next day from its past days
(``yesterday``, ``ewma``, ``window``; ``oracle`` knows the truth), and replays
the nightly fill day by day under a churn budget.

Arrays are plain: ``daily_views`` is ``(n_files, n_days)`` float64 (views of
each file per day; bytes served = views x size), ``sizes`` is whole bytes per
file and ``release_day`` is the first day a file can have views. A file whose
title is released tomorrow has no history, so every predictor except the
oracle uses a pre-release estimate: the true value times a lognormal(0, sigma)
error drawn from the caller's Generator.

References
----------
.. [1] Netflix Open Connect Partner Help Center, "Fill patterns"
   (https://openconnect.zendesk.com/hc/en-us/articles/360035618071): storage
   appliances fill in a 12-hour window at up to 1.2 Gbps, "up to 6.5 TB".
.. [2] M. Costello and E. Livengood, "Netflix and Fill", Netflix Technology
   Blog, 2016 (proactive caching from popularity rankings).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
import polars as pl

from labcdn._jit import kernel
from labcdn._validation import check_array, check_choice, check_range, rng_from
from labcdn.prediction.figures import APPLIANCE_BYTES, FILL_BUDGET_BYTES

METHODS = ("yesterday", "ewma", "window", "oracle")
STARTS = ("oracle", "empty")
_YESTERDAY, _EWMA, _WINDOW, _ORACLE = range(4)
_MAX_EXACT_BYTES = 2.0**53  # whole-byte sums stay exact in float64 below this


class ApplianceParams(NamedTuple):
    """An Open Connect storage appliance and its nightly fill window, as published
    (:data:`labcdn.prediction.figures.PUBLISHED`).

    Attributes
    ----------
    capacity_bytes : float
        100 TB: the first ("Rev. A") Open Connect Appliance (Gizmodo, "This box
        can hold an entire Netflix", 2014).
    fill_budget_bytes : float
        6.5 TB: total fill traffic per 12-hour window of a storage appliance [1]_
        (1.2 Gbps x 12 h = 6.48 TB, the same figure).
    """

    capacity_bytes: float = APPLIANCE_BYTES
    fill_budget_bytes: float = FILL_BUDGET_BYTES


class PredictorParams(NamedTuple):
    """Slider defaults of the predictors (modelling choices, not published figures).

    Attributes
    ----------
    half_life_days : float
        EWMA half-life: yesterday weighs twice as much as ``half_life_days`` ago.
    window_days : int
        Days averaged by ``window``; 7 spans the weekly cycle of viewing.
    prerelease_sigma : float
        Log-scale error of a new title's pre-release estimate (0.5: within a
        factor e**0.5 = 1.65 of the truth about two times in three).
    """

    half_life_days: float = 3.0
    window_days: int = 7
    prerelease_sigma: float = 0.5


class ViewsParams(NamedTuple):
    """Shape of the synthetic daily views of :func:`synthetic_daily_views`.

    Attributes
    ----------
    zipf_alpha : float
        Popularity ~ rank**-alpha; 0.8 is inside the 0.64-0.83 range measured
        for web requests by Breslau et al. (INFOCOM 1999).
    views_per_day : float
        Mean total views per day before launch boosts (a scale only).
    new_fraction : float
        Share of files released during the horizon (illustrative).
    launch_boost : float
        A new file's views on release day, as a multiple of its long-run level
        (illustrative).
    launch_half_life_days : float
        Half-life of that boost (illustrative).
    daily_noise_sigma : float
        Log-scale day-to-day noise, mean one (illustrative).
    median_hours : float
        Median running time of a file (an episode; illustrative); log-sd 0.5.
    gb_per_hour : tuple of float
        Encodes drawn uniformly: 0.3 (low), 0.7 (SD), 3 (HD) and 7 (UHD) GB per
        hour, Netflix Help Center, "How to control how much data Netflix uses".
    """

    zipf_alpha: float = 0.8
    views_per_day: float = 1e6
    new_fraction: float = 0.05
    launch_boost: float = 10.0
    launch_half_life_days: float = 7.0
    daily_noise_sigma: float = 0.3
    median_hours: float = 0.75
    gb_per_hour: tuple[float, ...] = (0.3, 0.7, 3.0, 7.0)


STORAGE_OCA = ApplianceParams()
PREDICTOR = PredictorParams()
VIEWS_MODEL = ViewsParams()


class SyntheticViews(NamedTuple):
    """Daily views (``n_files x n_days``, Fortran order), sizes and release days."""

    daily_views: np.ndarray
    sizes: np.ndarray
    release_day: np.ndarray


def synthetic_daily_views(n_files=100_000, n_days=30, model=VIEWS_MODEL, *, seed=None, rng=None):
    """Draw Zipf-popular files, some released during the horizon with a decaying boost.

    File ``i`` gets a Zipf weight from a random rank; views on day ``d`` are
    ``base_i * (1 + boost * 2**(-(d - release_i) / half_life)) * noise`` from
    its release day on, 0 before, with mean-one lognormal ``noise``. Sizes are
    a lognormal running time (median ``median_hours``, log-sd 0.5) times one
    of the ``gb_per_hour`` encodes, rounded to whole bytes. Files are
    independent: encodes of one title do not share popularity here.

    Parameters
    ----------
    n_files, n_days : int
        Catalogue size and horizon.
    model : ViewsParams
        Shape of popularity, releases, noise and file sizes.
    seed : int, optional
    rng : numpy.random.Generator, optional
        Source of randomness (pass one or neither).

    Returns
    -------
    SyntheticViews
        ``daily_views`` is Fortran-ordered so each day is contiguous (the layout
        :func:`simulate_fill` works in, so it skips a copy).
    """
    n_files = check_range("n_files", n_files, 1, 10_000_000, integer=True)
    n_days = check_range("n_days", n_days, 2, 3650, integer=True)
    check_range("zipf_alpha", model.zipf_alpha, 0.0, 3.0)
    check_range("views_per_day", model.views_per_day, 0.0, 1e15, low_open=True)
    check_range("new_fraction", model.new_fraction, 0.0, 1.0)
    check_range("launch_boost", model.launch_boost, 0.0, 1e6)
    check_range("launch_half_life_days", model.launch_half_life_days, 0.0, 3650.0, low_open=True)
    check_range("daily_noise_sigma", model.daily_noise_sigma, 0.0, 5.0)
    check_range("median_hours", model.median_hours, 0.0, 24.0, low_open=True)
    rates = check_array("gb_per_hour", model.gb_per_hour, dtype=np.float64, min_size=1, low=1e-3)
    rng = rng_from(seed, rng)

    base = (rng.permutation(n_files) + 1.0) ** -model.zipf_alpha
    base *= model.views_per_day / base.sum()
    release_day = np.zeros(n_files, dtype=np.int64)
    new = rng.random(n_files) < model.new_fraction
    release_day[new] = rng.integers(1, n_days, size=int(new.sum()))
    hours = rng.lognormal(math.log(model.median_hours), 0.5, n_files)
    sizes = np.maximum(np.round(hours * rng.choice(rates, n_files) * 1e9), 1.0)
    sigma = model.daily_noise_sigma
    views = rng.lognormal(-0.5 * sigma**2, sigma, (n_days, n_files))
    _synthetic_kernel(views, base, release_day, model.launch_boost, model.launch_half_life_days)
    return SyntheticViews(views.T, sizes, release_day)


def predict(daily_views, day, method="ewma", *, release_day=None, half_life_days=PREDICTOR.half_life_days,
            window_days=PREDICTOR.window_days, prerelease_sigma=PREDICTOR.prerelease_sigma,
            seed=None, rng=None):
    """Predicted views of every file on ``day`` from the days before it.

    The EWMA and the window start at a file's release day (days before it are
    not zeros to average in). A file released on ``day`` itself has no history:
    all methods but the oracle use its true views times a lognormal(0,
    ``prerelease_sigma``) error, one draw per file from the Generator.

    Parameters
    ----------
    daily_views : array_like, shape (n_files, n_days)
        True views per file and day; only columns ``< day`` are used, except by
        the oracle and for files released on ``day``.
    day : int
        Day to predict, in ``[0, n_days - 1]``.
    method : {"yesterday", "ewma", "window", "oracle"}
        Yesterday's views; exponentially weighted mean since release; mean of
        the last ``window_days`` days since release; the true views.
    release_day : array_like of int, optional
        First day each file can have views (default: all 0).
    half_life_days : float
        EWMA half-life in days, in (0, 3650].
    window_days : int
        Window length, in [1, 3650].
    prerelease_sigma : float
        Log-scale error of the pre-release estimate, in [0, 5].
    seed, rng
        Randomness of the pre-release errors (one lognormal draw per file).

    Returns
    -------
    numpy.ndarray
        Predicted views, float64 of shape ``(n_files,)``; 0 for unreleased files.
    """
    views, sizes, release_day = _check_catalogue(daily_views, None, release_day)
    day = check_range("day", day, 0, views.shape[0] - 1, integer=True)
    args = _predictor_args(method, half_life_days, window_days, prerelease_sigma, views.shape[1], seed, rng)
    out = np.empty(views.shape[1])
    _predict_kernel(out, views, release_day, day, *args)
    return out


def simulate_fill(daily_views, sizes, release_day, capacity_bytes=STORAGE_OCA.capacity_bytes,
                  fill_budget_bytes=STORAGE_OCA.fill_budget_bytes, method="ewma", *,
                  half_life_days=PREDICTOR.half_life_days, window_days=PREDICTOR.window_days,
                  prerelease_sigma=PREDICTOR.prerelease_sigma, start="oracle", seed=None, rng=None):
    """Replay the nightly proactive fill and score each next day.

    Each night ``t`` the files are ranked by predicted views for day ``t + 1``
    (ties by file index). The *ideal set* is the greedy fill by rank: the files
    ranked before the first that would overflow ``capacity_bytes``, less those
    predicted to draw no views. Ranking by views is ranking by density (bytes
    served per byte stored), so on true views this is the greedy knapsack. The
    fill downloads missing ideal files in rank order and stops at the first one
    that would overrun ``fill_budget_bytes`` (the window closes mid-download).
    Each download first evicts the lowest-ranked cached files until it fits;
    these are always files outside the ideal set, so a file is never evicted
    for one ranked below it. Files are removed only to make room.

    Parameters
    ----------
    daily_views : array_like, shape (n_files, n_days)
        True views per file and day, zero before each file's release day; every
        day from 1 on must have some views. ``n_days >= 2``.
    sizes : array_like, shape (n_files,)
        Whole bytes per file, > 0, totalling under 2**53 (so sums are exact).
    release_day : array_like of int, shape (n_files,)
        First day each file can have views, in ``[0, n_days]``.
    capacity_bytes : float
        Cache size in [0, 2**53) bytes, rounded down to a whole byte
        (default 100 TB, :class:`ApplianceParams`).
    fill_budget_bytes : float
        Bytes that may be downloaded per night, in [0, inf]; rounded down; inf
        is unlimited (default 6.5 TB, :class:`ApplianceParams`).
    method : {"yesterday", "ewma", "window", "oracle"}
        Predictor used for the ranking (see :func:`predict`).
    half_life_days, window_days, prerelease_sigma
        Predictor knobs (see :func:`predict`).
    start : {"oracle", "empty"}
        Day 0's cache: the ideal set for day 0's true views (a warm, steady-state
        appliance; the default) or nothing (a new appliance).
    seed, rng
        Randomness of the pre-release errors; the same seed gives the same frame.

    Returns
    -------
    polars.DataFrame
        One row per served day ``1 .. n_days - 1``: ``day``, ``method``,
        ``efficiency`` (bytes served from cache / all bytes that day),
        ``oracle_efficiency`` (the greedy set of that day's true views: same
        capacity, unlimited budget), ``bytes_filled``, ``files_filled``,
        ``churn`` (bytes filled / capacity) and ``churn_allowed`` (budget /
        capacity).

    Notes
    -----
    With equal sizes the oracle column bounds every method for any budget:
    the greedy set is the best set of that many files. With variable sizes
    greedy by density is not the 0/1 knapsack optimum; what holds is that any
    cache serves at most the oracle's bytes plus those of the largest single
    file that day (greedy is within one file of the fractional optimum). The
    ``oracle`` method with an unlimited budget holds the greedy set every day,
    plus any earlier files that still fit in the room it leaves, so it can
    score a little above the column.

    Ranking, greedy set and fill are radix selects on the scores' bits
    (O(n) a night, no sort); ``tests/naive_prediction.py`` is the literal,
    sorted, one-file-at-a-time reference they are tested against.
    """
    views, sizes, release_day = _check_catalogue(daily_views, sizes, release_day)
    capacity, budget = _check_bytes(capacity_bytes, fill_budget_bytes)
    check_choice("start", start, STARTS)
    args = _predictor_args(method, half_life_days, window_days, prerelease_sigma, views.shape[1], seed, rng)
    cols = _simulate(views, sizes, release_day, capacity, budget, start == "oracle", args, record=False)
    n_rows = views.shape[0] - 1
    return pl.DataFrame({
        "day": np.arange(1, n_rows + 1, dtype=np.int64),
        "method": [method] * n_rows,
        "efficiency": cols[0],
        "oracle_efficiency": cols[1],
        "bytes_filled": cols[2],
        "files_filled": cols[3],
        "churn": cols[2] / capacity if capacity > 0 else np.zeros(n_rows),
        "churn_allowed": np.full(n_rows, min(budget / capacity, 1.0) if capacity > 0 else 0.0),
    })


def fill_summary(days):
    """Headline of one or more :func:`simulate_fill` frames: one row per method.

    Parameters
    ----------
    days : polars.DataFrame
        ``simulate_fill`` output, or several concatenated.

    Returns
    -------
    polars.DataFrame
        ``method``, mean ``efficiency``, mean ``oracle_efficiency``, ``gap``
        (oracle minus method), mean and max ``churn``, and ``churn_allowed``
        (the share of the cache the budget could replace each night).
    """
    needed = ("method", "efficiency", "oracle_efficiency", "churn", "churn_allowed")
    if not isinstance(days, pl.DataFrame) or any(c not in days.columns for c in needed):
        raise ValueError(f"days must be a polars DataFrame from simulate_fill with columns {needed}")
    return (
        days.group_by("method", maintain_order=True)
        .agg(
            pl.col("efficiency").mean(),
            pl.col("oracle_efficiency").mean(),
            pl.col("churn").mean().alias("churn_mean"),
            pl.col("churn").max().alias("churn_max"),
            pl.col("churn_allowed").max(),
        )
        .with_columns(gap=pl.col("oracle_efficiency") - pl.col("efficiency"))
    )


# ---------------------------------------------------------------- wrappers' checks


def _check_catalogue(daily_views, sizes, release_day):
    """Days-major views (a free view for Fortran input), sizes and release days."""
    try:
        raw = np.asarray(daily_views, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"daily_views must be convertible to a float64 array ({exc})") from None
    if raw.ndim != 2 or raw.shape[1] < 1:
        raise ValueError(f"daily_views must be 2-dimensional (n_files, n_days); got shape {raw.shape}")
    n_files, n_days = raw.shape
    views = check_array("daily_views", raw.T, dtype=np.float64, ndim=2, low=0.0, min_size=1)
    if sizes is None:
        sizes = np.ones(n_files)
    else:
        sizes = check_array("sizes", sizes, dtype=np.float64, low=1.0)
        if sizes.shape != (n_files,):
            raise ValueError(f"sizes must have one entry per file ({n_files}); got shape {sizes.shape}")
        if np.any(sizes != np.floor(sizes)) or sizes.sum() >= _MAX_EXACT_BYTES:
            raise ValueError("sizes must be whole bytes totalling under 2**53; round them with np.round")
        if n_days < 2:
            raise ValueError(f"daily_views must cover at least 2 days to simulate a fill; got {n_days}")
        if np.any(views[1:] @ sizes <= 0.0):
            raise ValueError("daily_views must have some views on every day from day 1 on")
    if release_day is None:
        release_day = np.zeros(n_files, dtype=np.int64)
    else:
        release_day = check_array("release_day", release_day, dtype=np.int64, low=0, high=n_days)
        if release_day.shape != (n_files,):
            raise ValueError(f"release_day must have one entry per file ({n_files}); got {release_day.shape}")
    early = _first_early_view(views, release_day)
    if early >= 0:
        raise ValueError(f"daily_views has views for file {early} before its release_day {release_day[early]}")
    return views, sizes, release_day


def _check_bytes(capacity_bytes, fill_budget_bytes):
    capacity = check_range("capacity_bytes", capacity_bytes, 0.0, _MAX_EXACT_BYTES, high_open=True)
    budget = check_range("fill_budget_bytes", fill_budget_bytes, 0.0, math.inf)
    return float(math.floor(capacity)), (math.inf if math.isinf(budget) else float(math.floor(budget)))


def _predictor_args(method, half_life_days, window_days, prerelease_sigma, n_files, seed, rng):
    """(method code, EWMA weight, window, pre-release errors): the kernels' predictor arguments."""
    code = METHODS.index(check_choice("method", method, METHODS))
    half_life = check_range("half_life_days", half_life_days, 0.0, 3650.0, low_open=True)
    window = check_range("window_days", window_days, 1, 3650, integer=True)
    sigma = check_range("prerelease_sigma", prerelease_sigma, 0.0, 5.0)
    errors = rng_from(seed, rng).lognormal(0.0, sigma, n_files)
    return code, 1.0 - 0.5 ** (1.0 / half_life), window, errors


def _simulate(views, sizes, release_day, capacity, budget, start_full, args, *, record):
    """Run the kernel; returns efficiency, oracle efficiency, bytes, files and the cache log."""
    n_rows, n_files = views.shape[0] - 1, views.shape[1]
    out = (np.empty(n_rows), np.empty(n_rows), np.empty(n_rows), np.empty(n_rows, dtype=np.int64))
    log = np.zeros((n_rows, n_files) if record else (0, n_files), dtype=np.bool_)
    _simulate_kernel(views, sizes, release_day, *args, capacity, budget, start_full, *out, log)
    return (*out, log)


# ---------------------------------------------------------------- kernels


@kernel
def _synthetic_kernel(views, base, release_day, boost, half_life):
    """Turn mean-one noise ``views[d, i]`` into views: base x launch boost x noise, 0 before release."""
    n_days, n_files = views.shape
    for d in range(n_days):
        for i in range(n_files):
            age = d - release_day[i]
            if age < 0:
                views[d, i] = 0.0
            else:
                views[d, i] *= base[i] * (1.0 + boost * 0.5 ** (age / half_life))


@kernel
def _first_early_view(views, release_day):
    """Index of the first file with views before its release day, or -1."""
    for i in range(release_day.size):
        for d in range(min(release_day[i], views.shape[0])):
            if views[d, i] != 0.0:
                return i
    return -1


@kernel
def _update_ewma(ewma, views_t, release_day, t, alpha):
    """Fold day ``t`` into each released file's EWMA (started at its release day)."""
    for i in range(ewma.size):
        if release_day[i] == t:
            ewma[i] = views_t[i]
        elif release_day[i] < t:
            ewma[i] = ewma[i] + alpha * (views_t[i] - ewma[i])


@kernel
def _predict_into(out, views, release_day, day, method, ewma, window, errors):
    """Predicted views for ``day`` (``views`` is days-major; ``ewma`` holds days < day)."""
    if method == _WINDOW:  # days outer, files inner: each day's row is read in order
        out[:] = 0.0
        for d in range(max(day - window, 0), day):
            for i in range(out.size):
                if release_day[i] <= d:
                    out[i] += views[d, i]
    for i in range(out.size):
        r = release_day[i]
        if method == _ORACLE:
            out[i] = views[day, i]
        elif r > day:
            out[i] = 0.0
        elif r == day:
            out[i] = views[day, i] * errors[i]
        elif method == _YESTERDAY:
            out[i] = views[day - 1, i]
        elif method == _EWMA:
            out[i] = ewma[i]
        else:
            out[i] /= day - max(day - window, r)


@kernel
def _predict_kernel(out, views, release_day, day, method, alpha, window, errors):
    ewma = np.zeros(out.size)
    if method == _EWMA:
        for t in range(day):
            _update_ewma(ewma, views[t], release_day, t, alpha)
    _predict_into(out, views, release_day, day, method, ewma, window, errors)


@kernel
def _select(member, scores, sizes, capacity, hist, buf, n_left):
    """Set ``member`` for the files ``buf[:n_left]`` (in index order): True for those
    ranked before the first that overflows ``capacity``.

    Ranks are by score, then index. Non-negative float64s order like their bit
    patterns (sign masked, so -0.0 ties +0.0), so this is a radix select over
    a 16-bit digit (sign and exponent, 4 mantissa bits) then four 12-bit ones:
    sum the bytes per digit, scan down to the digit holding the first
    overflowing file, keep the files above it and recurse into it. Files left
    after the last digit have equal scores and go in index order. O(n), no
    sort. ``hist`` (2**16 zeros, left zeroed) and ``buf`` are scratch; returns
    the bytes selected.
    """
    bits = scores.view(np.int64)
    room, taken = capacity, 0.0
    for shift in (48, 36, 24, 12, 0):
        if n_left == 0:
            break
        mask = 0xFFFF if shift == 48 else 0xFFF
        low, high = hist.size, -1
        for k in range(n_left):
            f = buf[k]
            digit = ((bits[f] & 0x7FFFFFFFFFFFFFFF) >> shift) & mask
            hist[digit] += sizes[f]
            low, high = min(low, digit), max(high, digit)
        edge = -1
        for digit in range(high, low - 1, -1):
            if hist[digit] > room:
                edge = digit
                break
            room -= hist[digit]
            taken += hist[digit]
        hist[low:high + 1] = 0.0
        n_edge = 0
        for k in range(n_left):  # branch-free: digits near the edge are a coin toss
            f = buf[k]
            digit = ((bits[f] & 0x7FFFFFFFFFFFFFFF) >> shift) & mask
            member[f] = digit > edge
            buf[n_edge] = f
            n_edge += digit == edge
        n_left = n_edge
    for k in range(n_left):
        f = buf[k]
        if sizes[f] > room:
            break
        room -= sizes[f]
        taken += sizes[f]
        member[f] = True
    return taken


@kernel
def _greedy_set(member, scores, sizes, capacity, hist, buf):
    """The ideal set: files ranked before the first that overflows ``capacity``, less zero scores."""
    n_left = 0
    for i in range(scores.size):
        member[i] = False
        buf[n_left] = i
        n_left += scores[i] > 0.0
    return _select(member, scores, sizes, capacity, hist, buf, n_left)


@kernel
def _fill_night(cached, ideal, scores, sizes, capacity, budget, used, hist, buf, buf2, flag):
    """One night's fill; returns (bytes cached, bytes filled, files filled).

    Downloading missing ideal files in rank order until one overruns the budget
    takes exactly the greedy prefix of those files under ``budget``. Each
    download evicts the lowest-ranked cached non-ideal files until it fits, so
    the night evicts the fewest lowest-ranked of them that free ``need`` bytes:
    it keeps their greedy prefix under (their bytes - need).
    """
    n_add, n_out, stale = 0, 0, 0.0
    for i in range(cached.size):
        add = ideal[i] and not cached[i]
        out = cached[i] and not ideal[i]
        buf[n_add] = i
        n_add += add
        buf2[n_out] = i
        n_out += out
        stale += sizes[i] * out
    if n_add == 0:
        return used, 0.0, 0
    flag[:] = False
    filled = _select(flag, scores, sizes, budget, hist, buf, n_add)
    files = 0
    for i in range(cached.size):
        if flag[i]:
            cached[i] = True
            files += 1
    need = used + filled - capacity
    if need > 0.0:
        flag[:] = True
        _select(flag, scores, sizes, stale - need, hist, buf2, n_out)
        for i in range(cached.size):
            if not flag[i]:
                cached[i] = False
                used -= sizes[i]
    return used + filled, filled, files


@kernel
def _simulate_kernel(views, sizes, release_day, method, alpha, window, errors, capacity, budget,
                     start_full, efficiency, oracle_efficiency, bytes_filled, files_filled, log):
    n_days, n = views.shape
    cached = np.zeros(n, dtype=np.bool_)
    ideal = np.zeros(n, dtype=np.bool_)
    best = np.zeros(n, dtype=np.bool_)
    flag = np.zeros(n, dtype=np.bool_)
    hist = np.zeros(1 << 16)
    buf = np.empty(n, dtype=np.int64)
    buf2 = np.empty(n, dtype=np.int64)
    scores = np.empty(n)
    ewma = np.zeros(n)
    used = 0.0
    if start_full:
        used = _greedy_set(cached, views[0], sizes, capacity, hist, buf)
    for t in range(n_days - 1):
        day = t + 1
        if method == _EWMA:
            _update_ewma(ewma, views[t], release_day, t, alpha)
        _predict_into(scores, views, release_day, day, method, ewma, window, errors)
        _greedy_set(ideal, scores, sizes, capacity, hist, buf)
        used, bytes_filled[t], files_filled[t] = _fill_night(
            cached, ideal, scores, sizes, capacity, budget, used, hist, buf, buf2, flag)
        if method == _ORACLE:
            best[:] = ideal
        else:
            _greedy_set(best, views[day], sizes, capacity, hist, buf)
        total, served, optimum = 0.0, 0.0, 0.0
        for i in range(n):
            b = views[day, i] * sizes[i]
            total += b
            if cached[i]:
                served += b
            if best[i]:
                optimum += b
        efficiency[t] = served / total
        oracle_efficiency[t] = optimum / total
        if log.shape[0] > 0:
            log[t] = cached
