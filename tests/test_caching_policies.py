"""Tests for labcdn.caching.simulate: libcachesim as oracle, naive references, invariants, errors."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from naive_caching import NAIVE, next_use_naive

from labcdn.caching import POLICIES, CacheResult, next_use, simulate
from labcdn.datasets import load_umass_youtube, request_trace

lcs = pytest.importorskip("libcachesim")

INT64_MAX = np.iinfo(np.int64).max
LCS_CACHES = {"lru": lcs.LRU, "fifo": lcs.FIFO, "lfu": lcs.LFU, "belady": lcs.Belady}


# ---------------------------------------------------------------- traces


def zipf_ids(rng, n_req, n_obj, alpha):
    """Object ranks 0..n_obj-1 drawn with probability proportional to 1/(rank+1)**alpha."""
    weights = 1.0 / np.arange(1, n_obj + 1) ** alpha
    return rng.choice(n_obj, size=n_req, p=weights / weights.sum())


def zipf_variable_trace():
    rng = np.random.default_rng(20240601)
    ranks = zipf_ids(rng, 20_000, 3_000, 0.9)
    obj_size = rng.integers(1, 4_000, size=3_000)
    return ranks * 7_919 + 11, obj_size[ranks]  # sparse ids, table remap path


def unit_size_trace():
    rng = np.random.default_rng(7)
    ranks = zipf_ids(rng, 20_000, 2_000, 0.8)
    return ranks.astype(np.int64) << 40, np.ones(ranks.size, dtype=np.int64)  # huge ids: np.unique path


def oversize_trace():
    """Variable sizes where about 5% of objects exceed every capacity tested (100 kB)."""
    rng = np.random.default_rng(99)
    ranks = zipf_ids(rng, 15_000, 1_500, 1.0)
    obj_size = rng.integers(100, 20_000, size=1_500)
    big = rng.random(1_500) < 0.05
    obj_size[big] = rng.integers(100_001, 300_000, size=int(big.sum()))
    return ranks, obj_size[ranks]


def youtube_trace():
    frame = load_umass_youtube("061807.24").frame
    ids, _ = request_trace(frame)
    # Deterministic sizes by object: YouTube 2007 videos, ~10 MB median (log-normal, seeded).
    obj_size = np.random.default_rng(2007).lognormal(np.log(10e6), 0.8, size=int(ids.max()) + 1).astype(np.int64) + 1
    return ids, obj_size[ids]


def footprint_fractions(*fractions):
    """Capacities that are given fractions of the trace's footprint (distinct objects' bytes)."""

    def capacities(ids, sizes):
        _, first = np.unique(ids, return_index=True)
        return [max(1, int(f * sizes[first].sum())) for f in fractions]

    return capacities


TRACES = {
    "zipf-variable": (zipf_variable_trace, footprint_fractions(0.002, 0.02, 0.2)),
    "unit-size": (unit_size_trace, footprint_fractions(0.005, 0.05, 0.3)),
    # every capacity is below the largest objects (100 kB to 300 kB), so some are never admitted
    "oversize": (oversize_trace, lambda ids, sizes: [20_000, 100_000, 250_000]),
    "youtube-061807": (youtube_trace, footprint_fractions(0.001, 0.01, 0.1)),
}


# ---------------------------------------------------------------- oracle


def libcachesim_flags(policy, ids, sizes, capacity):
    """Per-request hit flags from libcachesim's C core, one ``get`` per request."""
    nxt = next_use_naive_fast(ids)
    reqs = [
        lcs.Request(
            obj_size=int(s),
            obj_id=int(o),
            op=lcs.ReqOp.OP_READ,
            next_access_vtime=INT64_MAX if j == ids.size else int(j),  # libCacheSim: never = INT64_MAX
        )
        for o, s, j in zip(ids, sizes, nxt, strict=True)
    ]
    get = LCS_CACHES[policy](capacity).get
    return np.fromiter((get(r) for r in reqs), dtype=np.bool_, count=len(reqs))


def next_use_naive_fast(ids):
    """Same as ``next_use_naive`` with a dict (the naive one is quadratic)."""
    out = np.empty(len(ids), dtype=np.int64)
    seen = {}
    for i in range(len(ids) - 1, -1, -1):
        out[i] = seen.get(int(ids[i]), len(ids))
        seen[int(ids[i])] = i
    return out


