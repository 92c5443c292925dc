"""Ranked (proactive) fill against its slow reference, and its invariants."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from naive_caching import ranked_fill as naive_ranked_fill

from labcdn import caching


def _trace(seed, n=400, n_obj=60, variable=True):
    rng = np.random.default_rng(seed)
    ids = rng.zipf(1.3, size=n) % n_obj * 7 + 3  # sparse ids
    obj_size = rng.integers(1, 50, size=ids.max() + 1) if variable else np.ones(ids.max() + 1, dtype=np.int64)
    return ids.astype(np.int64), obj_size[ids].astype(np.int64)


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 2_000), st.booleans(), st.one_of(st.none(), st.integers(0, 400)))
def test_ranked_fill_equals_reference(seed, capacity, variable, train_until):
    ids, sizes = _trace(seed, variable=variable)
    got = caching.ranked_fill(ids, sizes, capacity, train_until=train_until)
    want = naive_ranked_fill(ids.tolist(), sizes.tolist(), capacity, train_until)
    assert got.hit.tolist() == want
    start = 0 if train_until is None else train_until
    assert got.requests == len(ids) - start
    assert got.byte_hits + got.miss_bytes == got.bytes_requested == sizes[start:].sum()


def test_hindsight_fill_of_the_whole_footprint_serves_everything():
    ids, sizes = _trace(1)
    footprint = int(sum(dict(zip(ids.tolist(), sizes.tolist(), strict=True)).values()))
    res = caching.ranked_fill(ids, sizes, footprint)
    assert res.hit_ratio == 1.0  # even first requests: the fill happened before them


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_ranked_fill_is_monotone_in_capacity(seed):
    ids, sizes = _trace(seed)
    hits = [caching.ranked_fill(ids, sizes, c, train_until=200).hits for c in range(1, 800, 40)]
    assert hits == sorted(hits)


def test_curves_score_every_policy_on_the_same_requests():
    ids, sizes = _trace(7)
    curves = caching.hit_ratio_curves(ids, sizes, [50, 200, 800], train_until=200)
    assert set(curves["policy"]) == {"lru", "fifo", "lfu", "belady", "ranked"}
    assert curves.height == 15
    assert curves["hit_ratio"].is_between(0.0, 1.0).all()


@pytest.mark.parametrize("train_until", [None, 150])
def test_curves_equal_one_call_per_policy_and_capacity(train_until):
    ids, sizes = _trace(5)
    start = train_until or 0
    served = sizes[start:]
    curves = caching.hit_ratio_curves(ids, sizes, [30, 300], train_until=train_until)
    for row in curves.iter_rows(named=True):
        if row["policy"].startswith("ranked"):
            res = caching.ranked_fill(ids, sizes, row["capacity_bytes"], train_until=train_until)
            assert row["policy"] == res.policy
            hits, byte_hits = res.hits, res.byte_hits
        else:
            hit = caching.simulate(row["policy"], ids, sizes, row["capacity_bytes"]).hit[start:]
            hits, byte_hits = hit.sum(), served[hit].sum()
        assert row["hit_ratio"] == hits / served.size
        assert row["byte_hit_ratio"] == byte_hits / served.sum()


def test_belady_bounds_the_reactive_policies_on_uniform_sizes():
    ids, sizes = _trace(7, variable=False)
    curves = caching.hit_ratio_curves(ids, sizes, [5, 20, 40])
    best = curves.filter(curves["policy"] == "belady")["hit_ratio"].to_numpy()
    for policy in ("lru", "fifo", "lfu"):
        assert np.all(best >= curves.filter(curves["policy"] == policy)["hit_ratio"].to_numpy())


def test_one_hit_wonders():
    out = caching.one_hit_wonders([5, 5, 6, 7, 7, 7, 8])
    assert out == {"objects": 4, "requests": 7, "one_hit_objects": 0.5, "one_hit_requests": 2 / 7}


def test_bad_arguments_name_the_parameter():
    ids, sizes = _trace(0)
    with pytest.raises(ValueError, match="capacity_bytes="):
        caching.ranked_fill(ids, sizes, 0)
    with pytest.raises(ValueError, match="train_until="):
        caching.ranked_fill(ids, sizes, 10, train_until=len(ids) + 1)
    with pytest.raises(ValueError, match="capacities"):
        caching.hit_ratio_curves(ids, sizes, [0, 10])
