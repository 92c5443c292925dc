"""Tests for labcdn.prediction.predictors: naive references, fill invariants, reproducibility, errors."""

from __future__ import annotations

import math

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from naive_prediction import greedy_naive, predict_naive, simulate_naive

from labcdn.prediction import predictors as P

INF = math.inf


def ewma_weight(half_life):
    return 1.0 - 0.5 ** (1.0 / half_life)


def errors_for(seed, sigma, n_files):
    """The pre-release errors the wrappers draw: one lognormal(0, sigma) per file."""
    return np.random.default_rng(seed).lognormal(0.0, sigma, n_files)


def run_fast(case, method, start="oracle", half_life=3.0, window=7, sigma=0.5, seed=0):
    """simulate_fill's arrays plus the per-day cache contents (the kernel's log)."""
    views, sizes, release, capacity, budget = case
    v, s, r = P._check_catalogue(views, sizes, release)
    cap, bud = P._check_bytes(capacity, budget)
    args = P._predictor_args(method, half_life, window, sigma, len(s), seed, None)
    return P._simulate(v, s, r, cap, bud, start == "oracle", args, record=True)


def run_naive(case, method, start="oracle", half_life=3.0, window=7, sigma=0.5, seed=0):
    views, sizes, release, capacity, budget = case
    errors = errors_for(seed, sigma, len(sizes))
    return simulate_naive(views, sizes, release, capacity, budget, method, ewma_weight(half_life),
                          window, errors, start)


@st.composite
def catalogues(draw, equal_sizes=False, whole_views=False):
    """Small (views, sizes, release_day, capacity, budget); file 0 has views every day."""
    n_files = draw(st.integers(1, 9))
    n_days = draw(st.integers(2, 6))
    value = (st.integers(0, 12).map(float) if whole_views
             else st.one_of(st.integers(0, 6).map(float), st.floats(0.0, 100.0)))
    release = [0] + [draw(st.integers(0, n_days)) for _ in range(n_files - 1)]
    views = np.zeros((n_files, n_days))
    for i in range(n_files):
        for d in range(release[i], n_days):
            views[i, d] = draw(value)
    views[0] += 1.0
    if equal_sizes:
        sizes = np.full(n_files, float(draw(st.integers(1, 5))))
    else:
        sizes = np.array([float(draw(st.integers(1, 20))) for _ in range(n_files)])
    capacity = float(draw(st.integers(0, int(sizes.sum()) + 3)))
    budget = draw(st.one_of(st.just(INF), st.integers(0, int(sizes.sum()) + 3).map(float)))
    return views, sizes, np.array(release), capacity, budget


def cache_bytes(log, sizes):
    return [int(sizes[row].sum()) for row in log]


# ---------------------------------------------------------------- predictors


def test_predict_by_hand():
    views = [[2.0, 4.0, 8.0, 16.0], [0.0, 0.0, 5.0, 6.0], [0.0, 0.0, 0.0, 9.0]]
    release = [0, 2, 3]
    day = 3
    assert P.predict(views, day, "yesterday", release_day=release, prerelease_sigma=0.0).tolist() == [8.0, 5.0, 9.0]
    assert P.predict(views, day, "window", release_day=release, window_days=2, prerelease_sigma=0.0).tolist() == [
        6.0, 5.0, 9.0]
    # half-life 1 day: weight 1/2 on the newest day; file 0: 2 -> 3 -> 5.5
    assert P.predict(views, day, "ewma", release_day=release, half_life_days=1.0, prerelease_sigma=0.0).tolist() == [
        5.5, 5.0, 9.0]
    assert P.predict(views, day, "oracle", release_day=release).tolist() == [16.0, 6.0, 9.0]


def test_prerelease_estimate_is_truth_times_lognormal():
    views = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 7.0]])
    got = P.predict(views, 2, "ewma", release_day=[0, 2], prerelease_sigma=0.8, seed=5)
    assert got[1] == 7.0 * errors_for(5, 0.8, 2)[1]
    assert P.predict(views, 2, "oracle", release_day=[0, 2], prerelease_sigma=0.8, seed=5)[1] == 7.0
    assert P.predict(views, 1, "window", release_day=[0, 2], seed=5)[1] == 0.0  # not released yet