@pytest.fixture(
    scope="module",
    params=list(TRACES),
)
def trace(request):
    make, capacities = TRACES[request.param]
    ids, sizes = make()
    return request.param, ids, sizes, capacities(ids, sizes)


@pytest.mark.parametrize("policy", POLICIES)
def test_equals_libcachesim_request_for_request(trace, policy):
    name, ids, sizes, capacities = trace
    for capacity in capacities:
        expected = libcachesim_flags(policy, ids, sizes, capacity)
        got = simulate(policy, ids, sizes, capacity).hit
        diff = np.flatnonzero(got != expected)
        assert diff.size == 0, (
            f"{policy} on {name} at {capacity} B: {diff.size} requests differ, first at {diff[:5]}"
        )


def test_oversize_trace_has_objects_larger_than_cache():
    ids, sizes = oversize_trace()
    for capacity in TRACES["oversize"][1](ids, sizes):
        too_big = sizes > capacity
        assert too_big.any()
        for policy in POLICIES:
            assert not simulate(policy, ids, sizes, capacity).hit[too_big].any()


@pytest.mark.parametrize("policy", POLICIES)
def test_admission_edges_match_libcachesim(policy):
    # exact fit is admitted; an object bigger than the cache neither enters nor evicts
    ids = np.array([1, 2, 1, 2, 3, 1, 2, 4, 4, 1])
    sizes = np.array([5, 5, 5, 5, 11, 5, 5, 10, 10, 5])
    result = simulate(policy, ids, sizes, 10)
    np.testing.assert_array_equal(result.hit, libcachesim_flags(policy, ids, sizes, 10))
    assert result.hit[2] and result.hit[3] and not result.hit[4] and result.hit[5] and result.hit[6]


def test_lfu_tie_goes_to_least_recently_requested():
    # 1 and 2 both reach frequency 2; 2 got there first, so 3 evicts 2
    ids = np.array([1, 2, 2, 1, 3, 1, 2])
    hit = simulate("lfu", ids, np.ones(7, dtype=np.int64), 2).hit
    assert hit.tolist() == [False, False, True, True, False, True, False]
    np.testing.assert_array_equal(hit, libcachesim_flags("lfu", ids, np.ones(7, dtype=np.int64), 2))


# ---------------------------------------------------------------- fast vs naive


