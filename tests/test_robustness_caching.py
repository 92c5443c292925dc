"""Caching under hostile input: byte totals that would wrap an int64 stay exact, and ratios stay in [0, 1]."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from labcdn import caching
from labcdn.caching.trace import MAX_OBJECT_BYTES, exact_sum


@pytest.mark.parametrize("policy", ["lru", "belady"])
def test_byte_totals_past_2_63_are_exact(policy):
    n = 2**23 + 2
    ids = np.arange(n, dtype=np.int64) % 2
    sizes = np.full(n, MAX_OBJECT_BYTES, dtype=np.int64)
    r = caching.simulate(policy, ids, sizes, 2 * MAX_OBJECT_BYTES)
    assert r.bytes_requested == n * 2**40  # int64 wrapped this to -9.2e18
    assert r.byte_hits == (n - 2) * 2**40 and r.miss_bytes == 2 * 2**40
    assert 0.0 <= r.byte_hit_ratio <= 1.0


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, MAX_OBJECT_BYTES), min_size=0, max_size=50))
def test_exact_sum_is_the_integer_sum(values):
    assert exact_sum(np.array(values, dtype=np.int64)) == sum(values)