@settings(max_examples=60, deadline=None)
@given(case=catalogues(), method=st.sampled_from(P.METHODS), half_life=st.floats(0.2, 20.0),
       window=st.integers(1, 8), sigma=st.floats(0.0, 2.0), seed=st.integers(0, 2**32))
def test_predict_matches_naive(case, method, half_life, window, sigma, seed):
    views, _, release, _, _ = case
    errors = errors_for(seed, sigma, len(release))
    for day in range(views.shape[1]):
        fast = P.predict(views, day, method, release_day=release, half_life_days=half_life,
                         window_days=window, prerelease_sigma=sigma, seed=seed)
        slow = predict_naive(views.tolist(), release, day, method, ewma_weight(half_life), window, errors)
        assert fast.tolist() == slow


def test_predict_accepts_rng_and_same_seed_same_bytes():
    data = P.synthetic_daily_views(300, 8, seed=3)
    a = P.predict(data.daily_views, 5, "window", release_day=data.release_day, seed=11)
    b = P.predict(data.daily_views, 5, "window", release_day=data.release_day, rng=np.random.default_rng(11))
    assert a.tobytes() == b.tobytes()


# ---------------------------------------------------------------- fill vs the naive reference


def test_fill_by_hand():
    # sizes 4, 3, 2, 1; capacity 6; views make the ranking 3 > 2 > 1 > 0 from day 1 on
    views = np.array([[9.0, 1.0, 1.0], [1.0, 2.0, 2.0], [1.0, 3.0, 3.0], [1.0, 4.0, 4.0]])
    sizes = np.array([4.0, 3.0, 2.0, 1.0])
    frame = P.simulate_fill(views, sizes, [0, 0, 0, 0], 6.0, 2.0, "oracle", start="oracle")
    # day 0's oracle set: file 0 (4 bytes); file 1 would overflow (4 + 3 > 6), so {0}.
    # night 0: ideal {3, 2, 1} (1 + 2 + 3 = 6); the budget takes file 3 (1 byte), then file 2
    # (2 bytes) would overrun it: stop. Cache {0, 3}: 5 bytes, no eviction needed.
    assert frame["bytes_filled"].to_list() == [1.0, 2.0]
    assert frame["files_filled"].to_list() == [1, 1]
    # night 1: add file 2 (2 bytes): 5 + 2 > 6, evict the lowest ranked cached file, 0. Cache {3, 2}.
    *_, log = run_fast((views, sizes, np.zeros(4, int), 6.0, 2.0), "oracle")
    assert [set(np.flatnonzero(row)) for row in log] == [{0, 3}, {2, 3}]
    day2 = (3 * 2 + 4 * 1) / (1 * 4 + 2 * 3 + 3 * 2 + 4 * 1)
    assert frame["efficiency"][1] == day2
    assert frame["oracle_efficiency"].to_list() == [(4 + 6 + 6) / 20, (4 + 6 + 6) / 20]


@settings(max_examples=150, deadline=None)
@given(case=catalogues(), method=st.sampled_from(P.METHODS), start=st.sampled_from(P.STARTS),
       half_life=st.floats(0.2, 20.0), window=st.integers(1, 8), sigma=st.floats(0.0, 2.0),
       seed=st.integers(0, 2**32))
def test_fill_matches_naive(case, method, start, half_life, window, sigma, seed):
    eff, oracle, filled, files, log = run_fast(case, method, start, half_life, window, sigma, seed)
    slow = run_naive(case, method, start, half_life, window, sigma, seed)
    assert [set(np.flatnonzero(row)) for row in log] == [row[4] for row in slow]
    assert eff.tolist() == [row[0] for row in slow]
    assert oracle.tolist() == [row[1] for row in slow]
    assert filled.tolist() == [row[2] for row in slow]
    assert files.tolist() == [row[3] for row in slow]