def random_trace(rng, n_req, n_obj, max_size):
    ids = rng.integers(0, n_obj, size=n_req) * 3 + 5
    obj_size = rng.integers(1, max_size + 1, size=n_obj)
    return ids, obj_size[(ids - 5) // 3]


@pytest.mark.parametrize("policy", POLICIES)
def test_matches_naive_on_fixed_trace(policy):
    ids = np.array([0, 1, 2, 0, 3, 0, 4, 1, 2, 3, 4, 0, 5, 1, 5, 0])
    sizes = np.array([2, 3, 1, 2, 4, 2, 2, 3, 1, 4, 2, 2, 6, 3, 6, 2])
    for capacity in (1, 4, 6, 9, 30):
        expected = NAIVE[policy](ids, sizes, capacity)
        assert simulate(policy, ids, sizes, capacity).hit.tolist() == expected


@pytest.mark.parametrize("policy", POLICIES)
def test_matches_naive_on_random_traces(policy):
    rng = np.random.default_rng(12345)
    for _ in range(40):
        ids, sizes = random_trace(rng, int(rng.integers(1, 400)), int(rng.integers(1, 60)), 50)
        capacity = int(rng.integers(1, 500))
        expected = NAIVE[policy](ids, sizes, capacity)
        assert simulate(policy, ids, sizes, capacity).hit.tolist() == expected


def test_next_use_matches_naive():
    rng = np.random.default_rng(3)
    for n in (0, 1, 2, 50, 300):
        ids = rng.integers(0, 20, size=n) * 1_000_003
        np.testing.assert_array_equal(next_use(ids), next_use_naive(ids))
    assert next_use([5, 7, 5, 5, 7]).tolist() == [2, 4, 3, 5, 5]


# ---------------------------------------------------------------- properties

traces = st.integers(1, 12).flatmap(
    lambda n_obj: st.lists(st.integers(0, n_obj - 1), min_size=1, max_size=120)
)


@settings(max_examples=60, deadline=None)
@given(ids=traces, slots=st.integers(1, 10), unit=st.integers(1, 1000))
def test_belady_hits_at_least_every_other_policy(ids, slots, unit):
    # Uniform sizes only: with variable sizes, evicting the farthest-used object can be the
    # wrong choice (a large far object may free room for several nearer small ones), so
    # Belady's rule is no longer optimal in hits (optimal caching with sizes is NP-hard).
    ids = np.array(ids)
    sizes = np.full(ids.size, unit)
    best = simulate("belady", ids, sizes, slots * unit).hits
    for policy in ("lru", "fifo", "lfu"):
        assert best >= simulate(policy, ids, sizes, slots * unit).hits


@settings(max_examples=60, deadline=None)
@given(ids=traces, slots=st.integers(1, 10))
def test_lru_stack_property(ids, slots):
    # With uniform sizes a smaller LRU cache always holds a subset of a larger one's contents.
    ids = np.array(ids)
    sizes = np.ones(ids.size, dtype=np.int64)
    small = simulate("lru", ids, sizes, slots)
    large = simulate("lru", ids, sizes, slots + 1)
    assert large.hits >= small.hits
    assert not (small.hit & ~large.hit).any()


@settings(max_examples=60, deadline=None)
@given(
    policy=st.sampled_from(POLICIES),
    ids=traces,
    obj_sizes=st.lists(st.integers(1, 100), min_size=12, max_size=12),
    capacity=st.integers(1, 400),
)
def test_counts_add_up(policy, ids, obj_sizes, capacity):
    ids = np.array(ids)
    sizes = np.array(obj_sizes)[ids]
    r = simulate(policy, ids, sizes, capacity)
    assert r.hits + r.misses == r.requests == ids.size
    assert r.byte_hits + r.miss_bytes == r.bytes_requested == sizes.sum()
    assert r.hits == r.hit.sum() and r.byte_hits == sizes[r.hit].sum()
    assert 0.0 <= r.hit_ratio <= 1.0 and 0.0 <= r.byte_hit_ratio <= 1.0
    assert not r.hit[np.unique(ids, return_index=True)[1]].any()  # a first request always misses


def test_result_is_frozen_and_empty_trace_is_fine():
    r = simulate("lru", [], [], 10)
    assert isinstance(r, CacheResult)
    assert (r.requests, r.hits, r.bytes_requested) == (0, 0, 0)
    assert np.isnan(r.hit_ratio) and np.isnan(r.byte_hit_ratio)
    with pytest.raises(AttributeError):
        r.hits = 3  # type: ignore[misc]
    with pytest.raises(ValueError, match="read-only"):
        simulate("fifo", [1, 1], [2, 2], 4).hit[0] = False


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"policy": "arc"}, "policy='arc' is not one of"),
        ({"capacity_bytes": -5}, r"capacity_bytes=-5 is out of range"),
        ({"capacity_bytes": 0}, r"capacity_bytes=0 is out of range"),
        ({"capacity_bytes": 2.5}, r"capacity_bytes=2.5 must be a whole number"),
        ({"sizes": [1, 1]}, "sizes has 2 elements but obj_ids has 3"),
        ({"sizes": [1, 0, 1]}, "sizes must be >= 1"),
        ({"sizes": [1.5, 1, 1]}, "sizes must hold whole numbers"),
        ({"sizes": [1, 2**41, 1]}, r"sizes must be <= 1099511627776"),
        ({"capacity_bytes": 2**63}, r"capacity_bytes=9223372036854775808 is out of range"),
        ({"obj_ids": [1, -2, 3]}, "obj_ids must be >= 0"),
        ({"obj_ids": [[1, 2, 3]]}, "obj_ids must be 1-dimensional"),
        ({"obj_ids": [4, 5, 4], "sizes": [10, 10, 11]}, r"sizes\[2\]=11 differs from sizes\[0\]=10"),
    ],
)
def test_bad_arguments_raise(kwargs, match):
    args = {"policy": "lru", "obj_ids": [1, 2, 3], "sizes": [1, 1, 1], "capacity_bytes": 10, **kwargs}
    with pytest.raises(ValueError, match=match):
        simulate(**args)


def test_inconsistent_size_on_sparse_ids_names_first_offender():
    ids = np.array([2**50, 3, 2**50, 3, 3])
    with pytest.raises(ValueError, match=r"sizes\[4\]=9 differs from sizes\[1\]=7"):
        simulate("fifo", ids, [1, 7, 1, 7, 9], 100)