@pytest.mark.parametrize("method", P.METHODS)
def test_fill_matches_naive_on_synthetic_views(method):
    data = P.synthetic_daily_views(150, 9, seed=21)
    capacity = float(data.sizes.sum() // 3)
    case = (data.daily_views, data.sizes, data.release_day, capacity, capacity / 8)
    eff, oracle, filled, files, log = run_fast(case, method, "empty", seed=4)
    slow = run_naive(case, method, "empty", seed=4)
    assert [set(np.flatnonzero(row)) for row in log] == [row[4] for row in slow]
    assert eff.tolist() == [row[0] for row in slow]
    assert oracle.tolist() == [row[1] for row in slow]
    assert filled.tolist() == [row[2] for row in slow]


def test_negative_zero_ties_with_zero():
    # day 0 caches files 0 and 1; on day 1 they score 0.0 and -0.0 (a tie: file 1 ranks lower),
    # so file 2 evicts file 1. Read as raw bits, -0.0 would rank first and evict file 0.
    views = np.array([[1.0, 0.0], [1.0, -0.0], [0.0, 5.0]])
    case = (views, np.ones(3), np.zeros(3, int), 2.0, INF)
    *_, log = run_fast(case, "oracle")
    assert [set(np.flatnonzero(row)) for row in log] == [row[4] for row in run_naive(case, "oracle")]
    assert set(np.flatnonzero(log[0])) == {0, 2}


def test_public_frame_matches_kernel_arrays():
    data = P.synthetic_daily_views(400, 6, seed=8)
    cap = float(data.sizes.sum() // 4)
    frame = P.simulate_fill(*data, cap, cap / 10, "window", seed=2)
    eff, oracle, filled, files, _ = run_fast((*data, cap, cap / 10), "window", seed=2)
    assert frame.columns == ["day", "method", "efficiency", "oracle_efficiency", "bytes_filled",
                             "files_filled", "churn", "churn_allowed"]
    assert frame["day"].to_list() == [1, 2, 3, 4, 5]
    assert frame["efficiency"].to_list() == eff.tolist()
    assert frame["oracle_efficiency"].to_list() == oracle.tolist()
    assert frame["files_filled"].to_list() == files.tolist()
    assert frame["churn"].to_list() == (filled / cap).tolist()
    assert frame["churn_allowed"].to_list() == [math.floor(cap / 10) / cap] * 5  # budget in whole bytes


# ---------------------------------------------------------------- properties


@settings(max_examples=80, deadline=None)
@given(case=catalogues(equal_sizes=True, whole_views=True), method=st.sampled_from(P.METHODS),
       start=st.sampled_from(P.STARTS), seed=st.integers(0, 1000))
def test_equal_sizes_oracle_bounds_every_predictor(case, method, start, seed):
    """Equal sizes: the greedy set is the best set of that many files, for any budget.

    Whole views keep every sum exact, so the inequality is exact.
    """
    views, sizes, release, capacity, _ = case
    for budget in (INF, case[4]):
        eff, oracle, *_ = run_fast((views, sizes, release, capacity, budget), method, start, seed=seed)
        assert np.all(eff <= oracle)


@settings(max_examples=80, deadline=None)
@given(case=catalogues(whole_views=True), method=st.sampled_from(P.METHODS), start=st.sampled_from(P.STARTS),
       seed=st.integers(0, 1000))
def test_variable_sizes_oracle_bound(case, method, start, seed):
    """Variable sizes: greedy by density is within one file of the fractional optimum, so
    bytes served by any cache <= the oracle's + the bytes of the largest single file that day."""
    views, sizes, release, capacity, budget = case
    *_, log = run_fast(case, method, start, seed=seed)
    for day, row in enumerate(log, start=1):
        day_bytes = views[:, day] * sizes
        served = day_bytes[row].sum()
        best = day_bytes[list(greedy_naive(views[:, day].tolist(), sizes.tolist(), capacity))].sum()
        assert served <= best + day_bytes.max()


@settings(max_examples=100, deadline=None)
@given(case=catalogues(), method=st.sampled_from(P.METHODS), start=st.sampled_from(P.STARTS),
       seed=st.integers(0, 1000))
def test_budget_capacity_and_range(case, method, start, seed):
    views, sizes, release, capacity, budget = case
    eff, oracle, filled, files, log = run_fast(case, method, start, seed=seed)
    assert np.all(filled <= budget)
    assert all(b <= capacity for b in cache_bytes(log, sizes))
    assert np.all((eff >= 0) & (eff <= 1)) and np.all((oracle >= 0) & (oracle <= 1))
    if start == "empty":
        assert np.sum(log[0]) == files[0]
    previous = log[0]
    for row, n_new in zip(log[1:], files[1:], strict=True):
        assert np.sum(row & ~previous) == n_new
        previous = row


@settings(max_examples=60, deadline=None)
@given(case=catalogues(), method=st.sampled_from(P.METHODS), seed=st.integers(0, 1000))
def test_zero_budget_keeps_the_cache(case, method, seed):
    views, sizes, release, capacity, _ = case
    _, _, filled, files, log = run_fast((views, sizes, release, capacity, 0.0), method, "oracle", seed=seed)
    day0 = greedy_naive(views[:, 0].tolist(), sizes.tolist(), capacity)
    assert all(set(np.flatnonzero(row)) == day0 for row in log)
    assert not filled.any() and not files.any()
    *_, empty_log = run_fast((views, sizes, release, capacity, 0.0), method, "empty", seed=seed)
    assert not empty_log.any()


@settings(max_examples=60, deadline=None)
@given(case=catalogues(), start=st.sampled_from(P.STARTS))
def test_oracle_with_unlimited_budget_holds_the_greedy_optimum(case, start):
    """The cache holds the greedy-by-density set every day (files are removed only to make
    room, so a leftover may stay in space the greedy set leaves free); from an empty start
    day 1 is exactly that set, and with equal sizes the efficiencies are equal."""
    views, sizes, release, capacity, _ = case
    eff, oracle, _, _, log = run_fast((views, sizes, release, capacity, INF), "oracle", start)
    for day, row in enumerate(log, start=1):
        best = greedy_naive(views[:, day].tolist(), sizes.tolist(), capacity)
        assert best <= set(np.flatnonzero(row))
    if start == "empty":
        assert set(np.flatnonzero(log[0])) == greedy_naive(views[:, 1].tolist(), sizes.tolist(), capacity)
        assert eff[0] == oracle[0]
    assert np.all(eff >= oracle)


@settings(max_examples=40, deadline=None)
@given(case=catalogues(equal_sizes=True, whole_views=True))
def test_oracle_with_unlimited_budget_equals_oracle_for_equal_sizes(case):
    views, sizes, release, capacity, _ = case
    eff, oracle, *_ = run_fast((views, sizes, release, capacity, INF), "oracle")
    assert eff.tolist() == oracle.tolist()


def test_same_seed_same_bytes():
    data = P.synthetic_daily_views(2_000, 10, seed=1)
    again = P.synthetic_daily_views(2_000, 10, rng=np.random.default_rng(1))
    for a, b in zip(data, again, strict=True):
        assert a.tobytes() == b.tobytes()
    cap = float(data.sizes.sum() // 5)
    one = P.simulate_fill(*data, cap, cap / 20, "ewma", prerelease_sigma=1.0, seed=9)
    two = P.simulate_fill(*data, cap, cap / 20, "ewma", prerelease_sigma=1.0, rng=np.random.default_rng(9))
    assert one.equals(two)
    other = P.simulate_fill(*data, cap, cap / 20, "ewma", prerelease_sigma=1.0, seed=10)
    assert not one.equals(other)  # new releases are ranked by a different estimate


# ---------------------------------------------------------------- synthetic views and the summary


def test_synthetic_views_shape_and_release():
    data = P.synthetic_daily_views(5_000, 12, seed=2)
    views, sizes, release = data
    assert views.shape == (5_000, 12) and views.flags.f_contiguous
    assert np.all(sizes == np.round(sizes)) and sizes.min() >= 1
    assert release.min() == 0 and release.max() <= 11 and 0 < np.mean(release > 0) < 0.1
    days = np.arange(12)
    assert np.all(views[days[None, :] < release[:, None]] == 0)
    assert np.all(views[days[None, :] >= release[:, None]] > 0)
    new = release == 5
    assert views[new, 5].sum() > views[new, 11].sum()  # launch boost decays


def test_fill_summary_headline():
    data = P.synthetic_daily_views(3_000, 8, seed=4)
    cap = float(data.sizes.sum() // 4)
    days = pl.concat([P.simulate_fill(*data, cap, cap / 16, m, seed=1) for m in P.METHODS])
    summary = P.fill_summary(days)
    assert summary["method"].to_list() == list(P.METHODS)
    ewma = summary.filter(pl.col("method") == "ewma").row(0, named=True)
    frame = days.filter(pl.col("method") == "ewma")
    allowed = math.floor(cap / 16) / cap  # the budget in whole bytes
    assert ewma["efficiency"] == pytest.approx(frame["efficiency"].mean(), rel=1e-12)
    assert ewma["gap"] == ewma["oracle_efficiency"] - ewma["efficiency"]
    assert ewma["churn_allowed"] == allowed
    assert ewma["churn_max"] <= allowed
    assert summary["oracle_efficiency"].n_unique() == 1  # the oracle column does not depend on the method
    assert ewma["oracle_efficiency"] == pytest.approx(frame["oracle_efficiency"].mean(), rel=1e-12)


# ---------------------------------------------------------------- errors

VIEWS = np.array([[1.0, 2.0, 3.0], [0.0, 1.0, 1.0]])
SIZES = np.array([2.0, 3.0])
RELEASE = np.array([0, 1])


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"method": "lru"}, "method='lru' is not one of"),
    ({"start": "warm"}, "start='warm' is not one of"),
    ({"capacity_bytes": -1.0}, r"capacity_bytes=-1.0 is out of range; expected \[0.0, 9007199254740992.0\)"),
    ({"capacity_bytes": INF}, "capacity_bytes=inf is out of range"),
    ({"fill_budget_bytes": math.nan}, "fill_budget_bytes=nan is not allowed"),
    ({"fill_budget_bytes": -5}, "fill_budget_bytes=-5 is out of range"),
    ({"half_life_days": 0.0}, r"half_life_days=0.0 is out of range; expected \(0.0, 3650.0\]"),
    ({"window_days": 0}, r"window_days=0 is out of range; expected \[1, 3650\]"),
    ({"window_days": 2.5}, "window_days=2.5 must be a whole number"),
    ({"prerelease_sigma": -0.1}, "prerelease_sigma=-0.1 is out of range"),
    ({"seed": -1}, "seed=-1 must be a non-negative integer"),
    ({"seed": 1, "rng": np.random.default_rng(1)}, "pass either seed or rng"),
    ({"sizes": [2.0, 3.5]}, "sizes must be whole bytes"),
    ({"sizes": [2.0, 0.0]}, "sizes must be >= 1.0"),
    ({"sizes": [2.0, 3.0, 4.0]}, "sizes must have one entry per file"),
    ({"release_day": [0, 4]}, "release_day must be <= 3"),
    ({"release_day": [0, 2]}, "views for file 1 before its release_day 2"),
    ({"release_day": [0]}, "release_day must have one entry per file"),
    ({"daily_views": -VIEWS}, "daily_views must be >= 0.0"),
    ({"daily_views": [1.0, 2.0]}, "daily_views must be 2-dimensional"),
    ({"daily_views": VIEWS[:, :1]}, "at least 2 days"),
    ({"daily_views": np.array([[1.0, 0.0, 1.0], [0.0, 0.0, 1.0]])}, "some views on every day from day 1 on"),
    ({"daily_views": np.array([[1.0, np.inf, 1.0], [0.0, 0.0, 1.0]])}, "daily_views must be finite"),
])
def test_simulate_fill_errors(kwargs, match):
    args = {"daily_views": VIEWS, "sizes": SIZES, "release_day": RELEASE, "capacity_bytes": 3.0,
            "fill_budget_bytes": 2.0, "method": "ewma", **kwargs}
    with pytest.raises(ValueError, match=match):
        P.simulate_fill(**args)


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"day": 3}, r"day=3 is out of range; expected \[0, 2\]"),
    ({"method": "mean"}, "method='mean' is not one of"),
    ({"daily_views": "many"}, "daily_views must be convertible to a float64 array"),
])
def test_predict_errors(kwargs, match):
    args = {"daily_views": VIEWS, "day": 1, "method": "ewma", "release_day": RELEASE, **kwargs}
    with pytest.raises(ValueError, match=match):
        P.predict(**args)


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"n_files": 0}, r"n_files=0 is out of range"),
    ({"n_days": 1}, r"n_days=1 is out of range; expected \[2, 3650\]"),
    ({"model": P.ViewsParams(zipf_alpha=-1.0)}, "zipf_alpha=-1.0 is out of range"),
    ({"model": P.ViewsParams(gb_per_hour=())}, "gb_per_hour must have at least 1 elements"),
])
def test_synthetic_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        P.synthetic_daily_views(**{"n_files": 10, "n_days": 5, **kwargs})


def test_fill_summary_errors():
    with pytest.raises(ValueError, match="columns"):
        P.fill_summary(pl.DataFrame({"method": ["ewma"]}))
